/**
 * Order commands against the sandbox through the real ports: Trendyol orders created on the
 * sandbox and taken in by a pull (intake-support.ts), command workers built on the app's own
 * ports (the store's adapter) on a clock the test steps, and what the sandbox holds for an order
 * (its packages and the way-back calls it received per kind).
 */
import { eq } from "drizzle-orm";
import { Registry } from "prom-client";
import { commandsOf } from "../../src/domains/order/command-records";
import { createCommandWorker, type CommandWorker, type CommandWorkerSettings } from "../../src/domains/order/command-worker";
import { orders } from "../../src/domains/order/schema";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { createLogger } from "../../src/infra/logger";
import type { TestApp } from "../support/app";
import type { ManualClock } from "../support/clock";
import { silent, TEST_SETTINGS } from "./commands-support";
import { type IntakeShop, marketplaceOrder, type MarketStore } from "./intake-support";

export interface SandboxPackageState {
  shipmentPackageId: number;
  status: string;
  invoiceNumber: string | null;
  unsuppliedReasonId: number | null;
  lines: { lineId: number; barcode: string; quantity: number }[];
}

export interface SandboxOrderState {
  packages: SandboxPackageState[];
  commandCalls: Record<string, number>;
}

/** What the sandbox holds for one Trendyol order (control route). */
export async function sandboxOrder(shop: IntakeShop, store: MarketStore, orderNumber: string): Promise<SandboxOrderState> {
  const res = await fetch(`${shop.sandbox.url}/__sandbox/sellers/${store.sellerId}/order-state/${encodeURIComponent(orderNumber)}`);
  if (res.status !== 200) throw new Error(`order-state ${orderNumber}: ${res.status}`);
  return (await res.json()) as SandboxOrderState;
}

/** Packages as [status, reasonId, [[barcode, quantity]...]], sorted (the sandbox lists them in no set order). */
export const packageSummary = (state: SandboxOrderState) =>
  state.packages
    .map((p) => [p.status, p.unsuppliedReasonId, p.lines.map((l) => [l.barcode, l.quantity])] as const)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

export interface TakenOrder {
  /** Our order's id. */
  id: string;
  orderNumber: string;
  packageId: string;
}

/** Pulls the store until every order number is ours; answers our order ids in the same order. */
export async function pullUntilTaken(t: TestApp, store: MarketStore, orderNumbers: string[]): Promise<string[]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const report = await t.services.orderIntake.pullStore(store.storeId);
    if (!report.pulled) throw new Error(`store not pulled: ${report.reason}`);
    const rows = await t.infra.database.db.select({ id: orders.id, externalOrderId: orders.externalOrderId }).from(orders).where(eq(orders.storeId, store.storeId));
    const byNumber = new Map(rows.map((r) => [r.externalOrderId, r.id]));
    if (orderNumbers.every((n) => byNumber.has(n))) return orderNumbers.map((n) => byNumber.get(n) as string);
  }
  throw new Error("orders not taken in after 20 pulls");
}

/** `count` orders created on the sandbox (each of these lines) and taken in by pulls. */
export async function takenOrders(t: TestApp, shop: IntakeShop, store: MarketStore, count: number, lines: { barcode: string; quantity: number }[]): Promise<TakenOrder[]> {
  const created: { orderNumber: string; packageId: string }[] = [];
  for (let i = 0; i < count; i++) created.push(await marketplaceOrder(shop, store, lines.map((l) => ({ ...l, unitPrice: 1_000 }))));
  const ids = await pullUntilTaken(
    t,
    store,
    created.map((c) => c.orderNumber),
  );
  return created.map((c, i) => ({ ...c, id: ids[i] as string }));
}

/**
 * A worker of the app's own command ports (the store's Trendyol adapter talking to the sandbox),
 * on the test's clock for leases, backoff and token refill (a restart is a new worker past the lease).
 */
export function sandboxWorker(t: TestApp, clock: ManualClock | { now: () => number }, settings: Partial<CommandWorkerSettings> = {}): CommandWorker {
  return createCommandWorker({
    db: t.infra.database.db,
    log: process.env.CMD_DEBUG ? createLogger({ level: "warn", pretty: false }) : silent,
    ports: t.services.orders.commandPorts(),
    stores: t.services.stores,
    limiter: createRateLimiter(t.infra.kv, { now: clock.now }),
    settings: { ...TEST_SETTINGS, ...settings },
    registry: new Registry(),
    now: clock.now,
  });
}

/** Runs the worker, stepping the clock by `stepMs` between runs (tokens refill, backoffs end) until nothing is open. */
export async function drain(t: TestApp, worker: CommandWorker, clock: ManualClock, orderIds: string[], stepMs = 5_000, maxRuns = 200): Promise<void> {
  for (let run = 0; run < maxRuns; run++) {
    await worker.runOnce();
    if ((await openCommands(t, orderIds)) === 0) return;
    clock.advance(stepMs);
  }
  const open = (await Promise.all(orderIds.map((id) => commandsOf(t.infra.database.db, id)))).flat().filter((c) => OPEN.has(c.state));
  const shown = open.slice(0, 5).map((c) => ({ kind: c.kind, state: c.state, attempts: c.attempts, reason: c.reason, httpStatus: c.httpStatus, nextAttemptAt: c.nextAttemptAt }));
  throw new Error(`${open.length} commands still open after ${maxRuns} runs (clock ${new Date(clock.now()).toISOString()}): ${JSON.stringify(shown)}`);
}

const OPEN = new Set(["PENDING", "SENDING", "SENT"]);

async function openCommands(t: TestApp, orderIds: string[]): Promise<number> {
  let open = 0;
  for (const id of orderIds) open += (await commandsOf(t.infra.database.db, id)).filter((c) => OPEN.has(c.state)).length;
  return open;
}
