/**
 * Hepsiburada's order list answers one item per order LINE (more than one page of 100 here), and
 * cancellations come from the separate cancelled list: through the sandbox playing both as the
 * evidence fixtures show, the pull must record one order per orderNumber and release exactly the
 * cancelled ones.
 */
import { describe, expect, test } from "bun:test";
import { and, count, eq } from "drizzle-orm";
import { orders } from "../../src/domains/order/schema";
import { cancelOn, orderOn } from "../support/marketplaces";
import { hb, hepsiburadaStoreOnSandbox, listedOn, reservedIn } from "./hepsiburada-store-support";

const hbStore = hepsiburadaStoreOnSandbox("hepsiburada-order-lines");
const listed = (name: string, stock: number) => listedOn(hbStore, name, stock);
const reserved = (productId: string) => reservedIn(hbStore, productId);

async function ordersWith(status: "CREATED" | "CANCELLED"): Promise<number> {
  const [row] = await hbStore.t.infra.database.db
    .select({ n: count() })
    .from(orders)
    .where(and(eq(orders.storeId, hbStore.storeId), eq(orders.status, status)));
  return Number(row?.n ?? 0);
}

async function pull() {
  const report = await hbStore.t.services.orderIntake.pullStore(hbStore.storeId);
  if (!report.pulled) throw new Error(`not pulled: ${report.reason}`);
  return report;
}

describe("Hepsiburada orders from the line-per-item list", () => {
  test("120 paid two-line orders (240 lines, three pages) become 120 orders; 10 cancelled through the cancelled list (a record per line, each releasing its line's units) leave 110 reserving", async () => {
    const a = await listed("HB lines A", 500);
    const b = await listed("HB lines B", 500);
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push(
        await orderOn(hbStore.sandbox, hb, [
          { barcode: a.barcode, quantity: 1, unitPrice: 1_000 },
          { barcode: b.barcode, quantity: 2, unitPrice: 2_000 },
        ]),
      );
    }
    const first = await pull();
    expect(first.outcomes).toEqual({ created: 120 });
    expect(first.complete).toBe(true);
    expect(await ordersWith("CREATED")).toBe(120);
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([120, 240]);

    for (const id of ids.slice(0, 10)) await cancelOn(hbStore.sandbox, hb, id);
    const second = await pull();
    // Each cancelled line is its own delivery naming its line: 20 releases, the second of each order ending it CANCELLED.
    expect(second.outcomes.cancelled).toBe(20);
    expect(await ordersWith("CREATED")).toBe(110);
    expect(await ordersWith("CANCELLED")).toBe(10);
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([110, 220]);

    // The cancelled list has no date filter: the next pull reads it again and changes nothing.
    const third = await pull();
    expect(third.outcomes.cancelled ?? 0).toBe(0);
    expect([await reserved(a.productId), await reserved(b.productId)]).toEqual([110, 220]);
  }, 120_000);
});
