/** The shop the fuzz works on: accounts of every role, stock, stores and orders, so path ids can be real. */
import type { TestApp } from "../support/app";
import { addStock, createSet, createSimple, createStore, createWarehouse, putListing } from "../support/catalog";
import { bodyOf } from "../support/http";
import { admin, bearer, customer, login, PASSWORD, register, sendJson, staff, uniqueEmail } from "../support/identity";

export const WEBHOOK_API_KEY = "fuzz-webhook-key-1";
/** Hepsiburada's push credentials of the fuzz's Hepsiburada store. */
export const HB_PUSH_AUTH = `Basic ${Buffer.from("fuzz-hb-push:fuzz-hb-secret-1").toString("base64")}`;

export interface FuzzShop {
  tokens: { customer: string; staff: string; admin: string };
  /** An account the identity routes may log in, refresh and log out without touching the tokens above. */
  victim: { email: string; accessToken: string; refreshToken: string };
  trendyolStoreId: string;
  hepsiburadaStoreId: string;
  /** What valid PATCH requests may change at will (deactivate, re-point), so the rest of the shop keeps working. */
  scratch: { storeId: string; productId: string };
  /** A product with units in quarantine (a return received there): the quarantine route writes them off. */
  quarantine: { productId: string; warehouseId: string };
  /** The order whose label the sandbox really gives (when the shop has a labelled seller). */
  labelledOrderId?: string;
  /** Real ids by kind: product, store, warehouse, shelf, order, return, session. */
  ids: Record<string, string[]>;
}

async function order(t: TestApp, token: string, storeId: string, productId: string): Promise<string> {
  const res = await t.request("/api/v1/orders", {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": `seed-${crypto.randomUUID()}`, ...bearer(token) },
    body: JSON.stringify({ storeId, items: [{ productId, quantity: 1 }] }),
  });
  if (res.status !== 201) throw new Error(`seed order failed: ${res.status} ${await res.text()}`);
  return (await bodyOf(res)).id;
}

/** A Trendyol seller on a running sandbox: the shop gets one order of it, whose label the marketplace really gives. */
export interface LabelledSeller {
  sandboxUrl: string;
  sellerId: string;
}

