import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bumpAttempts, clearAttempts } from "../../src/domains/stock-sync/attempts";
import { readCursor, saveCursor } from "../../src/domains/stock-sync/cursor";
import {
  countOpenByStore,
  markRetried,
  type NewDeadLetter,
  openDeadLetters,
  resolveForPairs,
  upsertDeadLetters,
} from "../../src/domains/stock-sync/dead-letters";
import type { Database } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";
import { marketplaceStore, simpleProducts } from "./persistence-support";

let t: TestApp;
let db: Database;
beforeAll(async () => {
  t = await createTestApp({ label: "sync-retries" });
  db = t.infra.database.db;
});
afterAll(() => t.close());

async function storeWith(n: number) {
  return { storeId: await marketplaceStore(t), products: await simpleProducts(t, n) };
}

function letter(storeId: string, product: { id: string; barcode: string }, overrides: Partial<NewDeadLetter> = {}): NewDeadLetter {
  return { storeId, productId: product.id, barcode: product.barcode, quantity: 4, salePrice: null, reasons: ["stok güncellenemedi"], attempts: 5, ...overrides };
}

describe("dead letters", () => {
  test("a dead letter opens with what was sent and why it failed", async () => {
    const { storeId, products } = await storeWith(1);
    const [p] = products as [{ id: string; barcode: string }];
    const [row] = await upsertDeadLetters(db, [letter(storeId, p, { salePrice: 9_990 })]);
    expect(row).toMatchObject({ storeId, productId: p.id, barcode: p.barcode, quantity: 4, salePrice: 9_990, reasons: ["stok güncellenemedi"], attempts: 5, status: "OPEN" });
  });

  test("a second dead letter for the same pair updates the open one instead of adding another", async () => {
    const { storeId, products } = await storeWith(1);
    const [p] = products as [{ id: string; barcode: string }];
    const [first] = await upsertDeadLetters(db, [letter(storeId, p)]);
    const [second] = await upsertDeadLetters(db, [letter(storeId, p, { quantity: 9, reasons: ["quantity too high"], attempts: 3 })]);
    expect(second?.id).toBe(first?.id as string);
    expect(second).toMatchObject({ quantity: 9, reasons: ["quantity too high"], attempts: 8, status: "OPEN" });
    const open = await openDeadLetters(db, { storeId, limit: 10 });
    expect(open.map((l) => l.id)).toEqual([first?.id as string]);
  });

  test("the same pair twice in one call is one letter, the last given winning", async () => {
    const { storeId, products } = await storeWith(1);
    const [p] = products as [{ id: string; barcode: string }];
    const rows = await upsertDeadLetters(db, [letter(storeId, p, { quantity: 1 }), letter(storeId, p, { quantity: 2 })]);
    expect(rows.map((r) => r.quantity)).toEqual([2]);
  });

  test("open letters are listed per store and counted per store", async () => {
    const a = await storeWith(3);
    const b = await storeWith(1);
    await upsertDeadLetters(db, [...a.products.map((p) => letter(a.storeId, p)), letter(b.storeId, b.products[0] as { id: string; barcode: string })]);
    expect(await openDeadLetters(db, { storeId: a.storeId, limit: 2 })).toHaveLength(2);
    expect(await openDeadLetters(db, { storeId: a.storeId, limit: 10, offset: 2 })).toHaveLength(1);
    const counts = await countOpenByStore(db);
    expect(counts.get(a.storeId)).toBe(3);
    expect(counts.get(b.storeId)).toBe(1);
    const everywhere = await openDeadLetters(db, { limit: 100 });
    expect(everywhere.filter((l) => l.storeId === a.storeId || l.storeId === b.storeId)).toHaveLength(4);
    expect(await openDeadLetters(db, { storeId: "not-a-uuid", limit: 10 })).toEqual([]);
  });

  test("retrying answers the pair to re-mark once; a retried pair can be dead-lettered again", async () => {
    const { storeId, products } = await storeWith(1);
    const [p] = products as [{ id: string; barcode: string }];
    const [open] = await upsertDeadLetters(db, [letter(storeId, p)]);
    const retried = await markRetried(db, open?.id as string);
    expect(retried).toMatchObject({ storeId, productId: p.id, status: "RETRIED" });
    expect(await markRetried(db, open?.id as string)).toBeUndefined();
    expect(await markRetried(db, "not-a-uuid")).toBeUndefined();
    expect((await countOpenByStore(db)).get(storeId)).toBeUndefined();
    const [again] = await upsertDeadLetters(db, [letter(storeId, p, { attempts: 2 })]);
    expect(again?.id).not.toBe(open?.id as string);
    expect(again).toMatchObject({ status: "OPEN", attempts: 2 });
  });

  test("a later success resolves the open letters of its pairs only", async () => {
    const { storeId, products } = await storeWith(3);
    const [p1, p2, p3] = products as [{ id: string; barcode: string }, { id: string; barcode: string }, { id: string; barcode: string }];
    await upsertDeadLetters(db, [letter(storeId, p1), letter(storeId, p2), letter(storeId, p3)]);
    const resolved = await resolveForPairs(db, [
      { storeId, productId: p1.id },
      { storeId, productId: p3.id },
      { storeId, productId: "not-a-uuid" },
    ]);
    expect(resolved).toBe(2);
    expect((await openDeadLetters(db, { storeId, limit: 10 })).map((l) => l.productId)).toEqual([p2.id]);
    expect(await resolveForPairs(db, [{ storeId, productId: p1.id }])).toBe(0);
  });
});

