/**
 * End-to-end fulfilment on one marketplace: the whole app (real Postgres/Redis per the support,
 * the store's real adapter and its order-command port) against the sandbox. An order is taken in
 * the way that marketplace delivers it, staff take the steps through the HTTP routes, the app's
 * command worker sends them, and the sandbox's order-state control route shows what arrived.
 */
import { afterAll, expect } from "bun:test";
import { Registry } from "prom-client";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { createCommandWorker, type CommandWorker } from "../../src/domains/order/command-worker";
import { createRateLimiter } from "../../src/domains/stock-sync/token-bucket";
import type { MarketplaceName } from "../../src/domains/marketplace/types";
import { createTestApp, type TestApp } from "../support/app";
import { createStore, createWarehouse } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, bearer, get, postJson, staff } from "../support/identity";
import { everyMarketplaceSandbox, MARKETPLACES, orderOn, type SandboxMarketplace } from "../support/marketplaces";
import { manualClock, silent, TEST_SETTINGS } from "./commands-support";
import { levelIn, listedOnEvery, type MarketplaceShop, pulledOutcomes } from "./marketplace-stores-support";

export interface FulfilmentShop {
  t: TestApp;
  sandbox: RunningSandbox;
  m: SandboxMarketplace;
  storeId: string;
  shop: MarketplaceShop;
  /** A second worker of the app's real ports on a clock ten minutes ahead: what is due later (a SENT command's observe) is due for it now. */
  later: CommandWorker;
}

const opened: FulfilmentShop[] = [];
afterAll(async () => {
  for (const { t, sandbox } of opened.splice(0)) {
    sandbox.state.trendyolWebhooks.stop();
    await sandbox.stop();
    await t.close();
  }
});

/** The app, the sandbox, and one store of `type` selling from one warehouse; `credentials` adds to the store's sandbox credentials. */
export async function fulfilmentShop(type: MarketplaceName, credentials: Record<string, string> = {}): Promise<FulfilmentShop> {
  const t = await createTestApp({ label: `fulfil-${type.toLowerCase()}`, env: { SYNC_POLL_DELAY_MS: "0" } });
  const tokens = { staff: (await staff(t)).tokens.accessToken as string, admin: (await admin(t)).tokens.accessToken as string };
  const sandbox = await everyMarketplaceSandbox();
  const m = MARKETPLACES.find((entry) => entry.type === type) as SandboxMarketplace;
  const warehouse = await createWarehouse(t, tokens.staff);
  const storeId = await createStore(t, tokens.admin, { type, sellerId: m.account, baseUrl: sandbox.url, credentials: { ...m.credentials, ...credentials }, warehouseIds: [warehouse.id] });
  const shop: MarketplaceShop = { t, tokens, warehouse, storeIds: [storeId], storeOf: () => storeId };
  const clock = manualClock();
  const later = createCommandWorker({
    db: t.infra.database.db,
    log: silent,
    ports: t.services.orders.commandPorts(),
    stores: t.services.stores,
    limiter: createRateLimiter(t.infra.kv, { now: clock.now }),
    settings: TEST_SETTINGS,
    registry: new Registry(),
    now: clock.now,
  });
  const made = { t, sandbox, m, storeId, shop, later };
  opened.push(made);
  return made;
}

export const listed = (f: FulfilmentShop, stock: number) => listedOnEvery(f.shop, `Fulfil ${f.m.type}`, stock);
export const level = (f: FulfilmentShop, productId: string) => levelIn(f.shop, productId);

/** One pull of the store (its order pull; for Hepsiburada also its packages). */
export async function pull(f: FulfilmentShop): Promise<Record<string, number>> {
  return (await pulledOutcomes(f.shop, f.m)) as Record<string, number>;
}

/** A buyer orders on the marketplace and the store's pull takes it in; answers the order as staff see it. */
export async function takenIn(f: FulfilmentShop, lines: { barcode: string; quantity: number; unitPrice: number }[]): Promise<Json> {
  const id = await orderOn(f.sandbox, f.m, lines);
  expect((await pull(f)).created).toBe(1);
  const page = await bodyOf(await get(f.t, `/api/v1/orders?storeId=${f.storeId}&limit=100`, f.shop.tokens.staff));
  const found = page.items.filter((order: Json) => order.externalOrderId === id || (order.packages ?? []).some((p: Json) => p.packageId === id));
  expect(found).toHaveLength(1);
  return staffView(f, found[0].id);
}

export async function staffView(f: FulfilmentShop, orderId: string): Promise<Json> {
  const res = await get(f.t, `/api/v1/orders/${orderId}`, f.shop.tokens.staff);
  expect(res.status).toBe(200);
  return bodyOf(res);
}

/**
 * A staff step through its route: answered at once (200) with the order, whose newest command of
 * `kind` is PENDING (recorded, nothing sent: the app's worker is not started in tests, so a kick
 * leaves it to the test's runOnce) or NOT_SUPPORTED.
 */
export async function step(f: FulfilmentShop, orderId: string, route: "pick" | "invoice" | "ship", body?: unknown): Promise<Json> {
  const res = await postJson(f.t, `/api/v1/orders/${orderId}/${route}`, body ?? {}, bearer(f.shop.tokens.staff));
  expect(res.status).toBe(200);
  return bodyOf(res);
}

/** The order's commands as [kind, state], first recorded first. */
export const commandsOf = (order: Json): [string, string][] => order.commands.map((c: Json) => [c.kind, c.state]);

/** The app's own command worker, once (what a kick runs). */
export const runWorker = (f: FulfilmentShop) => f.t.services.commandWorker.runOnce();

/** What the sandbox holds for the order (`key`: the marketplace's order number or id as the control route takes it). */
export async function orderState(f: FulfilmentShop, key: string): Promise<Json> {
  const path =
    f.m.type === "TRENDYOL"
      ? `/__sandbox/sellers/${f.m.account}/order-state/${encodeURIComponent(key)}`
      : `/__sandbox/marketplaces/${f.m.type.toLowerCase()}/${f.m.account}/order-state?${f.m.type === "PTTAVM" || f.m.type === "PAZARAMA" ? "orderId" : "orderNumber"}=${encodeURIComponent(key)}`;
  const res = await fetch(`${f.sandbox.url}${path}`);
  if (res.status !== 200) throw new Error(`order-state ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
