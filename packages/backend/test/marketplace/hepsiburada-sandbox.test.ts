import { describe, expect, test } from "bun:test";
import { hepsiburadaSandbox } from "../../src/domains/marketplace/sandbox/hepsiburada/module";
import type { Incoming, SandboxContext } from "../../src/domains/marketplace/sandbox/module";
import { noFaults } from "../../src/domains/marketplace/sandbox/options";
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

  test("over the catalog quota: 403; over the order quota: 429 with X-RateLimit-* headers", () => {
    const module = hepsiburadaSandbox(context, [HB_ACCOUNT], { listingWritesPerMinute: 2, orderRequestsPerSecond: 2, maxPendingUploads: 100 });
    const write = () => module.handle(incoming("POST", stockUploadsPath, '[{"merchantSku":"A","availableStock":1}]'), 1_000);
    expect([write().reply.status, write().reply.status, write().reply.status]).toEqual([200, 200, 403]);
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