describe("retry budget", () => {
  test("each bump counts one more attempt per pair and answers the count after it", async () => {
    const { storeId, products } = await storeWith(2);
    const [p1, p2] = products as [{ id: string; barcode: string }, { id: string; barcode: string }];
    const first = await bumpAttempts(db, [{ storeId, productId: p1.id, reasons: ["429"] }]);
    expect(first).toEqual([{ storeId, productId: p1.id, attempts: 1 }]);
    const second = await bumpAttempts(db, [
      { storeId, productId: p1.id, reasons: ["timeout"] },
      { storeId, productId: p2.id, reasons: ["timeout"] },
      // The same pair twice in one bump counts once.
      { storeId, productId: p2.id, reasons: ["timeout"] },
    ]);
    const byProduct = new Map(second.map((r) => [r.productId, r.attempts]));
    expect(byProduct.get(p1.id)).toBe(2);
    expect(byProduct.get(p2.id)).toBe(1);
    expect(second).toHaveLength(2);
  });

  test("clearing forgets the budget: the next failure counts from one again", async () => {
    const { storeId, products } = await storeWith(2);
    const [p1, p2] = products as [{ id: string; barcode: string }, { id: string; barcode: string }];
    await bumpAttempts(db, [{ storeId, productId: p1.id, reasons: [] }, { storeId, productId: p2.id, reasons: [] }]);
    await bumpAttempts(db, [{ storeId, productId: p1.id, reasons: [] }]);
    expect(await clearAttempts(db, [{ storeId, productId: p1.id }])).toBe(1);
    const [after] = await bumpAttempts(db, [{ storeId, productId: p1.id, reasons: [] }]);
    expect(after?.attempts).toBe(1);
    // The other pair kept its count.
    const [other] = await bumpAttempts(db, [{ storeId, productId: p2.id, reasons: [] }]);
    expect(other?.attempts).toBe(2);
  });
});

describe("sweep cursor", () => {
  test("an unsaved cursor reads as null", async () => {
    expect(await readCursor(db, "never-saved")).toBeNull();
  });

  test("a cursor moves forward and never back", async () => {
    expect(await saveCursor(db, "ledger", 41)).toBe(41);
    expect(await saveCursor(db, "ledger", 9_000_000_000)).toBe(9_000_000_000);
    expect(await saveCursor(db, "ledger", 100)).toBe(9_000_000_000);
    expect(await readCursor(db, "ledger")).toBe(9_000_000_000);
  });

  test("cursors are independent by name", async () => {
    await saveCursor(db, "reconcile", 7);
    expect(await readCursor(db, "reconcile")).toBe(7);
    expect(await readCursor(db, "ledger")).not.toBe(7);
  });
});
