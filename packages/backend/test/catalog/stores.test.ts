import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CatalogChange } from "../../src/domains/catalog/events";
import { createTestApp, type TestApp } from "../support/app";
import { createSimple, createWarehouse, putListing } from "../support/catalog";
import { bodyOf, type Json } from "../support/http";
import { admin, customer, get, sendJson, staff } from "../support/identity";

let t: TestApp;
let adminToken: string;
let staffToken: string;
const announced: CatalogChange[] = [];
beforeAll(async () => {
  t = await createTestApp({ label: "stores" });
  adminToken = (await admin(t)).tokens.accessToken;
  staffToken = (await staff(t)).tokens.accessToken;
  t.services.events.catalog.on((change) => void announced.push(change));
});
afterAll(() => t.close());

const SECRET = { apiKey: "key-visible-nowhere", apiSecret: "secret-visible-nowhere" };

const postStore = (body: Record<string, unknown>, token = adminToken) =>
  sendJson(t, "POST", "/api/v1/stores", { name: "Store", type: "WEB", warehouseIds: [], ...body }, token);

async function newStore(body: Record<string, unknown>): Promise<Json> {
  const res = await postStore(body);
  expect(res.status).toBe(201);
  return bodyOf(res);
}

const patchStore = (id: string, body: Record<string, unknown>, token = adminToken) =>
  sendJson(t, "PATCH", `/api/v1/stores/${id}`, body, token);

async function errorOf(res: Response, status: number): Promise<Json> {
  expect(res.status).toBe(status);
  return (await bodyOf(res)).error;
}

describe("creating a store", () => {
  test("a marketplace store is created with its policy, flags and warehouses", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const store = await newStore({
      name: "Trendyol main",
      type: "TRENDYOL",
      sellerId: "998877",
      baseUrl: "https://api.trendyol.com/sapigw",
      warehouseIds: [warehouse.id],
      sendPrice: true,
      policy: { safetyStock: 3, percentage: 80, maxQuantity: 20_000, floor: 2 },
    });
    expect(store).toMatchObject({
      name: "Trendyol main",
      type: "TRENDYOL",
      sellerId: "998877",
      active: true,
      sendStock: true,
      sendPrice: true,
      policy: { safetyStock: 3, percentage: 80, maxQuantity: 20_000, floor: 2 },
      warehouseIds: [warehouse.id],
      hasCredentials: false,
      credentialsKeyId: null,
    });
  });

  test("the policy fields left out take the defaults", async () => {
    const store = await newStore({ policy: { safetyStock: 5 } });
    expect(store.policy).toEqual({ safetyStock: 5, percentage: 100, maxQuantity: null, floor: 0 });
  });

  test("GITTIGIDIYOR is refused with STORE_TYPE_DISCONTINUED", async () => {
    const error = await errorOf(await postStore({ type: "GITTIGIDIYOR", sellerId: "1" }), 422);
    expect(error.code).toBe("STORE_TYPE_DISCONTINUED");
    expect(error.message).toBe("GittiGidiyor closed in 2022");
  });

  test("an unknown store type is a validation failure", async () => {
    expect((await errorOf(await postStore({ type: "AMAZON" }), 422)).code).toBe("VALIDATION_FAILED");
  });

  test("a marketplace store without a seller id is refused with SELLER_ID_REQUIRED", async () => {
    expect((await errorOf(await postStore({ type: "HEPSIBURADA" }), 422)).code).toBe("SELLER_ID_REQUIRED");
  });

  test("unknown warehouses are refused with UNKNOWN_WAREHOUSE naming each of them", async () => {
    const known = await createWarehouse(t, staffToken);
    const missing = [crypto.randomUUID(), crypto.randomUUID()];
    const error = await errorOf(await postStore({ warehouseIds: [missing[0], known.id, missing[1]] }), 422);
    expect(error.code).toBe("UNKNOWN_WAREHOUSE");
    expect([...error.details.warehouseIds].sort()).toEqual([...missing].sort());
  });

  test("a warehouse listed twice is refused with DUPLICATE_WAREHOUSE", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const error = await errorOf(await postStore({ warehouseIds: [warehouse.id, warehouse.id] }), 422);
    expect(error.code).toBe("DUPLICATE_WAREHOUSE");
    expect(error.details.warehouseIds).toEqual([warehouse.id]);
  });

  test("a refused store leaves nothing behind", async () => {
    const before = (await bodyOf(await get(t, "/api/v1/stores?limit=100", adminToken))).total;
    await postStore({ name: "ghost", warehouseIds: [crypto.randomUUID()] });
    expect((await bodyOf(await get(t, "/api/v1/stores?limit=100", adminToken))).total).toBe(before);
  });

  test("the warehouse order given is the order kept", async () => {
    const [a, b, c] = [await createWarehouse(t, staffToken), await createWarehouse(t, staffToken), await createWarehouse(t, staffToken)];
    const store = await newStore({ warehouseIds: [c.id, a.id, b.id] });
    expect(store.warehouseIds).toEqual([c.id, a.id, b.id]);
    expect(await t.services.stores.storeWarehouses(store.id)).toEqual([c.id, a.id, b.id]);
  });

  test("policy percentage 0 is a validation failure", async () => {
    expect((await errorOf(await postStore({ policy: { percentage: 0 } }), 422)).code).toBe("VALIDATION_FAILED");
  });

  test("an unknown field is refused", async () => {
    expect((await errorOf(await postStore({ credentialsCiphertext: "x" }), 422)).code).toBe("VALIDATION_FAILED");
  });

  test("a base URL must be http or https", async () => {
    expect((await errorOf(await postStore({ baseUrl: "ftp://example.com" }), 422)).code).toBe("VALIDATION_FAILED");
  });
});

