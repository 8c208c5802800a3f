/**
 * The dev demo's way back: on each sandbox marketplace one order goes Created, Picking, Invoiced,
 * Shipped. The warehouse steps are the staff steps (the order service the staff routes call),
 * each recorded as a marketplace command the command worker sends to the sandbox; a step the
 * marketplace does not document shows NOT_SUPPORTED with its source. Where the marketplace itself
 * moves the order (Trendyol's carrier ships the package; PTT and N11 show what they accepted) the
 * sandbox does so and the order pull brings it back. The log shows each marketplace's walk.
 */
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { Orders } from "@pazarsync/shared";
import type { Logger } from "../infra/logger";
import type { Services } from "../services";
import type { DemoStore } from "./demo-seed";

/** The demo's warehouse staff: the system actor (the demo signs no one in). */
const STAFF = { userId: null, role: "system" } as const;
const ADMIN_VIEW = { userId: "00000000-0000-0000-0000-000000000000", role: "admin" } as const;

export interface TourStep {
  /** The staff step taken, or what the marketplace did (CARRIER_SHIPPED, PULLED). */
  step: string;
  /** Our order's status after it. */
  status: Orders.OrderStatus;
  /** The marketplace command of the step, as the worker (or the pull) left it. */
  command?: string;
  reason?: string;
}

export interface TourReport {
  marketplace: string;
  externalOrderId: string;
  steps: TourStep[];
}

async function sandboxCall(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`demo sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

const controlPath = (store: DemoStore) => (store.type === "TRENDYOL" ? `/__sandbox/sellers/${store.account}` : `/__sandbox/marketplaces/${store.type.toLowerCase()}/${store.account}`);

let bought = 0;

/** The product each walk orders; `codeOn` names it as the store's marketplace keys it (the barcode when absent). */
export interface TourProduct {
  barcode: string;
  price: number;
  codeOn?: (store: DemoStore) => Promise<string>;
}

/** A buyer orders one unit; answers the order's id as our intake keys it and the sandbox's own id. */
async function buyerOrders(sandbox: RunningSandbox, store: DemoStore, barcode: string, unitPrice: number): Promise<{ externalOrderId: string; sandboxId: string }> {
  const trendyol = store.type === "TRENDYOL";
  const lines = trendyol ? [{ barcode, quantity: 1, unitPrice }] : [{ code: barcode, quantity: 1, unitPrice }];
  // Trendyol's sandbox takes our order number: one no earlier demo start used.
  const created = await sandboxCall(sandbox, "POST", `${controlPath(store)}/orders`, { lines, ...(trendyol && { orderNumber: `DEMO-${Date.now()}-${++bought}` }) });
  if (trendyol) return { externalOrderId: String(created.orderNumber), sandboxId: String(created.shipmentPackageId) };
  return { externalOrderId: String(created.id), sandboxId: String(created.id) };
}

/** How long a walk waits for one pull to go through (a lock held, the order quota spent). */
const PULL_PATIENCE_MS = 120_000;

/**
 * Pulls the store (again while another pull of it, the demo buyers', holds it); answers the order
 * among the store's newest hundred, or undefined (an older order an earlier demo took in).
 */
async function pulledOrNot(services: Services, store: DemoStore, externalOrderId: string): Promise<Orders.Order | undefined> {
  const deadline = Date.now() + PULL_PATIENCE_MS;
  while (Date.now() < deadline) {
    const report = await services.orderIntake.pullStore(store.storeId);
    // The store's order quota stopped the pull part way: the rest is read once it refills.
    if (report.pulled && !report.complete && report.waitMs !== undefined) {
      await Bun.sleep(Math.min(report.waitMs, 5000));
      continue;
    }
    if (report.pulled) {
      const page = await services.orders.listOrders(ADMIN_VIEW, { storeId: store.storeId }, { page: 1, limit: 100, offset: 0 });
      const found = page.items.find((o) => o.externalOrderId === externalOrderId);
      return found ? services.orders.getOrder(ADMIN_VIEW, found.id) : undefined;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${store.type}'s store could not be pulled`);
}

async function pulledOrder(services: Services, store: DemoStore, externalOrderId: string): Promise<Orders.Order> {
  const order = await pulledOrNot(services, store, externalOrderId);
  if (!order) throw new Error(`the demo order ${externalOrderId} was not pulled from ${store.type}`);
  return order;
}

const commandOf = (order: Orders.Order, kind: string) => order.commands?.filter((c) => c.kind === kind).at(-1);

