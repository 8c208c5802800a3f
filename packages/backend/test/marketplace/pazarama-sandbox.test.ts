import { describe, expect, test } from "bun:test";
import { PZ_ACCOUNT, pzSandbox, rawPz, rawToken, shownBy } from "./pazarama-support";

const FORM = "grant_type=client_credentials&scope=merchantgatewayapi.fullaccess";

function tokenCall(url: string, basic: string, body = FORM) {
  return fetch(`${url}/connect/token`, { method: "POST", headers: { authorization: `Basic ${btoa(basic)}`, "content-type": "application/x-www-form-urlencoded" }, body });
}

describe("Pazarama sandbox: its own rules", () => {
  test("the token endpoint takes Basic client credentials and the scope, and answers wrapped in data", async () => {
    const target = await pzSandbox({ timeScale: 1 });
    expect((await tokenCall(target.url, `${PZ_ACCOUNT.key}:nope`)).status).toBe(401);
    expect((await tokenCall(target.url, `${PZ_ACCOUNT.key}:${PZ_ACCOUNT.secret}`, "grant_type=client_credentials&scope=other")).status).toBe(400);
    const res = await tokenCall(target.url, `${PZ_ACCOUNT.key}:${PZ_ACCOUNT.secret}`);
    const body = (await res.json()) as { success: boolean; data: { accessToken: string; expiresIn: number } };
    expect([res.status, body.success, body.data.expiresIn, body.data.accessToken.length > 20]).toEqual([200, true, 3600, true]);
  });

  test("writes need a live Bearer token", async () => {
    const target = await pzSandbox();
    expect((await rawPz(target, "/product/updateStock-v2", { body: { items: [{ code: "A", stockCount: 1 }] } })).status).toBe(401);
    expect((await rawPz(target, "/product/updateStock-v2", { token: "forged", body: { items: [{ code: "A", stockCount: 1 }] } })).status).toBe(401);
  });

  test("a second write within 10 s (real scale) is refused with 429 and Retry-After, stock and price alike", async () => {
    const target = await pzSandbox({ timeScale: 1 });
    const token = await rawToken(target);
    const first = await rawPz(target, "/product/updateStock-v2", { token, body: { items: [{ code: "A", stockCount: 1 }] } });
    const second = await rawPz(target, "/product/updatePrice-v2", { token, body: { items: [{ code: "A", listPrice: 2, salePrice: 1 }] } });
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(second.headers.get("retry-after"))).toBeLessThanOrEqual(10);
  });

  test("bodies it will not take: HTTP 200 success:false (over 3000 items, bad price decimals, empty); not JSON: 400", async () => {
    const target = await pzSandbox();
    const token = await rawToken(target);
    const cases: [string, unknown][] = [
      ["/product/updateStock-v2", { items: Array.from({ length: 3001 }, (_, i) => ({ code: `C${i}`, stockCount: 1 })) }],
      ["/product/updatePrice-v2", { items: [{ code: "A", listPrice: 1.005, salePrice: 1 }] }],
      ["/product/updatePrice-v2", { items: [{ code: "A", salePrice: 1 }] }],
      ["/product/updateStock-v2", { items: [] }],
    ];
    for (const [path, body] of cases) {
      await new Promise((resolve) => setTimeout(resolve, 15));
      const res = await rawPz(target, path, { token, body });
      const answer = (await res.json()) as { success: boolean; data: unknown };
      expect([res.status, answer.success, answer.data]).toEqual([200, false, null]);
    }
    await new Promise((resolve) => setTimeout(resolve, 15));
    expect((await rawPz(target, "/product/updateStock-v2", { token, rawBody: "{" })).status).toBe(400);
    expect((await shownBy(target)).quantities).toEqual({});
  });

  test("batch results are per account, kept for the (scaled) retention, then 404", async () => {
    const target = await pzSandbox({ timeScale: 1000 }, [{ ...PZ_ACCOUNT }, { account: "other", key: "k2", secret: "s2" }]);
    const token = await rawToken(target);
    const accepted = (await (await rawPz(target, "/product/updateStock-v2", { token, body: { items: [{ code: "A", stockCount: 3 }] } })).json()) as { data: string };
    const path = `/listing-state/batch-id/${accepted.data}/lake-projections?page=1&pageSize=10`;
    const mine = await rawPz(target, path, { method: "GET", token });
    expect(((await mine.json()) as { data: { code: string; stock: { status: number } }[] }).data).toMatchObject([{ code: "A", stock: { status: 0 } }]);
    const theirs = await rawPz(target, path, { method: "GET", token: await rawToken(target, { account: "other", key: "k2", secret: "s2" }) });
    expect(theirs.status).toBe(404);
    expect(target.state.requests().map((r) => [r.endpoint, r.sellerId, r.status])).toContainEqual(["listing-state", "other", 404]);
  });

  test("order search refuses windows over 7 days and page sizes over 100", async () => {
    const target = await pzSandbox();
    const token = await rawToken(target);
    const bodies = [
      { startDate: "2026-11-01T00:00:00Z", endDate: "2026-11-09T00:00:00Z", pageNumber: 1, pageSize: 10 },
      { startDate: "2026-11-01T00:00:00Z", endDate: "2026-11-02T00:00:00Z", pageNumber: 1, pageSize: 101 },
      { startDate: "2026-11-01T00:00:00Z", endDate: "2026-11-02T00:00:00Z", pageNumber: 0, pageSize: 10 },
    ];
    for (const body of bodies) {
      const answer = (await (await rawPz(target, "/order/getOrdersForApi", { token, body })).json()) as { success: boolean };
      expect(answer.success).toBe(false);
    }
  });
});
