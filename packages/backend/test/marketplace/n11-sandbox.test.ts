import { describe, expect, test } from "bun:test";
import { N11_ACCOUNT, n11Sandbox, packagesPath, priceStockPath, rawN11, shownBy, taskDetailsPath } from "./n11-support";

const write = (skus: unknown[], integrator: unknown = "Pazarsync") => ({ body: { payload: { integrator, skus } } });

describe("N11 sandbox: the marketplace's rules", () => {
  test("missing or wrong appkey / appsecret is a 401 on every endpoint", async () => {
    const target = await n11Sandbox();
    const statuses = await Promise.all([
      rawN11(target, priceStockPath, { ...write([{ stockCode: "A", quantity: 1 }]), appKey: null }),
      rawN11(target, priceStockPath, { ...write([{ stockCode: "A", quantity: 1 }]), appSecret: "nope" }),
      rawN11(target, taskDetailsPath, { body: { taskId: 1, pageable: { page: 0, size: 10 } }, appKey: "nope" }),
      rawN11(target, `${packagesPath}?startDate=0&endDate=1`, { method: "GET", appSecret: null }),
    ]);
    expect(statuses.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect((await shownBy(target)).quantities).toEqual({});
  });

  test("a readable write N11 will not take is REJECTed with HTTP 200 and reasons, and changes nothing", async () => {
    const target = await n11Sandbox();
    const bad = [
      write(Array.from({ length: 1001 }, (_, i) => ({ stockCode: `C${i}`, quantity: 1 }))),
      write([{ stockCode: "A", listPrice: "10.00", currencyType: "TL" }]),
      write([{ stockCode: "A", listPrice: 10, salePrice: 10, currencyType: "TL" }]),
      write([{ stockCode: "A", listPrice: "10.5", salePrice: "10.50", currencyType: "TL" }]),
      write([{ stockCode: "A", listPrice: "10,50", salePrice: "10.50", currencyType: "TL" }]),
      write([{ stockCode: "A", listPrice: "10.00", salePrice: "10.00", currencyType: "TRY" }]),
      write([{ stockCode: "A", listPrice: "10.00", salePrice: "10.00" }]),
      write([{ stockCode: "A", quantity: -1 }]),
      write([{ stockCode: "A", quantity: 1 }], ""),
      write([]),
      { body: { skus: [{ stockCode: "A", quantity: 1 }] } },
    ];
    for (const init of bad) {
      const res = await rawN11(target, priceStockPath, init);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; type: string; reasons: string[] };
      expect([body.status, body.type]).toEqual(["REJECT", "SKU_UPDATE"]);
      expect(body.reasons.length).toBe(1);
    }
    expect((await shownBy(target)).quantities).toEqual({});
  });

  test("a body that is not JSON is a 400", async () => {
    const target = await n11Sandbox();
    expect((await rawN11(target, priceStockPath, { rawBody: "{nope" })).status).toBe(400);
  });

  test("an accepted write answers {id, type SKU_UPDATE, status IN_QUEUE, reasons []} and its details echo each sku", async () => {
    const target = await n11Sandbox();
    const res = await rawN11(target, priceStockPath, write([{ stockCode: "Q", quantity: 4 }]));
    const accepted = (await res.json()) as { id: number; type: string; status: string; reasons: string[] };
    expect(accepted).toEqual({ id: expect.any(Number), type: "SKU_UPDATE", status: "IN_QUEUE", reasons: [] });
    const details = await rawN11(target, taskDetailsPath, { body: { taskId: accepted.id, pageable: { page: 0, size: 10 } } });
    const body = (await details.json()) as { taskId: number; status: string; createdDate: string; skus: { content: unknown[]; last: boolean } };
    expect([body.taskId, body.status, body.skus.last]).toEqual([accepted.id, "PROCESSED", true]);
    expect(body.createdDate).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(body.skus.content).toEqual([expect.objectContaining({ itemCode: "Q", status: "SUCCESS", sku: { stock: 4 }, reasons: [] })]);
  });

  test("task details: another account's or an unknown task is a 404, a missing taskId a 400", async () => {
    const other = { account: "other", key: "ok", secret: "os" };
    const target = await n11Sandbox({}, [{ ...N11_ACCOUNT }, other]);
    const { id } = (await (await rawN11(target, priceStockPath, write([{ stockCode: "Q", quantity: 4 }]))).json()) as { id: number };
    const asOther = await rawN11(target, taskDetailsPath, { body: { taskId: id, pageable: { page: 0, size: 10 } }, appKey: other.key, appSecret: other.secret });
    expect(asOther.status).toBe(404);
    expect((await rawN11(target, taskDetailsPath, { body: { taskId: 1, pageable: { page: 0, size: 10 } } })).status).toBe(404);
    expect((await rawN11(target, taskDetailsPath, { body: { pageable: { page: 0, size: 10 } } })).status).toBe(400);
  });

  test("the order list: one status per request, size at most 100", async () => {
    const target = await n11Sandbox();
    const get = (query: string) => rawN11(target, `${packagesPath}?${query}`, { method: "GET" });
    const now = Date.now();
    expect((await get(`status=Created,Cancelled&startDate=${now - 1000}&endDate=${now}`)).status).toBe(400);
    expect((await get(`status=Lost&startDate=${now - 1000}&endDate=${now}`)).status).toBe(400);
    expect((await get(`status=Created&startDate=${now - 1000}&endDate=${now}&size=101`)).status).toBe(400);
    expect((await get(`status=Created&endDate=${now}`)).status).toBe(400);
    const ok = await get(`status=Created&startDate=${now - 1000}&endDate=${now}&page=0&size=100`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ content: [], page: 0, size: 100, totalPages: 0, totalElements: 0 });
  });

  test("the order list answers 429 past 1000 requests a minute", async () => {
    const target = await n11Sandbox();
    const now = Date.now();
    const statuses: number[] = [];
    for (let round = 0; round < 11; round += 1) {
      const answers = await Promise.all(
        Array.from({ length: round < 10 ? 100 : 1 }, () => rawN11(target, `${packagesPath}?status=Created&startDate=${now - 1000}&endDate=${now}`, { method: "GET" })),
      );
      statuses.push(...answers.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(1000);
    expect(statuses.at(-1)).toBe(429);
  });

  test("orders are created and cancelled through the control routes; unknown ones are 404", async () => {
    const target = await n11Sandbox();
    const base = `${target.url}/__sandbox/marketplaces/n11/${N11_ACCOUNT.account}/orders`;
    const created = await fetch(base, { method: "POST", body: JSON.stringify({ lines: [{ code: "O1", quantity: 2, unitPrice: 1999 }] }) });
    expect(created.status).toBe(201);
    const { id, payload } = (await created.json()) as { id: string; payload: { shipmentPackageStatus: string; lines: { stockCode: string; price: number }[] } };
    expect(payload.shipmentPackageStatus).toBe("Created");
    expect(payload.lines.map((l) => [l.stockCode, l.price])).toEqual([["O1", 19.99]]);
    expect((await fetch(`${base}/${id}/cancel`, { method: "POST" })).status).toBe(200);
    expect((await fetch(`${base}/999/cancel`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${target.url}/__sandbox/marketplaces/n11/nobody/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code: "X", quantity: 1, unitPrice: 1 }] }) })).status).toBe(404);
  });

  test("accounts can be added at run time and are isolated", async () => {
    const target = await n11Sandbox();
    const added = await fetch(`${target.url}/__sandbox/marketplaces/n11/accounts`, { method: "POST", body: JSON.stringify({ account: "second", key: "k2", secret: "s2" }) });
    expect(added.status).toBe(201);
    await rawN11(target, priceStockPath, { ...write([{ stockCode: "Z", quantity: 9 }]), appKey: "k2", appSecret: "s2" });
    expect((await shownBy(target, "second")).quantities).toEqual({ Z: 9 });
    expect((await shownBy(target)).quantities).toEqual({});
  });
});
