/**
 * The sandbox's listing reads play the sources: each listing-read fixture's request, sent to the
 * sandbox of a seeded account, gets an answer holding every key (with its type) the fixture's
 * answer shows, page by page.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { type CatalogSeed, seedCatalog } from "./catalog-support";
import { N11_ACCOUNT, n11Sandbox, rawN11 } from "./n11-support";
import { PTT_ACCOUNT, pttSandbox, rawPtt } from "./pttavm-support";
import { PZ_ACCOUNT, pzSandbox, rawPz, rawToken } from "./pazarama-support";

/** Three listings, as in every fixture: one with a stock code of its own, one fulfilled by the marketplace. */
const SEED: CatalogSeed = {
  listings: [
    { barcode: "8690000000011", stockCode: "SKU-RED-42", quantity: 12, salePrice: 159_990, listPrice: 199_900 },
    { barcode: "8690000000028", quantity: 0, salePrice: 4_550, listPrice: 5_000 },
    { barcode: "8690000000035", stockCode: "SKU-BLU-42", quantity: 7, salePrice: 89_950, listPrice: 99_990, fulfilledByMarketplace: true },
  ],
};

/** The fixture request's query with its placeholders and optional names dropped. */
function queryOf(request: Exchange["request"]): URLSearchParams {
  const optional = new Set(request.optionalQuery ?? []);
  return new URLSearchParams(Object.entries(request.query ?? {}).filter(([name, value]) => !optional.has(name) && !/^<.*>$/.test(value)));
}

describe("listing reads in the sandbox against the fixtures", () => {
  test("N11 product query: every page the fixture asks is answered in the source's shape", async () => {
    const target = await n11Sandbox();
    await seedCatalog(target.url, "N11", N11_ACCOUNT.account, SEED);
    for (const { request, response } of fixture("n11", "listing-read").exchanges) {
      const res = await rawN11(target, `${request.path}?${queryOf(request)}`, { method: "GET" });
      expect(res.status).toBe(response.status);
      const body = (await res.json()) as { content: unknown[]; totalElements: number };
      expect(shapeMismatches(response.body, body, "answered")).toEqual([]);
      expect(body.totalElements).toBe(3);
    }
  });

  test("N11: a listing without a stock code of its own shows its barcode as the stock code N11 keys on", async () => {
    const target = await n11Sandbox();
    await seedCatalog(target.url, "N11", N11_ACCOUNT.account, SEED);
    const res = await rawN11(target, "/ms/product-query?page=0&size=250&stockCode=8690000000028", { method: "GET" });
    const body = (await res.json()) as { content: { stockCode: string; barcode: string; saleStatus: string }[] };
    expect(body.content).toMatchObject([{ stockCode: "8690000000028", barcode: "8690000000028", saleStatus: "Out_Of_Stock" }]);
  });

  test("PttAVM product search: each page is answered in the source's shape, the page past the last empty", async () => {
    const target = await pttSandbox();
    await seedCatalog(target.url, "PTTAVM", PTT_ACCOUNT.account, SEED);
    const lengths: number[] = [];
    for (const { request, response } of fixture("pttavm", "listing-read").exchanges) {
      const res = await rawPtt(target, `${request.path.replace(/^\/api\/v1/, "")}?${queryOf(request)}`, { method: "GET" });
      expect(res.status).toBe(response.status);
      const body = (await res.json()) as unknown[];
      expect(shapeMismatches(response.body, body, "answered")).toEqual([]);
      lengths.push(body.length);
    }
    expect(lengths).toEqual([3, 0]);
    const bare = await rawPtt(target, "/products/search?searchPage=1", { method: "GET" });
    expect(bare.status).toBe(400);
  });

  test("Pazarama approved products: every page the fixture asks is answered in the source's shape", async () => {
    const target = await pzSandbox();
    await seedCatalog(target.url, "PAZARAMA", PZ_ACCOUNT.account, SEED);
    const token = await rawToken(target);
    for (const { request, response } of fixture("pazarama", "listing-read").exchanges) {
      const res = await rawPz(target, `${request.path}?${queryOf(request)}`, { method: "GET", token });
      expect(res.status).toBe(response.status);
      const body = (await res.json()) as { data: { code: string }[]; totalCount: number };
      expect(shapeMismatches(response.body, body, "answered")).toEqual([]);
      expect(body.totalCount).toBe(3);
    }
    const one = (await (await rawPz(target, "/product/products?Approved=true&Page=1&Size=100&Code=8690000000035", { method: "GET", token })).json()) as { data: { code: string }[] };
    expect(one.data.map((item) => item.code)).toEqual(["8690000000035"]);
  });
});
