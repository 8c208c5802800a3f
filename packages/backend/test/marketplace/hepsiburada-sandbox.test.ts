import { describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import { hepsiburadaSandbox, type Incoming, type SandboxContext, noFaults } from "@pazarsync/marketplace-sandbox";
import { HB_ACCOUNT, hbSandbox, hbShown, ordersPath, priceUploadsPath, rawHb, stockUploadsPath } from "./hepsiburada-support";

const context: SandboxContext = { timeScale: 1, resultDelayMs: 0, scaled: (ms) => ms, random: () => 0.5, currentFaults: () => noFaults };

function incoming(method: string, path: string, body = "", query: Record<string, string> = {}): Incoming {
  const authorization = `Basic ${Buffer.from(`${HB_ACCOUNT.account}:${HB_ACCOUNT.secret}`).toString("base64")}`;
  return { method, path, query, body, headers: { authorization, "user-agent": HB_ACCOUNT.key } };
}

describe("Hepsiburada sandbox rules", () => {
  test("auth: no credentials, a wrong key, another merchant's path or a generic User-Agent are refused with 401", async () => {
    const target = await hbSandbox({}, [{ ...HB_ACCOUNT }, { account: "other", key: "other_dev", secret: "other-key" }]);
    const body = [{ merchantSku: "A", availableStock: 1 }];
    expect((await rawHb(target, stockUploadsPath, { body, auth: null })).status).toBe(401);
    expect((await rawHb(target, stockUploadsPath, { body, password: "nope" })).status).toBe(401);
    expect((await rawHb(target, stockUploadsPath, { body, user: "other", password: "other-key", userAgent: "other_dev" })).status).toBe(401);
    expect((await rawHb(target, stockUploadsPath, { body, userAgent: "Bun/1.2" })).status).toBe(401);
    const ok = await rawHb(target, stockUploadsPath, { body });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: expect.any(String) });
  });

  test("bodies: not an array, empty, or over 4000 SKUs are refused with 400; a wrong method is 405", async () => {
    const target = await hbSandbox();
    expect((await rawHb(target, stockUploadsPath, { body: { items: [] } })).status).toBe(400);
    expect((await rawHb(target, stockUploadsPath, { body: [] })).status).toBe(400);
    const tooMany = Array.from({ length: 4001 }, (_, i) => ({ merchantSku: `M${i}`, availableStock: 1 }));
    const refused = await rawHb(target, stockUploadsPath, { body: tooMany });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ detail: "at most 4000 SKUs per upload" });
    expect((await rawHb(target, stockUploadsPath, { method: "GET" })).status).toBe(405);
  });

  test("per element: repeated SKUs, bad stock and hepsiburadaSku-only listings, with 1-based elementNo", async () => {
    const target = await hbSandbox({}, [{ ...HB_ACCOUNT, known: ["A", "B", "HBV9"] }]);
    const body = [
      { merchantSku: "A", availableStock: 1 },
      { merchantSku: "B", availableStock: -1 },
      { merchantSku: "A", availableStock: 2 },
      { hepsiburadaSku: "HBV9", availableStock: 7 },
      { merchantSku: "Z", availableStock: 1 },
    ];
    const { id } = (await (await rawHb(target, stockUploadsPath, { body })).json()) as { id: string };
    const status = await rawHb(target, `${stockUploadsPath}/id/${id}`, { method: "GET" });
    expect(await status.json()).toMatchObject({
      id,
      status: "Done",
      total: 5,
      errors: [
        { elementNo: 1, merchantSku: "A", errors: ["DuplicateMerchantSkuSpecified"] },
        { elementNo: 2, merchantSku: "B", errors: ["InvalidAvailableStock"] },
        { elementNo: 3, merchantSku: "A", errors: ["DuplicateMerchantSkuSpecified"] },
        { elementNo: 5, merchantSku: "Z", errors: ["ProductNotFound"] },
      ],
    });
    expect((await hbShown(target)).quantities).toEqual({ HBV9: 7 });
    // The same id read as the other kind of upload does not exist.
    expect((await rawHb(target, `${priceUploadsPath}/id/${id}`, { method: "GET" })).status).toBe(404);
  });

  test("at most 5 pending uploads per merchant: a sixth is refused with 429 TooManyPendingUploads until one finishes", async () => {
    const target = await hbSandbox({ resultDelayMs: 60_000 });
    const body = [{ merchantSku: "A", availableStock: 1 }];
    for (let i = 0; i < 3; i++) expect((await rawHb(target, stockUploadsPath, { body })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await rawHb(target, priceUploadsPath, { body: [{ merchantSku: "A", price: 10 }] })).status).toBe(200);
    const sixth = await rawHb(target, stockUploadsPath, { body });
    expect(sixth.status).toBe(429);
    expect(await sixth.json()).toMatchObject({ errors: ["TooManyPendingUploads"] });
  });

  test("over the listing quota: 429 (documented; 403 is not a limit there); over the order quota: 429 with X-RateLimit-* headers", () => {
    const module = hepsiburadaSandbox(context, [HB_ACCOUNT], { listingWritesPerMinute: 2, orderRequestsPerSecond: 2, maxPendingUploads: 100 });
    const write = () => module.handle(incoming("POST", stockUploadsPath, '[{"merchantSku":"A","availableStock":1}]'), 1_000);
    expect([write().reply.status, write().reply.status, write().reply.status]).toEqual([200, 200, 429]);
    const list = () => module.handle(incoming("GET", ordersPath, "", { offset: "0", limit: "10" }), 1_000);
    const first = list();
    expect(first.reply.headers).toMatchObject({ "X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "1" });
    expect(list().reply.status).toBe(200);
    const limited = list();
    expect(limited.reply.status).toBe(429);
    expect(limited.reply.headers).toMatchObject({ "X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1" });
    // A second later the window has moved on.
    expect(module.handle(incoming("GET", ordersPath, "", { offset: "0", limit: "10" }), 2_001).reply.status).toBe(200);
  });

  test("the order list: offset and limit mandatory, limit at most 100, dates as yyyy-MM-dd HH:mm", async () => {
    const target = await hbSandbox();
    const get = (query: string) => rawHb(target, `${ordersPath}?${query}`, { method: "GET" });
    expect((await get("limit=10")).status).toBe(400);
    expect((await get("offset=0")).status).toBe(400);
    expect((await get("offset=0&limit=101")).status).toBe(400);
    expect((await get("offset=0&limit=10&begindate=2026-11-20T10:00")).status).toBe(400);
    expect((await get("offset=0&limit=10&begindate=2026-11-20%2012:00&enddate=2026-11-20%2011:00")).status).toBe(400);
    const ok = await get("offset=0&limit=100&begindate=2026-11-20%2010:00&enddate=2026-11-20%2011:00");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ totalCount: 0, offset: 0, limit: 100, pageCount: 0, items: [] });
  });

  test("accounts can be added through the control route; an unknown account shows nothing (404)", async () => {
    const target = await hbSandbox();
    const add = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/accounts`, { method: "POST", body: JSON.stringify({ account: "m2", key: "dev2", secret: "k2" }) });
    expect(add.status).toBe(201);
    const upload = await rawHb(target, "/listings/merchantid/m2/stock-uploads", { user: "m2", password: "k2", userAgent: "dev2", body: [{ merchantSku: "X", availableStock: 3 }] });
    expect(upload.status).toBe(200);
    expect((await hbShown(target, "m2")).quantities).toEqual({ X: 3 });
    expect((await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/nobody/shown`)).status).toBe(404);
  });
});

