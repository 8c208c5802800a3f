/**
 * Order command tests: an app whose marketplace stores send through a test port (FakeMarketplace),
 * a shop with a web store and a Trendyol store, marketplace orders taken in through intake, and
 * command workers on a manual clock (a restart is a new worker once the clock passed the lease).
 */
import { Registry } from "prom-client";
import { createCommandWorker, type CommandWorker, type CommandWorkerSettings } from "../../src/domains/order/command-worker";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { manualClock as makeClock, type ManualClock } from "../support/clock";
import { FakeMarketplace } from "../support/command-port";
import { bodyOf, type Json } from "../support/http";
import { get } from "../support/identity";
import { openShop, type Shop, stockedProduct } from "./support";
import { productBarcode } from "./transitions-support";

export interface CommandShop extends Shop {
  t: TestApp;
  fake: FakeMarketplace;
  /** A Trendyol store sending through the fake's port. */
  marketStoreId: string;
}

export async function commandApp(label: string, env: Record<string, string> = {}): Promise<{ t: TestApp; fake: FakeMarketplace }> {
  const fake = new FakeMarketplace();
  const t = await createTestApp({ label, env, commandPorts: fake.ports });
  fake.onCall = (storeId) => t.services.sync.apiLogs(storeId);
  return { t, fake };
}

let sellers = 0;

export async function commandShop(t: TestApp, fake: FakeMarketplace, mode: "port" | "none" = "port"): Promise<CommandShop> {
  const shop = await openShop(t);
  const marketStoreId = await createStore(t, shop.adminToken, { type: "TRENDYOL", sellerId: `cmd-${++sellers}`, warehouseIds: [shop.warehouseId] });
  fake.serve(marketStoreId, mode);
  return { ...shop, t, fake, marketStoreId };
}

let external = 0;

/** A marketplace order of the given lines (product, units), each line with its marketplace line id, in one package. */
export async function marketOrder(shop: CommandShop, lines: { productId: string; quantity: number }[], storeId = shop.marketStoreId): Promise<Json> {
  const n = ++external;
  const { order } = await shop.t.services.orders.intakeMarketplaceOrder({
    storeId,
    externalOrderId: `CMD-${Date.now()}-${n}`,
    packageId: `PKG-${n}`,
    marketplaceStatus: "Created",
    lines: await Promise.all(
      lines.map(async (line, index) => ({ barcode: await productBarcode(shop.t, shop, line.productId), quantity: line.quantity, unitPrice: 10_000, lineId: `L${n}-${index + 1}` })),
    ),
    currency: "TRY",
  });
  return order;
}

/** A fresh product with stock, and a marketplace order of `units` of it. */
export async function simpleMarketOrder(shop: CommandShop, units = 1, stock = 10): Promise<{ order: Json; productId: string }> {
  const productId = await stockedProduct(shop.t, shop, stock);
  return { order: await marketOrder(shop, [{ productId, quantity: units }]), productId };
}

export const silent = createLogger({ level: "silent", pretty: false });

/** Small times so a test steps through retries on its manual clock. */
export const TEST_SETTINGS: CommandWorkerSettings = { pollMs: 1000, leaseMs: 30_000, attemptBudget: 3, retryBaseMs: 1000, maxBackoffMs: 8000 };

/** A worker of the app's services on this clock (a second one is a second replica, or the process after a restart). */
export function worker(t: TestApp, fake: FakeMarketplace, clock: ManualClock, settings: Partial<CommandWorkerSettings> = {}): CommandWorker {
  return createCommandWorker({
    db: t.infra.database.db,
    log: silent,
    ports: fake.ports,
    stores: t.services.stores,
    limiter: createRateLimiter(t.infra.kv, { now: clock.now }),
    settings: { ...TEST_SETTINGS, ...settings },
    registry: new Registry(),
    now: clock.now,
  });
}

/**
 * A clock for workers, ten minutes ahead of the database: commands recorded later in the test (at
 * the database's now) are due for it at once, and it moves only when the test steps it.
 */
export function manualClock(): ManualClock {
  return makeClock(Date.now() + 10 * 60_000);
}

export async function orderAsStaff(shop: CommandShop, orderId: string): Promise<Json> {
  const res = await get(shop.t, `/api/v1/orders/${orderId}`, shop.staffToken);
  if (res.status !== 200) throw new Error(`order read failed: ${res.status}`);
  return bodyOf(res);
}

/** The order's commands as [kind, state] pairs, first recorded first. */
export async function commandStates(shop: CommandShop, orderId: string): Promise<[string, string][]> {
  return (await orderAsStaff(shop, orderId)).commands.map((c: Json) => [c.kind, c.state]);
}