describe("who may do what", () => {
  test("a customer may neither create nor read stores", async () => {
    const token = (await customer(t)).tokens.accessToken;
    expect((await postStore({}, token)).status).toBe(403);
    expect((await get(t, "/api/v1/stores", token)).status).toBe(403);
  });

  test("staff may read stores but not create or change them", async () => {
    const store = await newStore({});
    expect((await postStore({}, staffToken)).status).toBe(403);
    expect((await patchStore(store.id, { name: "renamed" }, staffToken)).status).toBe(403);
    expect((await get(t, `/api/v1/stores/${store.id}`, staffToken)).status).toBe(200);
  });

  test("no token is 401", async () => {
    expect((await sendJson(t, "POST", "/api/v1/stores", { name: "x", type: "WEB", warehouseIds: [] })).status).toBe(401);
  });
});

describe("reading stores", () => {
  test("no answer carries the credentials, only whether they are set and under which key", async () => {
    const createdText = await (await postStore({ type: "N11", sellerId: "n11-1", credentials: SECRET })).text();
    const store: Json = JSON.parse(createdText);
    const answers = [
      createdText,
      await (await get(t, `/api/v1/stores/${store.id}`, adminToken)).text(),
      await (await get(t, "/api/v1/stores?limit=100", adminToken)).text(),
      await (await patchStore(store.id, { name: "N11 renamed" })).text(),
    ];
    for (const text of answers) {
      expect(text).not.toContain(SECRET.apiKey);
      expect(text).not.toContain(SECRET.apiSecret);
      expect(text).not.toContain("v1.");
      expect(text).not.toContain("credentialsCiphertext");
    }
    expect(store).toMatchObject({ hasCredentials: true, credentialsKeyId: "k1" });
    expect(store.credentials).toBeUndefined();
  });

  test("an unknown store is 404 STORE_NOT_FOUND", async () => {
    expect((await errorOf(await get(t, `/api/v1/stores/${crypto.randomUUID()}`, adminToken), 404)).code).toBe("STORE_NOT_FOUND");
  });

  test("a malformed store id is 422", async () => {
    expect((await get(t, "/api/v1/stores/not-a-uuid", adminToken)).status).toBe(422);
  });

  test("the list is paginated with a total", async () => {
    await newStore({});
    await newStore({});
    const page = await bodyOf(await get(t, "/api/v1/stores?page=1&limit=1", staffToken));
    expect(page.items).toHaveLength(1);
    expect(page.limit).toBe(1);
    expect(page.total).toBeGreaterThanOrEqual(2);
  });

  test("storesSellingFrom names the active stores that draw on a warehouse", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const selling = await newStore({ warehouseIds: [warehouse.id] });
    const paused = await newStore({ warehouseIds: [warehouse.id], active: false });
    await newStore({});
    const found = await t.services.stores.storesSellingFrom([warehouse.id]);
    expect(found).toEqual([selling.id]);
    expect(found).not.toContain(paused.id);
  });
});

