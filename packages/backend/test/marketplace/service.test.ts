import { describe, expect, test } from "bun:test";
import { createMarketplaceAdapter } from "../../src/domains/marketplace/service";
import { AppError } from "../../src/infra/errors";
import { sandbox, SELLER, shownQuantities } from "./support";
import { pollUntilComplete } from "./fakes";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : "NOT_AN_APP_ERROR";
  }
  return undefined;
}

describe("marketplace service: an adapter from store settings", () => {
  test("a TRENDYOL store with the sandbox's base URL gets the Trendyol adapter pointed at it", async () => {
    const target = await sandbox();
    const adapter = createMarketplaceAdapter({
      type: "TRENDYOL",
      sellerId: SELLER.sellerId,
      baseUrl: target.url,
      credentials: { apiKey: SELLER.apiKey, apiSecret: SELLER.apiSecret },
    });
    const [receipt] = await adapter.pushStockAndPrice([{ barcode: "S1", quantity: 3 }]);
    if (!receipt) throw new Error("no receipt");
    await pollUntilComplete(adapter, receipt);
    expect(adapter.profile.batchSize).toBe(1000);
    expect(await shownQuantities(target)).toEqual({ S1: 3 });
  });

  test("a store without credentials or base URL is refused with MARKETPLACE_SETTINGS_MISSING", () => {
    expect(codeOf(() => createMarketplaceAdapter({ type: "TRENDYOL", sellerId: "1", baseUrl: null, credentials: undefined }))).toBe(
      "MARKETPLACE_SETTINGS_MISSING",
    );
  });

  test("there is no SANDBOX store type: such a store is refused with MARKETPLACE_NOT_SUPPORTED", () => {
    const settings = { type: "SANDBOX", sellerId: "1", baseUrl: "http://127.0.0.1:4010", credentials: { apiKey: "a", apiSecret: "b" } };
    expect(codeOf(() => createMarketplaceAdapter(settings))).toBe("MARKETPLACE_NOT_SUPPORTED");
  });

  test("a marketplace without an adapter yet is refused with MARKETPLACE_NOT_SUPPORTED", () => {
    const settings = { type: "AMAZON", sellerId: "1", baseUrl: "https://api.n11.com", credentials: { apiKey: "a", apiSecret: "b" } };
    expect(codeOf(() => createMarketplaceAdapter(settings))).toBe("MARKETPLACE_NOT_SUPPORTED");
  });
});
