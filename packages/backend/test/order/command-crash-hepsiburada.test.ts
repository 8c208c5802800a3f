/**
 * The command worker dying after Hepsiburada took a pack (after-accept), 20 PICKs in a row, against
 * the sandbox through the real Hepsiburada port: packing twice would make a second package (the
 * sandbox refuses it, but counts the call). After the restart past the lease each PICK is observed
 * APPLIED from the order detail and CONFIRMED: the sandbox counts one pack call per order and holds
 * one package, and the next pull brings that package onto our order.
 */
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { commandsOf } from "../../src/domains/order/command-records";
import { FailpointReached } from "../../src/domains/order/command-worker";
import { orders } from "../../src/domains/order/schema";
import { orderOn } from "../support/marketplaces";
import { manualClock, TEST_SETTINGS } from "./commands-support";
import { hb, hepsiburadaStoreOnSandbox, listedOn, reservedIn } from "./hepsiburada-store-support";
import { drain, sandboxWorker } from "./sandbox-commands-support";
import { acted } from "./support";

const hbStore = hepsiburadaStoreOnSandbox("order-command-crash-hepsiburada");

interface HepsiburadaOrderState {
  lines: { lineId: string; packageNumber: string | null }[];
  packages: { packageNumber: string; status: string }[];
  calls: Record<string, number>;
}

async function stateOf(orderNumber: string): Promise<HepsiburadaOrderState> {
  const res = await fetch(`${hbStore.sandbox.url}/__sandbox/marketplaces/hepsiburada/${hb.account}/order-state?orderNumber=${orderNumber}`);
  if (res.status !== 200) throw new Error(`order-state ${orderNumber}: ${res.status}`);
  return (await res.json()) as HepsiburadaOrderState;
}

describe("the Hepsiburada port on the sandbox: a worker that dies after the pack was accepted, 20 in a row", () => {
  test("after the restart each PICK is observed APPLIED and never packed again: one pack call and one package per order", async () => {
    const { t, storeId } = hbStore;
    const { productId, barcode } = await listedOn(hbStore, "HB crash", 100);
    const numbers: string[] = [];
    for (let i = 0; i < 20; i++) numbers.push(await orderOn(hbStore.sandbox, hb, [{ barcode, quantity: 2, unitPrice: 1_000 }]));
    const report = await t.services.orderIntake.pullStore(storeId);
    if (!report.pulled) throw new Error(`not pulled: ${report.reason}`);
    expect(report.outcomes).toEqual({ created: 20 });
    const rows = await t.infra.database.db.select({ id: orders.id, number: orders.externalOrderId }).from(orders).where(eq(orders.storeId, storeId));
    const ids = numbers.map((n) => rows.find((r) => r.number === n)?.id as string);
    expect(ids.every(Boolean)).toBe(true);
    for (const id of ids) await acted(t, hbStore.tokens.staff, id, "pick");

    const clock = manualClock();
    for (let i = 0; i < 20; i++) {
      const dying = sandboxWorker(t, clock, { failpoint: "after-accept", batchSize: 1 });
      await expect(dying.runOnce()).rejects.toBeInstanceOf(FailpointReached);
      await dying.stop();
      clock.advance(1_000);
    }
    for (const [i, number] of numbers.entries()) {
      expect((await stateOf(number)).calls).toEqual({ pack: 1 });
      expect((await commandsOf(t.infra.database.db, ids[i] as string)).map((c) => c.state)).toEqual(["SENDING"]);
    }

    clock.advance(TEST_SETTINGS.leaseMs + 1);
    const restarted = sandboxWorker(t, clock);
    await drain(t, restarted, clock, ids);
    for (const [i, number] of numbers.entries()) {
      const shown = await stateOf(number);
      expect(shown.calls).toEqual({ pack: 1 });
      expect(shown.packages.map((p) => p.status)).toEqual(["Packaged"]);
      expect(new Set(shown.lines.map((l) => l.packageNumber))).toEqual(new Set([shown.packages[0]?.packageNumber ?? "none"]));
      expect((await commandsOf(t.infra.database.db, ids[i] as string)).map((c) => [c.kind, c.state])).toEqual([["PICK", "CONFIRMED"]]);
    }
    const applied = (await restarted.metrics.sent.get()).values.filter((v) => v.labels.outcome === "observed_applied");
    expect(applied.map((v) => [v.labels.kind, v.value])).toEqual([["PICK", 20]]);
    // The next pull reads each package from the packages list onto its one order; nothing is reserved twice.
    await t.services.orderIntake.pullStore(storeId);
    for (const [i, number] of numbers.entries()) {
      const [row] = await t.infra.database.db.select({ packages: orders.packages }).from(orders).where(eq(orders.id, ids[i] as string));
      expect(row?.packages?.map((p) => p.packageId)).toContain(`package:${(await stateOf(number)).packages[0]?.packageNumber}`);
    }
    expect(await reservedIn(hbStore, productId)).toBe(40);
  }, 180_000);
});