describe("changing a store", () => {
  test("only the fields given change", async () => {
    const store = await newStore({ type: "PAZARAMA", sellerId: "p-1", policy: { safetyStock: 4, floor: 1 } });
    const res = await patchStore(store.id, { name: "Pazarama", policy: { percentage: 50 } });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({
      name: "Pazarama",
      sellerId: "p-1",
      policy: { safetyStock: 4, percentage: 50, maxQuantity: null, floor: 1 },
    });
  });

  test("new warehouse ids replace the old ones in the new order", async () => {
    const [a, b, c] = [await createWarehouse(t, staffToken), await createWarehouse(t, staffToken), await createWarehouse(t, staffToken)];
    const store = await newStore({ warehouseIds: [a.id, b.id] });
    const patched = await bodyOf(await patchStore(store.id, { warehouseIds: [c.id, a.id] }));
    expect(patched.warehouseIds).toEqual([c.id, a.id]);
  });

  test("an unknown warehouse in a change leaves the old list in place", async () => {
    const warehouse = await createWarehouse(t, staffToken);
    const store = await newStore({ warehouseIds: [warehouse.id] });
    const missing = crypto.randomUUID();
    const error = await errorOf(await patchStore(store.id, { warehouseIds: [missing] }), 422);
    expect(error).toMatchObject({ code: "UNKNOWN_WAREHOUSE", details: { warehouseIds: [missing] } });
    expect(await t.services.stores.storeWarehouses(store.id)).toEqual([warehouse.id]);
  });

  test("two warehouse changes of one store at once both succeed and one of them wins whole", async () => {
    const [a, b, c] = [await createWarehouse(t, staffToken), await createWarehouse(t, staffToken), await createWarehouse(t, staffToken)];
    const store = await newStore({ warehouseIds: [a.id] });
    const lists = [[b.id, c.id], [c.id, a.id, b.id]];
    const answers = await Promise.all(lists.map((warehouseIds) => patchStore(store.id, { warehouseIds })));
    expect(answers.map((res) => res.status)).toEqual([200, 200]);
    expect(lists).toContainEqual(await t.services.stores.storeWarehouses(store.id));
  });

  test("clearing a marketplace store's seller id is refused and changes nothing", async () => {
    const store = await newStore({ type: "PTTAVM", sellerId: "ptt-1" });
    expect((await errorOf(await patchStore(store.id, { sellerId: null, name: "x" }), 422)).code).toBe("SELLER_ID_REQUIRED");
    expect((await t.services.stores.findStore(store.id))?.sellerId).toBe("ptt-1");
  });

  test("the store type cannot be changed", async () => {
    const store = await newStore({});
    expect((await patchStore(store.id, { type: "TRENDYOL" })).status).toBe(422);
  });

  test("changing an unknown store is 404 STORE_NOT_FOUND", async () => {
    expect((await errorOf(await patchStore(crypto.randomUUID(), { name: "x" }), 404)).code).toBe("STORE_NOT_FOUND");
  });

  test("credentials set to null are removed", async () => {
    const store = await newStore({ credentials: SECRET });
    const patched = await bodyOf(await patchStore(store.id, { credentials: null }));
    expect(patched).toMatchObject({ hasCredentials: false, credentialsKeyId: null });
    expect(await t.services.stores.credentialsFor(store.id)).toBeUndefined();
  });

  test("a policy, flag or warehouse change re-syncs every listing of the store", async () => {
    const store = await newStore({});
    const [mug, cup] = [await createSimple(t, staffToken, "Mug"), await createSimple(t, staffToken, "Cup")];
    await putListing(t, adminToken, store.id, mug, { enabled: true });
    await putListing(t, adminToken, store.id, cup, { enabled: false });
    for (const change of [{ policy: { safetyStock: 2 } }, { sendStock: false }, { warehouseIds: [] }]) {
      announced.length = 0;
      expect((await patchStore(store.id, change)).status).toBe(200);
      expect(announced).toHaveLength(1);
      expect([...(announced[0]?.productIds ?? [])].sort()).toEqual([mug, cup].sort());
      expect(announced[0]?.storeIds).toEqual([store.id]);
    }
  });

  test("a rename announces nothing", async () => {
    const store = await newStore({});
    await putListing(t, adminToken, store.id, await createSimple(t, staffToken), { enabled: true });
    announced.length = 0;
    expect((await patchStore(store.id, { name: "just a name" })).status).toBe(200);
    expect(announced).toEqual([]);
  });
});

describe("the marketplace write quota", () => {
  test("a store is created with its write quota, and without one it is null", async () => {
    const store = await newStore({ type: "TRENDYOL", sellerId: "q-1", writeQuotaPerMinute: 1_000 });
    expect(store.writeQuotaPerMinute).toBe(1_000);
    expect((await bodyOf(await get(t, `/api/v1/stores/${store.id}`, staffToken))).writeQuotaPerMinute).toBe(1_000);
    expect((await newStore({})).writeQuotaPerMinute).toBeNull();
  });

  test("the quota must be 1..100000 when set", async () => {
    for (const writeQuotaPerMinute of [0, 100_001, -5, 1.5, "350"]) {
      expect((await errorOf(await postStore({ writeQuotaPerMinute }), 422)).code).toBe("VALIDATION_FAILED");
    }
    expect((await postStore({ writeQuotaPerMinute: 100_000 })).status).toBe(201);
  });

  test("a change sets or clears the quota, and an out-of-range one changes nothing", async () => {
    const store = await newStore({ writeQuotaPerMinute: 350 });
    expect((await bodyOf(await patchStore(store.id, { writeQuotaPerMinute: 1_500 }))).writeQuotaPerMinute).toBe(1_500);
    expect((await errorOf(await patchStore(store.id, { writeQuotaPerMinute: 0 }), 422)).code).toBe("VALIDATION_FAILED");
    expect((await bodyOf(await patchStore(store.id, { name: "kept" }))).writeQuotaPerMinute).toBe(1_500);
    expect((await bodyOf(await patchStore(store.id, { writeQuotaPerMinute: null }))).writeQuotaPerMinute).toBeNull();
  });

  test("a quota change does not re-sync the store's listings", async () => {
    const store = await newStore({});
    await putListing(t, adminToken, store.id, await createSimple(t, staffToken), { enabled: true });
    announced.length = 0;
    expect((await patchStore(store.id, { writeQuotaPerMinute: 500 })).status).toBe(200);
    expect(announced).toEqual([]);
  });
});
