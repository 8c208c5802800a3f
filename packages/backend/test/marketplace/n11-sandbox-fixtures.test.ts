/**
 * The N11 sandbox plays the sources: each fixture's request, sent to the sandbox, gets an answer
 * holding every key (with its type) the fixture's answer shows.
 */
import { describe, expect, test } from "bun:test";
import { type Exchange, fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { N11_ACCOUNT, n11Sandbox, packagesPath, priceStockPath, rawN11, taskDetailsPath } from "./n11-support";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

function exchange(name: string, index = 0): Exchange {
  const found = fixture("n11", name).exchanges[index];
  if (!found) throw new Error(`${name} has no exchange ${index}`);
  return found;
}

async function createOrder(url: string, code: string) {
  const res = await fetch(`${url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code, quantity: 1, unitPrice: 9990 }] }) });
  return (await res.json()) as { id: string };
}

describe("N11 sandbox against the fixtures", () => {
  test("price-stock-update: the fixture's request is queued, answered in the source's shape", async () => {
    const target = await n11Sandbox();
    const { request, response } = exchange("price-stock-write");
    const res = await rawN11(target, request.path, { body: request.body });
    expect(res.status).toBe(response.status);
    expect(shapeMismatches(response.body, await res.json(), "answered")).toEqual([]);
  });

  test("a REJECT comes with HTTP 200 in the source's shape (a task id included)", async () => {
    const target = await n11Sandbox();
    const { response } = exchange("price-stock-reject");
    // The official page: listPrice and salePrice must come together, or N11 REJECTs the request.
    const res = await rawN11(target, priceStockPath, { body: { payload: { integrator: "Pazarsync", skus: [{ stockCode: "SKU-1", listPrice: "120.00", currencyType: "TL" }] } } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string };
    expect(body.status).toBe("REJECT");
    expect(shapeMismatches(response.body, body, "answered")).toEqual([]);
  });

  test("task details: the fixture's request for a task the sandbox ran is answered in the source's shape", async () => {
    const target = await n11Sandbox();
    const accepted = (await (await rawN11(target, priceStockPath, { body: exchange("price-stock-write").request.body })).json()) as { id: number };
    const { request, response } = exchange("task-details");
    const body = { ...(request.body as Record<string, unknown>), taskId: accepted.id };
    const res = await rawN11(target, taskDetailsPath, { body });
    expect(res.status).toBe(200);
    expect(shapeMismatches(response.body, await res.json(), "answered")).toEqual([]);
  });

  test("shipment packages: each status and page the fixture asks is answered in the source's shape", async () => {
    const target = await n11Sandbox();
    await createOrder(target.url, "SKU-1");
    await createOrder(target.url, "SKU-2");
    const gone = await createOrder(target.url, "SKU-3");
    await fetch(`${target.url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/orders/${gone.id}/cancel`, { method: "POST" });
    const now = Date.now();
    for (const { request, response } of fixture("n11", "order-pull").exchanges) {
      const query = new URLSearchParams({ status: String(request.query?.status), page: String(request.query?.page), size: "1", startDate: String(now - HOUR), endDate: String(now + HOUR) });
      const res = await rawN11(target, `${request.path}?${query}`, { method: "GET" });
      expect(res.status).toBe(200);
      expect(shapeMismatches(response.body, await res.json(), "answered")).toEqual([]);
    }
  });

  test("a split package: the Picking and UnPacked lists the split fixture asks are answered in the source's shape", async () => {
    const target = await n11Sandbox();
    const control = (what: string, body: unknown) => fetch(`${target.url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/${what}`, { method: "POST", body: JSON.stringify(body) });
    const res = await fetch(`${target.url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code: "SKU-1", quantity: 2, unitPrice: 9990 }, { code: "SKU-2", quantity: 1, unitPrice: 4550 }] }) });
    const created = (await res.json()) as { payload: { id: string; lines: { orderLineId: number }[] } };
    // Created packages are not split (the official page); Picking ones are.
    expect((await control("split", { packageId: created.payload.id, orderLineIds: [created.payload.lines[0]?.orderLineId] })).status).toBe(400);
    expect((await control("package-status", { packageId: created.payload.id, status: "Picking" })).status).toBe(200);
    expect((await control("split", { packageId: created.payload.id, orderLineIds: [created.payload.lines[0]?.orderLineId] })).status).toBe(200);
    const now = Date.now();
    for (const { request, response } of fixture("n11", "order-split").exchanges) {
      const query = new URLSearchParams({ status: String(request.query?.status), page: "0", size: "100", startDate: String(now - HOUR), endDate: String(now + HOUR) });
      const answer = (await (await rawN11(target, `${request.path}?${query}`, { method: "GET" })).json()) as { content: { orderNumber: string }[] };
      expect(shapeMismatches(response.body, answer, "answered")).toEqual([]);
      expect(answer.content.length).toBe(request.query?.status === "Picking" ? 2 : 1);
    }
  });

  test("a range wider than 15 days is answered with its last 15 days only, not refused", async () => {
    let clock = Date.UTC(2026, 11, 1);
    const target = await n11Sandbox({ now: () => clock });
    const placedAt = clock;
    await createOrder(target.url, "SKU-1");
    clock += 20 * DAY;
    const list = async (from: number, to: number) => {
      const res = await rawN11(target, `${packagesPath}?status=Created&startDate=${from}&endDate=${to}`, { method: "GET" });
      expect(res.status).toBe(200);
      return ((await res.json()) as { content: unknown[] }).content.length;
    };
    expect(await list(placedAt - HOUR, placedAt + HOUR)).toBe(1);
    expect(await list(placedAt - HOUR, clock)).toBe(0);
  });
});
