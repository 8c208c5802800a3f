import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { newKey, placeOrder } from "../order/support";
import { createTestApp, type TestApp } from "../support/app";
import { addStock, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, customer, get, staff } from "../support/identity";
import { everyMarketplaceSandbox, MARKETPLACES, type SandboxMarketplace, shownOn } from "../support/marketplaces";

let t: TestApp;
let sandbox: RunningSandbox;
const tokens = { staff: "", admin: "" };
beforeAll(async () => {
  t = await createTestApp({ label: "five-marketplaces", env: { SYNC_POLL_DELAY_MS: "0" } });
  tokens.staff = (await staff(t)).tokens.accessToken;
  tokens.admin = (await admin(t)).tokens.accessToken;
  sandbox = await everyMarketplaceSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
  await t.close();
});

const pazarama = MARKETPLACES.find((m) => m.type === "PAZARAMA") as SandboxMarketplace;
const shown = (m: SandboxMarketplace, barcode: string) => shownOn(sandbox, m, barcode);

describe("one stock change, every marketplace", () => {
  test(`reaches ${MARKETPLACES.map((m) => m.type).join(", ")}, each within its own limits`, async () => {
    const warehouse = await createWarehouse(t, tokens.staff);
    const product = await createSimple(t, tokens.staff, "Everywhere");
    await addStock(t, tokens.staff, warehouse.shelfId, product, 10);
    const barcode = String((await bodyOf(await get(t, `/api/v1/catalog/products/${product}`, tokens.staff))).barcode);
    for (const m of MARKETPLACES) {
      const storeId = await createStore(t, tokens.admin, { type: m.type, sellerId: m.account, baseUrl: sandbox.url, credentials: m.credentials, warehouseIds: [warehouse.id] });
      await putListing(t, tokens.admin, storeId, product, { enabled: true });
    }
    await t.services.sync.flushAll();
    for (const m of MARKETPLACES) expect({ type: m.type, shown: await shown(m, barcode) }).toEqual({ type: m.type, shown: 10 });

    const web = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [warehouse.id] });
    const buyer = await customer(t);
    expect((await placeOrder(t, buyer.tokens.accessToken, { storeId: web, items: [{ productId: product, quantity: 3 }] }, newKey())).status).toBe(201);
    await t.services.sync.flushAll();
    // Pazarama takes one write per seller every 10 s: its store keeps the mark until then.
    const waited = Date.now();
    while ((await shown(pazarama, barcode)) !== 7 && Date.now() - waited < 15_000) {
      await Bun.sleep(250);
      await t.services.sync.flushAll();
    }
    for (const m of MARKETPLACES) expect({ type: m.type, shown: await shown(m, barcode) }).toEqual({ type: m.type, shown: 7 });

    // Within limits: every marketplace call was answered 2xx (no 429, no refusal), and the receipts confirm.
    const statuses = sandbox.state.requests().map((r) => ({ marketplace: r.marketplace, status: r.status }));
    expect(statuses.filter((s) => s.status === null || s.status >= 300)).toEqual([]);
    const pazaramaWrites = sandbox.state.requests().filter((r) => r.marketplace === "PAZARAMA" && r.endpoint.startsWith("update"));
    const gaps = pazaramaWrites.slice(1).map((r, i) => Date.parse(r.receivedAt) - Date.parse(pazaramaWrites[i]?.answeredAt ?? ""));
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((gap) => gap >= 10_000)).toBe(true);
    expect(new Set(statuses.map((s) => s.marketplace))).toEqual(new Set(MARKETPLACES.map((m) => m.type)));
    await t.services.sync.pollReceipts();
    const status = await bodyOf(await get(t, "/api/v1/stock-sync/status", tokens.staff));
    const pushing = (status.stores as { type: string; circuit: string; deadLetters: number; pendingReceipts: number }[]).filter((s) => s.type !== "WEB");
    expect(pushing.map((s) => [s.type, s.circuit, s.deadLetters, s.pendingReceipts]).sort()).toEqual(MARKETPLACES.map((m) => [m.type, "closed", 0, 0]).sort());
  });
});
