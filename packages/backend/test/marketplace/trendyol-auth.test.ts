import { describe, expect, test } from "bun:test";
import { MarketplaceRefused } from "../../src/domains/marketplace/errors";
import { createTrendyolAdapter } from "../../src/domains/marketplace/trendyol/adapter";
import { AppError } from "../../src/infra/errors";
import { adapterFor, inventoryPath, rawTrendyol, sandbox, SELLER, stockItems } from "./support";
import { thrownBy } from "./fakes";

describe("Trendyol adapter: auth and User-Agent", () => {
  test("sends Basic auth and the SelfIntegration User-Agent, which the sandbox accepts", async () => {
    const target = await sandbox();
    const { adapter } = adapterFor(target);
    const receipts = await adapter.pushStockAndPrice(stockItems(1));
    expect(receipts).toHaveLength(1);
    expect(target.state.requests().map((r) => r.status)).toEqual([200]);
  });

  test("an integrator name goes into the User-Agent and is accepted", async () => {
    const target = await sandbox();
    let userAgent: string | null = null;
    const { adapter } = adapterFor(target, {
      integratorName: "Pazarsync",
      fetch: ((input: string | URL | Request, init?: RequestInit) => {
        userAgent = new Headers(init?.headers).get("user-agent");
        return fetch(input, init);
      }) as typeof fetch,
    });
    await adapter.pushStockAndPrice(stockItems(1));
    expect(String(userAgent)).toBe(`${SELLER.sellerId} - Pazarsync`);
  });

  test("wrong credentials are a permanent refusal with 401", async () => {
    const target = await sandbox();
    const { adapter } = adapterFor(target, { apiSecret: "wrong" });
    const error = await thrownBy(() => adapter.pushStockAndPrice(stockItems(1)));
    expect(error).toBeInstanceOf(MarketplaceRefused);
    const refused = error as MarketplaceRefused;
    expect(refused.httpStatus).toBe(401);
    expect(refused.code).toBe("MARKETPLACE_AUTH_FAILED");
    expect(refused.fate).toBe("REFUSED");
    expect(refused.permanent).toBe(true);
  });

  test("the sandbox answers 403 to a request without the seller's User-Agent", async () => {
    const target = await sandbox();
    const body = { items: [{ barcode: "A1", quantity: 1 }] };
    const missing = await rawTrendyol(target, inventoryPath, { body, userAgent: null });
    const otherSeller = await rawTrendyol(target, inventoryPath, { body, userAgent: "999 - SelfIntegration" });
    const tooLong = await rawTrendyol(target, inventoryPath, { body, userAgent: `${SELLER.sellerId} - ${"A".repeat(31)}` });
    expect([missing.status, otherSeller.status, tooLong.status]).toEqual([403, 403, 403]);
  });

  test("the sandbox answers 401 ClientApiAuthenticationException without credentials", async () => {
    const target = await sandbox();
    const res = await rawTrendyol(target, inventoryPath, { body: { items: [{ barcode: "A1", quantity: 1 }] }, auth: null });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ exception: "ClientApiAuthenticationException" });
  });

  test("an integrator name that breaks Trendyol's rule is refused before any call", () => {
    let error: unknown;
    try {
      createTrendyolAdapter({ baseUrl: "http://127.0.0.1:1", ...SELLER, integratorName: "Pazar Sync!" });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("MARKETPLACE_CONFIG_INVALID");
  });
});
