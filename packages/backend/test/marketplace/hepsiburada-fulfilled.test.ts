/** The sandbox's Hepsiburada listing read (isFulfilledByHB per listing) against the evidence fixture, and the adapter on it. */
import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { HB_ACCOUNT, hbAdapterFor, hbSandbox, hbShown, rawHb } from "./hepsiburada-support";
import type { RunningSandbox } from "../../src/domains/marketplace/sandbox/server";

const listingsPath = `/listings/merchantid/${HB_ACCOUNT.account}`;

async function setFulfilled(target: RunningSandbox, merchantSkus: string[], fulfilledByHb = true): Promise<Response> {
  return fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/fulfilled-by-hb`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ merchantSkus, fulfilledByHb }),
  });
}

const listingsOf = (body: unknown) => (body as { listings: { merchantSku: string; isFulfilledByHB: boolean; isLocked: boolean }[] }).listings;

describe("Hepsiburada sandbox: the listing read", () => {
  test("answers the fixture's request in the fixture's shape, with isFulfilledByHB set per listing", async () => {
    const target = await hbSandbox({}, [{ ...HB_ACCOUNT, known: ["SKU-1", "SKU-2"] }]);
    expect((await setFulfilled(target, ["SKU-2"])).status).toBe(200);
    const expected = fixture("hepsiburada", "listing-read").exchanges[0]?.response.body;
    const res = await rawHb(target, `${listingsPath}?offset=0&limit=50`, { method: "GET" });
    expect(res.status).toBe(200);
    const body: unknown = await res.json();
    expect(shapeMismatches(expected, body, "answered")).toEqual([]);
    expect(listingsOf(body).map((l) => [l.merchantSku, l.isFulfilledByHB, l.isLocked])).toEqual([
      ["SKU-1", false, false],
      ["SKU-2", true, true],
    ]);
    expect(body).toMatchObject({ totalCount: 2, limit: 50, offset: 0 });
  });

  test("pages as the paged fixture does, and filters by merchantSkuList", async () => {
    const target = await hbSandbox({}, [{ ...HB_ACCOUNT, known: ["SKU-1", "SKU-2", "SKU-3"] }]);
    await setFulfilled(target, ["SKU-2", "SKU-3"]);
    const paged = fixture("hepsiburada", "listing-read.paged");
    for (const exchange of paged.exchanges) {
      const query = new URLSearchParams(exchange.request.query);
      const res = await rawHb(target, `${listingsPath}?${query}`, { method: "GET" });
      const body: unknown = await res.json();
      expect(shapeMismatches(exchange.response.body, body, "answered")).toEqual([]);
      expect(listingsOf(body).map((l) => [l.merchantSku, l.isFulfilledByHB])).toEqual(
        listingsOf(exchange.response.body).map((l) => [l.merchantSku, l.isFulfilledByHB]),
      );
    }
    const filtered = await rawHb(target, `${listingsPath}?offset=0&limit=50&merchantSkuList=SKU-3,SKU-9`, { method: "GET" });
    expect(listingsOf(await filtered.json()).map((l) => l.merchantSku)).toEqual(["SKU-3"]);
  });

  test("offset and limit are required; the flag can be cleared; an unknown account's control is 404", async () => {
    const target = await hbSandbox({}, [{ ...HB_ACCOUNT, known: ["SKU-1"] }]);
    expect((await rawHb(target, listingsPath, { method: "GET" })).status).toBe(400);
    await setFulfilled(target, ["SKU-1"]);
    await setFulfilled(target, ["SKU-1"], false);
    const res = await rawHb(target, `${listingsPath}?offset=0&limit=10`, { method: "GET" });
    expect(listingsOf(await res.json())[0]?.isFulfilledByHB).toBe(false);
    const unknown = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/nobody/fulfilled-by-hb`, { method: "PUT", body: JSON.stringify({ merchantSkus: ["X"], fulfilledByHb: true }) });
    expect(unknown.status).toBe(404);
  });

  test("the adapter holds back the stock of an HB-fulfilled listing and the sandbox shows only the others'", async () => {
    const target = await hbSandbox({}, [{ ...HB_ACCOUNT, known: ["A1", "B2"] }]);
    await setFulfilled(target, ["B2"]);
    const { adapter, sent } = hbAdapterFor(target, { fulfilledByHbMemo: new Map() });
    const screened = await adapter.screen?.([{ barcode: "A1", quantity: 3 }, { barcode: "B2", quantity: 9 }]);
    expect(screened?.rejected).toEqual([{ barcode: "B2", outcome: "FAILED_PERMANENT", reasons: ["FULFILLED_BY_HB"] }]);
    await adapter.pushStockAndPrice(screened?.valid ?? []);
    expect(sent.map((r) => r.method)).toEqual(["GET", "POST"]);
    expect((await hbShown(target)).quantities).toEqual({ A1: 3 });
  });
});
