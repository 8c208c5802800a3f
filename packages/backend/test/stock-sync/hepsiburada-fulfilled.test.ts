/**
 * The engine with a Hepsiburada store whose listings Hepsiburada partly fulfils itself: their stock
 * never reaches Hepsiburada and each shows as a dead letter FULFILLED_BY_HB; the rest still sync.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningSandbox } from "../../src/domains/marketplace/sandbox/server";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, get, staff } from "../support/identity";
import { HB_ACCOUNT, hbSandbox, hbShown } from "../marketplace/hepsiburada-support";

let t: TestApp;
let sandbox: RunningSandbox;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "sync-hb-fulfilled", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
  sandbox = await hbSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
  await t.close();
});

interface LetterView {
  storeId: string;
  barcode: string;
  quantity: number | null;
  reasons: string[];
  attempts: number;
}

async function lettersOf(storeId: string): Promise<LetterView[]> {
  const status = await bodyOf(await get(t, "/api/v1/stock-sync/status", tokens.staff));
  return (status.deadLetters as LetterView[]).filter((l) => l.storeId === storeId);
}

async function barcodeOf(productId: string): Promise<string> {
  return String((await bodyOf(await get(t, `/api/v1/catalog/products/${productId}`, tokens.staff))).barcode);
}

describe("a Hepsiburada store with listings Hepsiburada fulfils", () => {
  test("an HB-fulfilled listing's stock change does not reach Hepsiburada and is a FULFILLED_BY_HB dead letter; the other listing syncs", async () => {
    const warehouse = await createWarehouse(t, tokens.staff);
    const storeId = await createStore(t, tokens.admin, {
      type: "HEPSIBURADA",
      sellerId: HB_ACCOUNT.account,
      baseUrl: sandbox.url,
      credentials: { serviceKey: HB_ACCOUNT.secret, developerUsername: HB_ACCOUNT.key },
      warehouseIds: [warehouse.id],
    });
    const ours = await createSimple(t, tokens.staff, "Ours");
    const theirs = await createSimple(t, tokens.staff, "Fulfilled by HB");
    const [oursCode, theirsCode] = [await barcodeOf(ours), await barcodeOf(theirs)];
    const res = await fetch(`${sandbox.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/fulfilled-by-hb`, {
      method: "PUT",
      body: JSON.stringify({ merchantSkus: [theirsCode], fulfilledByHb: true }),
    });
    expect(res.status).toBe(200);
    await addStock(t, tokens.staff, warehouse.shelfId, ours, 5);
    await addStock(t, tokens.staff, warehouse.shelfId, theirs, 8);
    await putListing(t, tokens.admin, storeId, ours, { enabled: true });
    await putListing(t, tokens.admin, storeId, theirs, { enabled: true });

    await t.services.sync.flushAll();
    await t.services.sync.pollReceipts();
    expect((await hbShown(sandbox)).quantities).toEqual({ [oursCode]: 5 });
    expect(await lettersOf(storeId)).toEqual([expect.objectContaining({ barcode: theirsCode, quantity: 8, reasons: ["FULFILLED_BY_HB"], attempts: 1 })]);

    // Later changes: ours still goes, theirs is still held back (one open letter, its attempts counted).
    await addStock(t, tokens.staff, warehouse.shelfId, ours, 2);
    await addStock(t, tokens.staff, warehouse.shelfId, theirs, 1);
    await t.services.sync.flushAll();
    await t.services.sync.pollReceipts();
    expect((await hbShown(sandbox)).quantities).toEqual({ [oursCode]: 7 });
    expect(await lettersOf(storeId)).toEqual([expect.objectContaining({ barcode: theirsCode, quantity: 9, reasons: ["FULFILLED_BY_HB"], attempts: 2 })]);
    const reads = sandbox.state.requests().filter((r) => r.endpoint === "listings");
    // Remembered for the cache time: one listing read for both flushes.
    expect(reads).toHaveLength(1);
  });
});
