/**
 * `bun run dev` demo (development only): the marketplace sandbox inside the app, a demo shop
 * with a store on each of the five marketplaces pointed at it, and buyers ordering every few
 * seconds, in turn in the web shop and on a marketplace (taken in by the order pull). The log
 * shows each order and what every marketplace shows: stock sold on one channel reaching the
 * others a sync interval later. When stock runs low the depot is restocked. At the start one
 * order on each marketplace walks Created, Picking, Invoiced, Shipped through the staff steps,
 * the command worker and the pull (demo-fulfilment.ts). Before that each marketplace's own catalog
 * is imported, and on Trendyol a quantity changed behind our back is found and restored (demo-listings.ts).
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "../infra/logger";
import { AppError } from "../infra/errors";
// Types only: erased at build, so the production image (which lacks the sandbox package) never resolves it.
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { Services } from "../services";
import { fulfilmentTours, type TourReport } from "./demo-fulfilment";
import { type DriftReport, driftWalk, type ImportCounts, importCatalogs, orderCodes } from "./demo-listings";
import { marketplaceOrder, shownEverywhere } from "./demo-marketplace";
import { DEMO_MARKETPLACES, DEMO_SELLER, type DemoShop, type DemoStore, ensureDemoShop } from "./demo-seed";

export interface DemoSettings {
  sandboxPort: number;
  orderEveryMs: number;
}

export interface RunningDemo {
  sandbox: RunningSandbox;
  shop: DemoShop;
  /** One order per marketplace walked Created, Picking, Invoiced, Shipped (demo-fulfilment.ts), started at once. */
  tours: Promise<TourReport[]>;
  /** Each marketplace store's listing import (linked / unlinked / conflicting), done before the start returns. */
  imports: ImportCounts[];
  /** Trendyol's drift check and restore; null when it could not run (logged). */
  drift: Promise<DriftReport | null>;
  stop(): Promise<void>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

async function demoCustomer(services: Services): Promise<string> {
  const email = `demo-${randomBytes(4).toString("hex")}@example.com`;
  const user = await services.identity.register({ email, password: randomBytes(12).toString("base64url") }, { ip: "127.0.0.1", userAgent: "dev-demo" });
  return user.id;
}

export async function startDemo(services: Services, settings: DemoSettings, log: Logger): Promise<RunningDemo> {
  const accounts = Object.fromEntries(DEMO_MARKETPLACES.filter((m) => m.type !== "TRENDYOL").map((m) => [m.type, [{ ...m.account }]]));
  // Loaded only when the demo runs (never in production, where DEMO is refused and the package is absent).
  const { startSandbox } = await import("@pazarsync/marketplace-sandbox");
  // The database outlives the sandbox: each start numbers its orders past the last start's (a thousand a second).
  const idOffset = Math.floor(Date.now() / 1000) * 1000;
  const sandbox = await startSandbox({ port: settings.sandboxPort, resultDelayMs: 500, sellers: [{ ...DEMO_SELLER }], accounts, idOffset }, log);
  const shop = await ensureDemoShop(services, sandbox.url);
  const customerId = await demoCustomer(services);
  const products = await services.products.findProducts([...shop.productIds, shop.setId]);
  // Marketplaces show listings under their key: the barcode, or our SKU where the import linked it as the stock code.
  const barcodes = new Map(products.flatMap((p) => [[p.barcode, p.name] as const, [p.sku, p.name] as const]));
  log.info(
    {
      sandbox: sandbox.url,
      quantities: `${sandbox.url}/__sandbox/sellers/${DEMO_SELLER.sellerId}/quantities`,
      others: `${sandbox.url}/__sandbox/marketplaces/{name}/{account}/shown`,
      webStoreId: shop.webStoreId,
      marketplaceStores: shop.marketplaceStores,
    },
    "demo: marketplace sandbox and demo shop ready",
  );

  // Short (a few listings per marketplace), so the buyers' order lines below carry what each marketplace keys listings on.
  const imports = await importCatalogs(services, sandbox, shop.marketplaceStores, products, log);
  // The code a buyer's line names on that marketplace; the barcode if the listing cannot be read.
  const codeOn = async (store: DemoStore, barcode: string) => (await orderCodes(services, store).catch(() => new Map<string, string>())).get(barcode) ?? barcode;

  const simple = products.find((p) => p.type === "SIMPLE") ?? products[0];
  const tours = simple ? fulfilmentTours(services, sandbox, shop.marketplaceStores, { barcode: simple.barcode, price: simple.price, codeOn: (store) => codeOn(store, simple.barcode) }, log) : Promise.resolve([]);
  // The drift walk's product is one the walks above never order, so no sale moves it meanwhile.
  const steady = products.filter((p) => p.type === "SIMPLE" && p.id !== simple?.id).at(-1);
  const trendyol = shop.marketplaceStores.find((s) => s.type === "TRENDYOL");
  const drift: Promise<DriftReport | null> =
    steady && trendyol
      ? driftWalk(services, sandbox, trendyol, steady, log).catch((error: unknown) => {
          log.warn({ err: error }, "demo: the drift walk failed");
          return null;
        })
      : Promise.resolve(null);

  let orders = 0;
  async function restock(): Promise<void> {
    for (const id of shop.productIds) {
      await services.inventory.changeShelfStock(shop.shelfId, { productId: id, delta: 25, reason: "demo restock" }, { actorId: null, correlationId: "dev-demo-restock" });
    }
    log.info("demo: out of stock, depot restocked");
  }

  async function webOrder(productId: string, quantity: number): Promise<void> {
    try {
      const placed = await services.orders.placeOrder({ userId: customerId, role: "customer" }, { storeId: shop.webStoreId, items: [{ productId, quantity }] }, `demo-${Date.now()}-${orders}`);
      log.info({ number: placed.order.number, productId, quantity }, "demo: web order placed");
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "OUT_OF_STOCK") throw error;
      await restock();
    }
  }

  async function orderOnce(): Promise<void> {
    orders += 1;
    const product = pick(products);
    const quantity = 1 + Math.floor(Math.random() * 3);
    // Every other order comes from a marketplace, so the log shows both directions.
    if (orders % 2 === 1) await webOrder(product.id, quantity);
    else {
      const store = pick(shop.marketplaceStores);
      const outcomes = await marketplaceOrder(services, sandbox, store, { barcode: await codeOn(store, product.barcode), quantity, unitPrice: product.price }, log);
      if ("oversold" in outcomes) await restock();
    }
    log.info({ marketplacesShow: shownEverywhere(sandbox, shop.marketplaceStores, barcodes) }, "demo: the marketplaces show");
  }

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setInterval> | undefined;
  // Buyers start once the drift walk is over: a sale of its product would hide the drift it shows.
  void drift.then(() => {
    if (stopped) return;
    timer = setInterval(() => {
      if (stopped) return;
      running = orderOnce().catch((error: unknown) => log.warn({ err: error }, "demo: order failed"));
    }, settings.orderEveryMs);
  });
  return {
    sandbox,
    shop,
    tours,
    imports,
    drift,
    async stop() {
      stopped = true;
      await drift;
      clearInterval(timer);
      await running;
      await tours;
      await sandbox.stop();
    },
  };
}