/** A Trendyol store on the sandbox with one order pulled in; answers the order's id. */
async function labelledOrder(t: TestApp, tokens: FuzzShop["tokens"], seller: LabelledSeller, warehouseId: string, productId: string): Promise<string> {
  const storeId = await createStore(t, tokens.admin, { type: "TRENDYOL", sellerId: seller.sellerId, baseUrl: seller.sandboxUrl, credentials: { apiKey: "k", apiSecret: "s" }, warehouseIds: [warehouseId] });
  await putListing(t, tokens.admin, storeId, productId, { enabled: true });
  const barcode = String((await bodyOf(await t.request(`/api/v1/catalog/products/${productId}`, { headers: bearer(tokens.staff) }))).barcode);
  const created = await fetch(`${seller.sandboxUrl}/__sandbox/sellers/${seller.sellerId}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lines: [{ barcode, quantity: 1, unitPrice: 1_000 }] }),
  });
  if (created.status >= 300) throw new Error(`seed sandbox order failed: ${created.status} ${await created.text()}`);
  const report = await t.services.orderIntake.pullStore(storeId);
  if (!report.pulled || report.outcomes.created !== 1) throw new Error(`seed pull failed: ${JSON.stringify(report)}`);
  const page = await bodyOf(await t.request(`/api/v1/orders?storeId=${storeId}`, { headers: bearer(tokens.staff) }));
  return String(page.items[0].id);
}

export async function seedShop(t: TestApp, labelled?: LabelledSeller): Promise<FuzzShop> {
  const tokens = {
    customer: (await customer(t)).tokens.accessToken as string,
    staff: (await staff(t)).tokens.accessToken as string,
    admin: (await admin(t)).tokens.accessToken as string,
  };
  const victimEmail = uniqueEmail("victim");
  await register(t, victimEmail);
  const victimTokens = await login(t, victimEmail, PASSWORD);
  const main = await createWarehouse(t, tokens.staff);
  const spare = await createWarehouse(t, tokens.staff);
  const simples = [await createSimple(t, tokens.staff), await createSimple(t, tokens.staff), await createSimple(t, tokens.staff)];
  for (const id of simples) await addStock(t, tokens.staff, main.shelfId, id, 500);
  const set = await createSet(t, tokens.staff, [
    { productId: simples[0] as string, quantity: 2 },
    { productId: simples[1] as string, quantity: 1 },
  ]);
  const webStoreId = await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [main.id, spare.id] });
  // A closed local port as its API: a flush the fuzz triggers fails at once instead of reaching out.
  const trendyolStoreId = await createStore(t, tokens.admin, {
    type: "TRENDYOL",
    sellerId: "fuzz-seller",
    baseUrl: "http://127.0.0.1:9",
    credentials: { apiKey: "k", apiSecret: "s", webhookApiKey: WEBHOOK_API_KEY },
    warehouseIds: [main.id],
  });
  await putListing(t, tokens.admin, trendyolStoreId, simples[0] as string, { enabled: true });
  const hepsiburadaStoreId = await createStore(t, tokens.admin, {
    type: "HEPSIBURADA",
    sellerId: "fuzz-merchant",
    baseUrl: "http://127.0.0.1:9",
    credentials: { serviceKey: "s", developerUsername: "d", hbPushUsername: "fuzz-hb-push", hbPushPassword: "fuzz-hb-secret-1" },
    warehouseIds: [main.id],
  });
  await putListing(t, tokens.admin, hepsiburadaStoreId, simples[0] as string, { enabled: true });
  const scratch = {
    storeId: await createStore(t, tokens.admin, { type: "WEB", warehouseIds: [spare.id] }),
    productId: await createSimple(t, tokens.staff, "Scratch"),
  };
  const orders = [
    await order(t, tokens.customer, webStoreId, simples[0] as string),
    await order(t, tokens.customer, webStoreId, set),
    await order(t, tokens.staff, webStoreId, simples[2] as string),
  ];
  const labelledOrderId = labelled ? await labelledOrder(t, tokens, labelled, main.id, simples[2] as string) : undefined;
  if (labelledOrderId) orders.push(labelledOrderId);
  const shipped = await order(t, tokens.staff, webStoreId, simples[1] as string);
  // Two more shipped orders, each with a web return waiting: the return routes need real return ids (two, so
  // rejecting one still works after the other was approved).
  const forReturns = [await order(t, tokens.staff, webStoreId, simples[1] as string), await order(t, tokens.staff, webStoreId, simples[1] as string)];
  for (const id of [shipped, ...forReturns]) {
    for (const step of ["confirm", "ship"]) {
      const res = await sendJson(t, "POST", `/api/v1/orders/${id}/${step}`, {}, tokens.staff);
      if (res.status !== 200) throw new Error(`seed ${step} failed: ${res.status} ${await res.text()}`);
    }
  }
  const returns: string[] = [];
  for (const orderId of forReturns) {
    const res = await sendJson(t, "POST", "/api/v1/returns", { orderId }, tokens.staff);
    if (res.status !== 201) throw new Error(`seed return failed: ${res.status} ${await res.text()}`);
    returns.push((await bodyOf(res)).id);
  }
  const aside = { lines: [{ productId: simples[1], quantity: 1, shelfId: "QUARANTINE", condition: "DAMAGED" }] };
  const put = await sendJson(t, "POST", `/api/v1/returns/${returns[0]}/receive`, aside, tokens.staff);
  if (put.status !== 200) throw new Error(`seed quarantine failed: ${put.status} ${await put.text()}`);
  return {
    tokens,
    victim: { email: victimEmail, accessToken: victimTokens.accessToken, refreshToken: victimTokens.refreshToken },
    trendyolStoreId,
    hepsiburadaStoreId,
    scratch,
    quarantine: { productId: simples[1] as string, warehouseId: main.id },
    ...(labelledOrderId && { labelledOrderId }),
    ids: {
      product: [...simples, set, scratch.productId],
      store: [webStoreId, trendyolStoreId, hepsiburadaStoreId, scratch.storeId],
      warehouse: [main.id, spare.id],
      shelf: [main.shelfId, spare.shelfId],
      order: [...orders, shipped],
      return: returns,
      session: [victimTokens.sessionId],
    },
  };
}

/** A fresh session for the victim: the session routes end one now and then, and the next request needs a live one. */
export async function renewVictim(t: TestApp, shop: FuzzShop): Promise<void> {
  const tokens = await login(t, shop.victim.email, PASSWORD);
  shop.victim.accessToken = tokens.accessToken;
  shop.victim.refreshToken = tokens.refreshToken;
  shop.ids.session = [...(shop.ids.session ?? []).slice(-2), tokens.sessionId];
}
