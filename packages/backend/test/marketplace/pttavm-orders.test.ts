import { describe, expect, test } from "bun:test";
import { normalisePttavmOrder } from "../../src/domains/marketplace/pttavm/orders";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { NormalisedOrder } from "../../src/domains/marketplace/types";
import { PTT_ACCOUNT, pttAdapterFor, pttSandbox, rawPtt } from "./pttavm-support";
import { thrownBy } from "./fakes";
import { manualClock } from "../support/clock";

const control = (target: RunningSandbox, path: string, body?: unknown) =>
  fetch(`${target.url}/__sandbox/marketplaces/pttavm/${PTT_ACCOUNT.account}${path}`, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });

async function createOrder(target: RunningSandbox, code: string, quantity = 1, unitPrice = 11285): Promise<string> {
  const res = await control(target, "/orders", { lines: [{ code, quantity, unitPrice }] });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const hour = 60 * 60 * 1000;
const around = () => ({ since: new Date(Date.now() - hour), until: new Date(Date.now() + hour) });

describe("PttAVM adapter: order search", () => {
  test("a new order is pulled and normalised: CREATED, lines by barcode, unit prices in kuruş from the line totals, raw kept", async () => {
    const target = await pttSandbox();
    const { adapter, sent, calls } = pttAdapterFor(target);
    const id = await createOrder(target, "BC-1", 2, 11285);
    const page = await adapter.pullOrders?.(around());
    expect(page?.next).toBeNull();
    const [order] = page?.orders ?? [];
    expect(order).toMatchObject({ externalId: id, status: "CREATED", marketplaceStatus: "kargo_yapilmasi_bekleniyor", currency: "TRY", lines: [{ barcode: "BC-1", quantity: 2, unitPrice: 11285 }] });
    expect((order?.raw as { siparisUrunler: { kdvDahilToplamTutar: number }[] }).siparisUrunler[0]?.kdvDahilToplamTutar).toBe(225.7);
    const url = sent[0]?.url;
    expect([sent[0]?.method, url?.pathname, [...(url?.searchParams.keys() ?? [])], url?.searchParams.get("isActiveOrders")]).toEqual([
      "GET",
      "/api/v1/orders/search",
      ["startDate", "endDate", "isActiveOrders"],
      "false",
    ]);
    expect(url?.searchParams.get("startDate")).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(sent[0]?.headers.get("X-Correlation-Id")).toBeTruthy();
    expect(calls.map((c) => c.callType)).toEqual(["GET_ORDERS"]);
  });

  test("a cancelled order comes back CANCELLED with a later lastModifiedAt", async () => {
    const clock = manualClock();
    const target = await pttSandbox({ now: clock.now });
    const { adapter } = pttAdapterFor(target);
    const id = await createOrder(target, "BC-2");
    const before = (await adapter.pullOrders?.(around()))?.orders[0];
    clock.advance(1000);
    expect((await control(target, `/orders/${id}/cancel`)).status).toBe(200);
    const after = (await adapter.pullOrders?.(around()))?.orders[0];
    expect(after?.status).toBe("CANCELLED");
    expect(after?.marketplaceStatus).toBe("iptal");
    expect(Date.parse(after?.lastModifiedAt ?? "")).toBeGreaterThan(Date.parse(before?.lastModifiedAt ?? ""));
  });

  test("a window longer than 40 days is walked in slices of at most 40 days, each one call with no paging", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    const id = await createOrder(target, "W1");
    const until = new Date(Math.ceil((Date.now() + hour) / 1000) * 1000);
    const since = new Date(until.getTime() - 90 * 24 * hour);
    const found: (string | undefined)[] = [];
    let page: string | undefined;
    do {
      const answer = await adapter.pullOrders?.({ since, until, ...(page ? { page } : {}) });
      found.push(...(answer?.orders ?? []).map((o) => o.externalId));
      page = answer?.next ?? undefined;
    } while (page && sent.length < 10);
    expect(sent).toHaveLength(3);
    const windows = sent.map((s) => [Date.parse(`${s.url.searchParams.get("startDate")}Z`), Date.parse(`${s.url.searchParams.get("endDate")}Z`)]);
    expect(windows[0]?.[0]).toBe(since.getTime());
    expect(windows[2]?.[1]).toBe(until.getTime());
    for (const [start = 0, end = 0] of windows) expect(end - start).toBeLessThanOrEqual(40 * 24 * hour);
    expect(found).toEqual([id]);
  });

  test("a page token we did not issue is a 422, not a request", async () => {
    const target = await pttSandbox();
    const { adapter, sent } = pttAdapterFor(target);
    const error = await thrownBy(async () => adapter.pullOrders?.({ ...around(), page: "garbage" }));
    expect((error as { code: string; status: number }).code).toBe("MARKETPLACE_PAGE_INVALID");
    expect((error as { status: number }).status).toBe(422);
    expect(sent).toEqual([]);
  });

  test("the sandbox refuses windows over 40 days, an end before the start and a missing isActiveOrders; isActiveOrders=true shows only orders awaiting shipment", async () => {
    const target = await pttSandbox();
    const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    const now = Date.now();
    const search = (start: number, end: number, active: string | null) =>
      rawPtt(target, `/orders/search?startDate=${stamp(start)}&endDate=${stamp(end)}${active === null ? "" : `&isActiveOrders=${active}`}`, { method: "GET" });
    expect((await search(now - 41 * 24 * hour, now, "false")).status).toBe(400);
    expect((await search(now, now - hour, "false")).status).toBe(400);
    expect((await search(now - hour, now + hour, null)).status).toBe(400);
    const open = await createOrder(target, "A1");
    const gone = await createOrder(target, "A2");
    await control(target, `/orders/${gone}/cancel`);
    const all = (await (await search(now - hour, now + hour, "false")).json()) as { siparisNo: string }[];
    const active = (await (await search(now - hour, now + hour, "true")).json()) as { siparisNo: string }[];
    expect([all.map((o) => o.siparisNo).sort(), active.map((o) => o.siparisNo)]).toEqual([[open, gone].sort(), [open]]);
  });

  test("the normaliser: status per line, zone-less times read as UTC, string amounts; an order without siparisNo, islemTarihi or lines, and a line without barcode, quantity or amount, go on for intake to flag", () => {
    const line = { lineItemId: 1, urunBarkod: "A", toplamIslemAdedi: 2, kdvDahilToplamTutar: "25,00", siparisDurumu: "kargo_yapilmasi_bekleniyor" };
    const base = { siparisNo: "PTT-7", islemTarihi: "2026-11-20T10:00:00", siparisUrunler: [line] };
    const listedFrom = new Date("2026-11-19T00:00:00Z");
    expect(normalisePttavmOrder(base, listedFrom)).toMatchObject([
      { externalId: "PTT-7", packageId: "PTT-7", status: "CREATED", lines: [{ barcode: "A", quantity: 2, unitPrice: 1250, lineId: "1" }], lastModifiedAt: "2026-11-20T10:00:00.000Z" },
    ]);
    expect(normalisePttavmOrder({ ...base, islemTarihi: "2026-11-20T10:00:00.399Z" }, listedFrom)[0]?.lastModifiedAt).toBe("2026-11-20T10:00:00.399Z");
    const shipped = { ...base, siparisUrunler: [{ ...line, siparisDurumu: "gondericisine_teslim_edildi" }] };
    expect(normalisePttavmOrder(shipped, listedFrom)).toMatchObject([{ status: "OTHER", marketplaceStatus: "gondericisine_teslim_edildi" }]);
    const cancelled = { ...base, siparisUrunler: [{ ...line, siparisDurumu: "iptal" }, { ...line, lineItemId: 2, siparisDurumu: "odeme_gecersiz" }] };
    expect(normalisePttavmOrder(cancelled, listedFrom)).toMatchObject([{ packageId: "PTT-7", status: "CANCELLED", lines: [{ barcode: "A", lineId: "1" }, { barcode: "A", lineId: "2" }] }]);
    // Formerly these threw UNREADABLE_ANSWER for the whole answer, which stopped the store's pull at this order.
    expect(normalisePttavmOrder({ ...base, siparisNo: null, islemTarihi: "" }, listedFrom)).toMatchObject([{ externalId: undefined, status: "CREATED", lastModifiedAt: listedFrom.toISOString() }]);
    // No lines: OTHER, so intake records it (LINE_COUNT_OUT_OF_RANGE) instead of cancelling an order it never saw.
    expect(normalisePttavmOrder({ ...base, siparisUrunler: "none" }, listedFrom)).toMatchObject([{ externalId: "PTT-7", status: "OTHER", lines: [] }]);
    expect(normalisePttavmOrder("not an order", listedFrom)).toMatchObject([{ externalId: undefined, status: "OTHER", lines: [], raw: "not an order" }]);
    const unreadable = [line, { ...line, lineItemId: 2, urunBarkod: null }, { ...line, lineItemId: 3, toplamIslemAdedi: 1.5 }, { ...line, lineItemId: 4, kdvDahilToplamTutar: "free" }, 7];
    expect(normalisePttavmOrder({ ...base, siparisUrunler: unreadable }, listedFrom)[0]?.lines).toEqual([
      { barcode: "A", quantity: 2, unitPrice: 1250 },
      { barcode: "", quantity: 2, unitPrice: 1250 },
      { barcode: "A", quantity: 1.5, unitPrice: Number.NaN },
      { barcode: "A", quantity: 2, unitPrice: Number.NaN },
      { barcode: "", quantity: Number.NaN, unitPrice: Number.NaN },
    ]);
  });
});
