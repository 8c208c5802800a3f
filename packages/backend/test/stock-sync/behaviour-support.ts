/**
 * Helpers for the sync engine's behaviour tests (faults, outcomes, routes, scale, worker):
 * a shop whose sandbox seller knows only some barcodes, an engine on a clock the test moves,
 * parity checks against the one sellable function, and deadline-bound waiting.
 */
import { afterAll } from "bun:test";
import { Registry } from "prom-client";
import { startSandbox, type RunningSandbox, type SandboxOptions } from "@pazarsync/marketplace-sandbox";
import { createAffectedCache, pairsForStockChange } from "../../src/domains/stock-sync/affected";
import { createStockSync, type StockSync } from "../../src/domains/stock-sync/service";
import type { Broadcast } from "../../src/infra/broadcast";
import { createLogger } from "../../src/infra/logger";
import type { TestApp } from "../support/app";
import { createStore, createWarehouse } from "../support/catalog";
import type { SyncShop } from "./engine-support";

export type Tokens = { staff: string; admin: string };

const sandboxes: RunningSandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

let sellers = 0;

/**
 * Like engine-support's syncShop, but the sandbox seller can be given a closed catalog
 * (knownBarcodes: only those barcodes exist on the marketplace) and the store extra settings.
 */
export async function marketShop(
  t: TestApp,
  tokens: Tokens,
  options: { sandbox?: Omit<SandboxOptions, "sellers">; knownBarcodes?: string[]; storeBody?: Record<string, unknown> } = {},
): Promise<SyncShop> {
  const sellerId = `B${Date.now() % 100000}${++sellers}`;
  const seller = { sellerId, apiKey: "k", apiSecret: "s", ...(options.knownBarcodes ? { knownBarcodes: options.knownBarcodes } : {}) };
  const sandbox = await startSandbox({ resultDelayMs: 0, ...options.sandbox, sellers: [seller] });
  sandboxes.push(sandbox);
  const warehouse = await createWarehouse(t, tokens.staff);
  const storeId = await createStore(t, tokens.admin, {
    type: "TRENDYOL",
    sellerId,
    baseUrl: sandbox.url,
    credentials: { apiKey: "k", apiSecret: "s" },
    warehouseIds: [warehouse.id],
    ...options.storeBody,
  });
  return { sandbox, sellerId, storeId, warehouse, barcodes: new Map() };
}

/** A clock that only moves when the test says so (on top of real time, so it never runs backwards). */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms) };
}

/**
 * A second engine over the test app's database, key-value store and locks, on `clock`: the same
 * Redis keys (marks, health, buckets) as t.services.sync, so the app's routes see its effects.
 * Backoff and circuit times then pass when the test advances the clock, not by sleeping minutes.
 */
export function engineOnClock(
  t: TestApp,
  clock: TestClock,
  settings: Partial<TestApp["config"]["sync"]> = {},
  options: { broadcast?: Broadcast } = {},
): StockSync {
  const { products, stores, sellable } = t.services;
  const affected = createAffectedCache({ products, stores });
  return createStockSync({
    db: t.infra.database.db,
    kv: t.infra.kv,
    locks: t.infra.locks,
    log: createLogger({ level: "silent", pretty: false }),
    // Its own registry: the app's already holds metrics of these names.
    registry: new Registry(),
    stores,
    sellable,
    pairsFor: (change) => pairsForStockChange({ ...change, correlationId: "test" }, affected),
    settings: { ...t.config.sync, ...settings },
    // The app's broadcast: a worker on this engine hears the kicks the app's orders send.
    broadcast: options.broadcast,
    now: clock.now,
  });
}

/** What the store may sell of each listed product, by barcode (the number the marketplace should show). */
export async function expectedShown(t: TestApp, shop: SyncShop): Promise<Record<string, number>> {
  const details = await t.services.sellable(shop.storeId, [...shop.barcodes.keys()]);
  const expected: Record<string, number> = {};
  for (const [productId, barcode] of shop.barcodes) expected[barcode] = details.get(productId)?.sellable ?? 0;
  return expected;
}

/** Only the listed barcodes of what the sandbox shows. */
export function pick(shownNow: Record<string, number>, shop: SyncShop): Record<string, number | undefined> {
  return Object.fromEntries([...shop.barcodes.values()].map((b) => [b, shownNow[b]]));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it answers true or the deadline passes; answers whether it came true. */
export async function eventually(check: () => Promise<boolean> | boolean, deadlineMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await sleep(everyMs);
  }
}

export { sleep };