function stepOf(step: string, order: Orders.Order, kind?: string): TourStep {
  const command = kind ? commandOf(order, kind) : undefined;
  return { step, status: order.status, ...(command && { command: command.state }), ...(command?.reason && { reason: command.reason }) };
}

/** One marketplace's walk: Created, Picking, Invoiced, Shipped. */
/**
 * A fresh order on the store's marketplace, taken in: the other sandboxes number their orders from
 * the same start each time, so after a restart on the same database the first ids name orders an
 * earlier demo took in already (the pull finds them known). The buyer orders again until one is new.
 */
async function freshOrder(services: Services, sandbox: RunningSandbox, store: DemoStore, product: TourProduct) {
  const since = Date.now() - 1000;
  const code = (await product.codeOn?.(store)) ?? product.barcode;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const bought = await buyerOrders(sandbox, store, code, product.price);
    const order = await pulledOrNot(services, store, bought.externalOrderId);
    if (order && Date.parse(order.createdAt) >= since && order.status === "CREATED") return { ...bought, order };
  }
  throw new Error(`no fresh ${store.type} order id in ${MAX_ATTEMPTS} tries`);
}
const MAX_ATTEMPTS = 20;

export async function fulfilmentTour(services: Services, sandbox: RunningSandbox, store: DemoStore, product: TourProduct): Promise<TourReport> {
  const fresh = await freshOrder(services, sandbox, store, product);
  const { externalOrderId, sandboxId } = fresh;
  let order = fresh.order;
  const steps: TourStep[] = [stepOf("PULLED", order)];
  // Each step: staff take it, the worker sends it, and the pull (a minute later in real life) brings back what the
  // marketplace shows: a package made by packing (Hepsiburada), an accepted step applied (N11).
  const stepThrough = async (take: () => Promise<unknown>) => {
    await take();
    await services.commandWorker.runOnce();
    order = await pulledOrder(services, store, externalOrderId);
  };
  await stepThrough(() => services.orders.pickOrder(STAFF, order.id));
  steps.push(stepOf("PICK", order, "PICK"));
  await stepThrough(() => services.orders.invoiceOrder(STAFF, order.id, { invoiceNumber: `DMO${Date.now()}`.slice(0, 16), invoiceLink: `https://demo-invoices.example/${externalOrderId}.pdf` }));
  steps.push(stepOf("INVOICE", order, "INVOICE"));
  if (store.type === "TRENDYOL") {
    // Trendyol takes Shipped from its carrier, never from the seller: the carrier ships, the pull brings it back.
    steps.push({ step: "SHIP", status: order.status, command: "NOT_SUPPORTED", reason: "Trendyol's carrier ships the package; the seller has no call" });
    await sandboxCall(sandbox, "POST", `${controlPath(store)}/orders/${sandboxId}/status`, { status: "Shipped" });
    order = await pulledOrder(services, store, externalOrderId);
    steps.push(stepOf("CARRIER_SHIPPED", order));
  } else {
    await stepThrough(() => services.orders.shipOrder(STAFF, order.id, { carrier: "Demo Kargo", trackingNumber: `TRK${Date.now()}` }));
    if (store.type === "PTTAVM" && commandOf(order, "SHIP")?.state === "SENT") {
      // PTT makes the tracking number and shows the lines sent: the pull confirms the shipment.
      await sandboxCall(sandbox, "POST", `${controlPath(store)}/line-status`, { orderId: sandboxId, status: "gonderilmiş" });
      order = await pulledOrder(services, store, externalOrderId);
    }
    steps.push(stepOf("SHIP", order, "SHIP"));
  }
  return { marketplace: store.type, externalOrderId, steps };
}

/** Every marketplace's walk in turn; a failure is logged and the rest go on. */
export async function fulfilmentTours(services: Services, sandbox: RunningSandbox, stores: readonly DemoStore[], product: TourProduct, log: Logger): Promise<TourReport[]> {
  const reports: TourReport[] = [];
  for (const store of stores) {
    try {
      const report = await fulfilmentTour(services, sandbox, store, product);
      reports.push(report);
      log.info({ marketplace: report.marketplace, externalOrderId: report.externalOrderId, steps: report.steps }, "demo: an order walked Created, Picking, Invoiced, Shipped");
    } catch (error) {
      log.warn({ err: error, marketplace: store.type }, "demo: the fulfilment walk failed");
    }
  }
  return reports;
}
