/**
 * Hepsiburada cancels and packs LINES: through the sandbox playing the open list, the packages
 * list and the cancelled list (a record per cancellation of a line), the pull must release exactly
 * the cancelled units, once per record however often the list is read again, and take a packed line
 * in once whichever list shows it first.
 */
import { describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { orders } from "../../src/domains/order/schema";
import { orderOn } from "../support/marketplaces";
import { hb, hepsiburadaStoreOnSandbox, listedOn, reservedIn } from "./hepsiburada-store-support";

const hbStore = hepsiburadaStoreOnSandbox("hepsiburada-line-cancellations");
const listed = (name: string, stock: number) => listedOn(hbStore, name, stock);
const reserved = (productId: string) => reservedIn(hbStore, productId);

async function statusOf(orderNumber: string): Promise<string | undefined> {
  const [row] = await hbStore.t.infra.database.db
    .select({ status: orders.status })
    .from(orders)
    .where(and(eq(orders.storeId, hbStore.storeId), eq(orders.externalOrderId, orderNumber)));
  return row?.status;
}

async function control(what: "pack" | "cancel-line", body: unknown): Promise<void> {
  const res = await fetch(`${hbStore.sandbox.url}/__sandbox/marketplaces/hepsiburada/${encodeURIComponent(hb.account)}/${what}`, { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
}

async function pull() {
  const report = await hbStore.t.services.orderIntake.pullStore(hbStore.storeId);
  if (!report.pulled) throw new Error(`not pulled: ${report.reason}`);
  return report;
}

describe("Hepsiburada cancellations and packages, line by line", () => {
  test("a partial cancellation releases exactly the cancelled units (the order stays open with the rest reserved); the same record read on three pulls releases once; a second record of the same line releases its own units", async () => {
    const a = await listed("HB partial A", 50);
    const b = await listed("HB partial B", 50);
    const id = await orderOn(hbStore.sandbox, hb, [
      { barcode: a.barcode, quantity: 3, unitPrice: 1_000 },
      { barcode: b.barcode, quantity: 2, unitPrice: 2_000 },
    ]);
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([3, 2]);

    await control("cancel-line", { lineId: `${id}-1`, quantity: 1 });
    const first = await pull();
    expect(first.outcomes.cancelled).toBe(1);
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([2, 2]);
    expect(await statusOf(id)).toBe("CREATED");

    for (let i = 0; i < 3; i++) {
      const again = await pull();
      expect(again.outcomes.cancelled ?? 0).toBe(0);
    }
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([2, 2]);

    await control("cancel-line", { lineId: `${id}-1`, quantity: 1 });
    await pull();
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([1, 2]);
    expect(await statusOf(id)).toBe("CREATED");
  }, 60_000);

  test("an order cancelled line by line ends CANCELLED with nothing reserved", async () => {
    const a = await listed("HB whole A", 50);
    const b = await listed("HB whole B", 50);
    const id = await orderOn(hbStore.sandbox, hb, [
      { barcode: a.barcode, quantity: 2, unitPrice: 1_000 },
      { barcode: b.barcode, quantity: 1, unitPrice: 2_000 },
    ]);
    await pull();
    await control("cancel-line", { lineId: `${id}-2`, quantity: 1 });
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId), await statusOf(id)]).toEqual([2, 0, "CREATED"]);
    await control("cancel-line", { lineId: `${id}-1`, quantity: 1 });
    await control("cancel-line", { lineId: `${id}-1`, quantity: 1 });
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId), await statusOf(id)]).toEqual([0, 0, "CANCELLED"]);
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId), await statusOf(id)]).toEqual([0, 0, "CANCELLED"]);
  }, 60_000);

  test("an order seen only in the packages list is taken in and reserves once; seen again through the open list and the packages list it reserves nothing twice", async () => {
    const a = await listed("HB packed A", 50);
    const b = await listed("HB packed B", 50);
    // Packed before a pull saw it: it never shows in the open list.
    const packedFirst = await orderOn(hbStore.sandbox, hb, [{ barcode: a.barcode, quantity: 2, unitPrice: 1_000 }]);
    await control("pack", { lineIds: [`${packedFirst}-1`] });
    const first = await pull();
    // Packed on Hepsiburada is picked: the order follows (marketplace-progress.ts).
    expect(await statusOf(packedFirst)).toBe("PICKING");
    expect(first.outcomes.created).toBeGreaterThanOrEqual(1);
    expect(await reserved(a.productId)).toBe(2);
    await pull();
    expect(await reserved(a.productId)).toBe(2);

    // Seen open first, then one line packed: the package names a line the order holds.
    const openFirst = await orderOn(hbStore.sandbox, hb, [
      { barcode: a.barcode, quantity: 1, unitPrice: 1_000 },
      { barcode: b.barcode, quantity: 1, unitPrice: 2_000 },
    ]);
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([3, 1]);
    await control("pack", { lineIds: [`${openFirst}-1`] });
    await pull();
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([3, 1]);
    // One line packed (picked), the other still open: the order is the least advanced of them.
    expect(await statusOf(openFirst)).toBe("CREATED");
  }, 60_000);

  test("an order first seen through its cancellation is recorded and ends cancelled holding nothing; its open line read later reserves nothing", async () => {
    const a = await listed("HB unseen A", 50);
    const b = await listed("HB unseen B", 50);
    const id = await orderOn(hbStore.sandbox, hb, [
      { barcode: a.barcode, quantity: 1, unitPrice: 1_000 },
      { barcode: b.barcode, quantity: 1, unitPrice: 2_000 },
    ]);
    await control("cancel-line", { lineId: `${id}-1`, quantity: 1 });
    await control("cancel-line", { lineId: `${id}-2`, quantity: 1 });
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId), await statusOf(id)]).toEqual([0, 0, "CANCELLED"]);
    await pull();
    expect([await reserved(a.productId), await reserved(b.productId), await statusOf(id)]).toEqual([0, 0, "CANCELLED"]);
  }, 60_000);
});
