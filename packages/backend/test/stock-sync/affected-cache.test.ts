import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAffectedCache } from "../../src/domains/stock-sync/affected";
import { createTestApp, type TestApp } from "../support/app";
import { staff } from "../support/identity";
import { createProduct, createSimple, setBody } from "../catalog/products-fixtures";

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ label: "affected-cache" });
  token = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

/** The catalog as the cache sees it, counting how often each lookup reaches Postgres. */
function counted() {
  const calls = { membership: 0, perChange: 0 };
  const products = {
    setMembership: (maxRows: number) => {
      calls.membership++;
      return t.services.products.setMembership(maxRows);
    },
    setsContaining: (ids: readonly string[]) => {
      calls.perChange++;
      return t.services.products.setsContaining(ids);
    },
  };
  return { calls, deps: { products, stores: t.services.stores } };
}

describe("which sets a stock change touches, remembered for the whole catalog", () => {
  test("one membership read answers changes to different components, each with the sets that hold it", async () => {
    const [a, b, loose] = [await createSimple(t, token), await createSimple(t, token), await createSimple(t, token)];
    const both = await createProduct(t, token, setBody([{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }]));
    const onlyB = await createProduct(t, token, setBody([{ productId: b.id, quantity: 2 }]));
    const { calls, deps } = counted();
    const cache = createAffectedCache(deps, { ttlMs: 60_000 });

    expect(await cache.products.setsContaining([a.id])).toEqual([both.id]);
    expect((await cache.products.setsContaining([b.id])).sort()).toEqual([both.id, onlyB.id].sort());
    expect(await cache.products.setsContaining([loose.id])).toEqual([]);
    expect((await cache.products.setsContaining([a.id, b.id])).sort()).toEqual([both.id, onlyB.id].sort());
    expect(calls).toEqual({ membership: 1, perChange: 0 });
  });

  test("a catalog change clears it: a set made afterwards is seen at the next change", async () => {
    const a = await createSimple(t, token);
    const { calls, deps } = counted();
    const cache = createAffectedCache(deps, { ttlMs: 60_000 });
    expect(await cache.products.setsContaining([a.id])).toEqual([]);

    const set = await createProduct(t, token, setBody([{ productId: a.id, quantity: 3 }]));
    cache.clear();
    expect(await cache.products.setsContaining([a.id])).toEqual([set.id]);
    expect(calls.membership).toBe(2);
  });

  test("a catalog with more set items than it may hold is asked per change instead", async () => {
    const [a, b] = [await createSimple(t, token), await createSimple(t, token)];
    const set = await createProduct(t, token, setBody([{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }]));
    const { calls, deps } = counted();
    const cache = createAffectedCache(deps, { ttlMs: 60_000, membershipMaxRows: 1 });
    expect(await cache.products.setsContaining([a.id])).toEqual([set.id]);
    expect(calls.perChange).toBe(1);
  });
});

describe("which stores a stock change touches", () => {
  test("changes arriving together while the entry is missing read the stores once and share the answer", async () => {
    const store = t.services.stores;
    let reads = 0;
    const stores = {
      storesSellingFrom: (warehouseIds: readonly string[]) => {
        reads++;
        return store.storesSellingFrom(warehouseIds);
      },
      listStores: () => store.listStores(),
    };
    const cache = createAffectedCache({ products: t.services.products, stores }, { ttlMs: 60_000 });
    const warehouseIds = [crypto.randomUUID()];
    const answers = await Promise.all([...Array(5)].map(() => cache.stores.storesSellingFrom(warehouseIds)));
    expect(answers).toEqual([...Array(5)].map(() => []));
    expect(reads).toBe(1);
  });
});