describe("Hepsiburada sandbox answers in the evidence fixtures' shapes", () => {
  const answerOf = (name: string, index = 0) => fixture("hepsiburada", name).exchanges[index]?.response.body;
  const json = async (res: Response) => (await res.json()) as unknown;

  test("stock and price uploads and their status answers hold every key the sources show", async () => {
    const target = await hbSandbox({}, [{ ...HB_ACCOUNT, known: ["SKU-1", "SKU-2"] }]);
    const stock = await rawHb(target, stockUploadsPath, { body: fixture("hepsiburada", "stock-upload").exchanges[0]?.request.body });
    const stockAnswer = (await json(stock)) as { id: string };
    expect(shapeMismatches(answerOf("stock-upload"), stockAnswer, "answered")).toEqual([]);
    const failing = (await json(await rawHb(target, stockUploadsPath, { body: [{ merchantSku: "SKU-1", availableStock: 1 }, { merchantSku: "SKU-9", availableStock: 1 }] }))) as { id: string };
    const stockStatus = await json(await rawHb(target, `${stockUploadsPath}/id/${failing.id}`, { method: "GET" }));
    expect(shapeMismatches(answerOf("stock-upload-status"), stockStatus, "answered")).toEqual([]);

    const price = await json(await rawHb(target, priceUploadsPath, { body: [{ merchantSku: "SKU-1", price: 100 }, { merchantSku: "SKU-2", price: 100 }] }));
    expect(shapeMismatches(answerOf("price-upload"), price, "answered")).toEqual([]);
    const locking = (await json(await rawHb(target, priceUploadsPath, { body: [{ merchantSku: "SKU-1", price: 101 }, { merchantSku: "SKU-2", price: 10 }] }))) as { id: string };
    const priceStatus = await json(await rawHb(target, `${priceUploadsPath}/id/${locking.id}`, { method: "GET" }));
    expect(priceStatus).toMatchObject({ status: "Done", priceValidations: [{ elementNo: 2, merchantSku: "SKU-2", type: "MinLock" }] });
    expect(shapeMismatches(answerOf("price-upload-status"), priceStatus, "answered")).toEqual([]);
  });

  test("the open list answers one item per order line with the fixture's request (offset, limit, Turkey-time dates), and the cancelled list likewise without dates", async () => {
    const target = await hbSandbox();
    const order = async (lines: { code: string; quantity: number; unitPrice: number }[]) => {
      const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines }) });
      return ((await res.json()) as { id: string }).id;
    };
    const first = await order([
      { code: "SKU-1", quantity: 1, unitPrice: 11285 },
      { code: "SKU-3", quantity: 1, unitPrice: 500 },
    ]);
    await order([{ code: "SKU-2", quantity: 2, unitPrice: 2050 }]);
    const request = fixture("hepsiburada", "order-pull").exchanges[0]?.request;
    const now = Date.now();
    const turkey = (ms: number) => new Date(ms + 3 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
    const query = new URLSearchParams({ ...request?.query, begindate: turkey(now - 3600_000), enddate: turkey(now + 60_000) });
    const open = (await json(await rawHb(target, `${ordersPath}?${query}`, { method: "GET" }))) as { items: { orderNumber: string }[]; totalCount: number };
    expect(open.totalCount).toBe(3);
    expect(open.items.map((item) => item.orderNumber)).toEqual([first, first]);
    expect(shapeMismatches(answerOf("order-pull"), open, "answered")).toEqual([]);

    await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders/${first}/cancel`, { method: "POST" });
    const cancelledQuery = new URLSearchParams(fixture("hepsiburada", "cancelled-list").exchanges[1]?.request.query);
    const cancelled = await json(await rawHb(target, `${ordersPath}/cancelled?${cancelledQuery}`, { method: "GET" }));
    expect(cancelled).toMatchObject({ offset: 2, limit: 2, totalCount: 2, items: [] });
    const firstPage = await json(await rawHb(target, `${ordersPath}/cancelled?offset=0&limit=2`, { method: "GET" }));
    expect(firstPage).toMatchObject({ totalCount: 2, items: [{ orderNumber: first, merchantSku: "SKU-1" }, { orderNumber: first, merchantSku: "SKU-3" }] });
    expect(shapeMismatches(answerOf("cancelled-list"), firstPage, "answered")).toEqual([]);
  });

  test("the cancelled list refuses any date filter (400 WrongDateFormat) and a limit over 50; the open list cuts a range over 24 h", async () => {
    const target = await hbSandbox();
    const get = (path: string) => rawHb(target, path, { method: "GET" });
    const dated = await get(`${ordersPath}/cancelled?offset=0&limit=50&begindate=2026-11-20%2010:00`);
    expect(dated.status).toBe(400);
    expect(await dated.json()).toMatchObject({ errors: ["WrongDateFormat"] });
    expect((await get(`${ordersPath}/cancelled?offset=0&limit=51`)).status).toBe(400);
    expect((await get(`${ordersPath}/cancelled?offset=0&limit=50`)).status).toBe(200);
    const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/orders`, { method: "POST", body: JSON.stringify({ lines: [{ code: "A", quantity: 1, unitPrice: 100 }] }) });
    expect(res.status).toBe(201);
    const turkey = (ms: number) => new Date(ms + 3 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
    const wide = `${ordersPath}?offset=0&limit=10&begindate=${encodeURIComponent(turkey(Date.now() - 30 * 3600_000))}&enddate=${encodeURIComponent(turkey(Date.now() + 60_000))}`;
    expect(await (await get(wide)).json()).toMatchObject({ totalCount: 0 });
  });
});
