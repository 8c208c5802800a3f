import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SubmittedItem } from "../../src/domains/stock-sync/schema";
import {
  complete,
  dueSubmissions,
  expire,
  expireStoreSubmissions,
  type NewSubmission,
  pendingCounts,
  purgeFinishedSubmissions,
  recordSubmissions,
  reschedule,
} from "../../src/domains/stock-sync/submissions";
import { type Database, openDatabase, type DatabaseHandle } from "../../src/infra/db";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { marketplaceStore, simpleProducts } from "./persistence-support";

let t: TestApp;
let db: Database;
let product: { id: string; barcode: string };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-submissions" });
  db = t.infra.database.db;
  [product] = (await simpleProducts(t, 1)) as [{ id: string; barcode: string }];
});
afterAll(() => t.close());

const MINUTE = 60_000;
const T0 = new Date("2026-11-23T10:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
let batchCounter = 0;

function item(overrides: Partial<SubmittedItem> = {}): SubmittedItem {
  return { productId: product.id, barcode: product.barcode, quantity: 7, salePrice: null, listPrice: null, firstMarkedAt: T0.getTime() - 900, zero: false, ...overrides };
}

function submission(storeId: string, overrides: Partial<NewSubmission> = {}): NewSubmission {
  return {
    storeId,
    marketplace: "TRENDYOL",
    batchId: `batch-${++batchCounter}`,
    items: [item()],
    submittedAt: T0,
    nextPollAt: at(5_000),
    expiresAt: at(230 * MINUTE),
    ...overrides,
  };
}

describe("recording submissions", () => {
  test("receipts are stored with their items, counted and PENDING", async () => {
    const storeId = await marketplaceStore(t);
    const items = [item({ quantity: 0, zero: true }), item({ barcode: "other", quantity: null, salePrice: 9_990, listPrice: 10_990 })];
    const [row] = await recordSubmissions(db, [submission(storeId, { items })]);
    expect(row).toMatchObject({ storeId, marketplace: "TRENDYOL", status: "PENDING", itemCount: 2, pollCount: 0, completedAt: null, lastError: null });
    expect(row?.items).toEqual(items);
    expect(row?.nextPollAt.toISOString()).toBe(at(5_000).toISOString());
  });

  test("recording the same store and batch id again leaves the first row alone", async () => {
    const storeId = await marketplaceStore(t);
    const first = submission(storeId, { batchId: "same" });
    expect(await recordSubmissions(db, [first])).toHaveLength(1);
    const again = await recordSubmissions(db, [{ ...first, items: [item(), item()] }, submission(storeId)]);
    expect(again).toHaveLength(1);
    expect(again[0]?.batchId).not.toBe("same");
    const [counts] = (await pendingCounts(db)).filter((c) => c.storeId === storeId);
    expect(counts?.pending).toBe(2);
  });

  test("the same batch id on another store is a different receipt", async () => {
    const [a, b] = [await marketplaceStore(t), await marketplaceStore(t)];
    const rows = await recordSubmissions(db, [submission(a, { batchId: "shared" }), submission(b, { batchId: "shared" })]);
    expect(rows.map((r) => r.storeId).sort()).toEqual([a, b].sort());
  });
});

describe("polling", () => {
  test("only pending receipts that are due are claimed, oldest first, and the claim pushes their next poll out", async () => {
    const storeId = await marketplaceStore(t);
    const now = at(10 * MINUTE + 1);
    const recorded = await recordSubmissions(db, [
      submission(storeId, { submittedAt: at(-60_000), nextPollAt: at(10 * MINUTE) }),
      submission(storeId, { submittedAt: at(0), nextPollAt: at(10 * MINUTE - 1) }),
      submission(storeId, { nextPollAt: at(20 * MINUTE) }),
    ]);
    const [older, newer, notDue] = recorded.map((r) => r.id) as [string, string, string];
    const claimed = (await dueSubmissions(db, now, 100, 30_000)).filter((r) => r.storeId === storeId);
    expect(claimed.map((r) => r.id)).toEqual([older, newer]);
    expect(claimed.every((r) => r.nextPollAt.getTime() === now.getTime() + 30_000 && r.pollCount === 1)).toBe(true);
    // Leased: not due again until the lease runs out.
    expect((await dueSubmissions(db, now, 100)).some((r) => r.storeId === storeId)).toBe(false);
    const later = (await dueSubmissions(db, at(20 * MINUTE), 100)).filter((r) => r.storeId === storeId);
    expect(later.map((r) => r.id).sort()).toEqual([older, newer, notDue].sort());
    expect(later.find((r) => r.id === older)?.pollCount).toBe(2);
  });

  test("a claim takes at most the limit", async () => {
    const storeId = await marketplaceStore(t);
    await recordSubmissions(db, [submission(storeId), submission(storeId), submission(storeId)]);
    const farFuture = new Date("2030-01-01T00:00:00Z");
    const first = await dueSubmissions(db, farFuture, 2);
    expect(first).toHaveLength(2);
  });

  test("rescheduling sets the next poll and the last error; completed and expired receipts are never claimed", async () => {
    const storeId = await marketplaceStore(t);
    const [a, b, c] = await recordSubmissions(db, [submission(storeId), submission(storeId), submission(storeId)]);
    if (!a || !b || !c) throw new Error("recorded nothing");
    expect(await reschedule(db, a.id, at(MINUTE), "HTTP_503")).toBe(true);
    expect(await complete(db, b.id, at(30_000))).toBe(true);
    expect(await expire(db, c.id, "RESULT_EXPIRED")).toBe(true);
    // Finished receipts stay finished.
    expect(await complete(db, c.id)).toBe(false);
    expect(await reschedule(db, b.id, at(0))).toBe(false);
    const claimed = (await dueSubmissions(db, at(MINUTE), 100)).filter((r) => r.storeId === storeId);
    expect(claimed.map((r) => r.id)).toEqual([a.id]);
    expect(claimed[0]?.lastError).toBe("HTTP_503");
    expect((await pendingCounts(db)).find((p) => p.storeId === storeId)?.pending).toBe(1);
  });

  test("ids that are not uuids are simply not found", async () => {
    expect(await complete(db, "not-a-uuid")).toBe(false);
    expect(await reschedule(db, "x", at(0))).toBe(false);
  });

  test("pending counts give each store's number and oldest pending receipt", async () => {
    const storeId = await marketplaceStore(t);
    const [, , finished] = await recordSubmissions(db, [
      submission(storeId, { submittedAt: at(-5 * MINUTE) }),
      submission(storeId, { submittedAt: at(-2 * MINUTE) }),
      submission(storeId, { submittedAt: at(-9 * MINUTE) }),
    ]);
    await complete(db, finished?.id ?? "");
    const mine = (await pendingCounts(db)).find((p) => p.storeId === storeId);
    expect(mine?.pending).toBe(2);
    expect(mine?.oldestSubmittedAt.toISOString()).toBe(at(-5 * MINUTE).toISOString());
  });

  test("finished receipts older than the cut-off are purged, pending ones never", async () => {
    const storeId = await marketplaceStore(t);
    const [done, pending] = await recordSubmissions(db, [
      submission(storeId, { submittedAt: at(-48 * 60 * MINUTE) }),
      submission(storeId, { submittedAt: at(-48 * 60 * MINUTE) }),
    ]);
    await complete(db, done?.id ?? "");
    expect(await purgeFinishedSubmissions(db, at(-24 * 60 * MINUTE))).toBeGreaterThanOrEqual(1);
    expect(await complete(db, done?.id ?? "")).toBe(false);
    expect(await complete(db, pending?.id ?? "")).toBe(true);
  });
});

describe("two replicas polling at once", () => {
  let second: DatabaseHandle | undefined;
  afterAll(async () => second?.close());

  test("concurrent claims never hand the same receipt to two pollers", async () => {
    // On real Postgres the second replica has its own pool; embedded, PGlite serialises the claims.
    const url = t.config.databaseUrl;
    if (url) second = await openDatabase({ url, log: createLogger({ level: "silent", pretty: false }) });
    const other = second?.db ?? db;
    const storeId = await marketplaceStore(t);
    const now = new Date("2031-01-01T00:00:00Z");
    await recordSubmissions(db, Array.from({ length: 60 }, () => submission(storeId, { nextPollAt: at(0) })));
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => dueSubmissions(i % 2 === 0 ? db : other, now, 8)));
    const ids = claims.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every due receipt (this store's and the leftovers of earlier tests) was claimed by someone.
    expect(ids.length).toBeGreaterThanOrEqual(60);
    expect(await dueSubmissions(db, now, 1000)).toHaveLength(0);
  });
});

describe("a store whose marketplace account was replaced", () => {
  test("forgetting the store expires its pending batches (their results never come from the new account, and they would hold its cap of pending batches) and leaves other stores' alone", async () => {
    const storeId = await marketplaceStore(t);
    const other = await marketplaceStore(t);
    await recordSubmissions(db, [submission(storeId, { marketplace: "HEPSIBURADA" }), submission(storeId, { marketplace: "HEPSIBURADA" }), submission(other)]);
    const pending = async (id: string) => (await pendingCounts(db)).find((row) => row.storeId === id)?.pending ?? 0;
    expect(await pending(storeId)).toBe(2);
    await t.services.sync.forgetStore(storeId);
    expect(await pending(storeId)).toBe(0);
    expect(await pending(other)).toBe(1);
    expect(await expireStoreSubmissions(db, storeId)).toBe(0);
  });
});
