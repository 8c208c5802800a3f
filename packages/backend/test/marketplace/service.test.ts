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
  test("a SANDBOX store gets the Trendyol adapter pointed at its base URL", async () => {
    const target = await sandbox();
    const adapter = createMarketplaceAdapter({
      type: "SANDBOX",
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

  test("a marketplace without an adapter yet is refused with MARKETPLACE_NOT_SUPPORTED", () => {
    const settings = { type: "AMAZON", sellerId: "1", baseUrl: "https://api.n11.com", credentials: { apiKey: "a", apiSecret: "b" } };
    expect(codeOf(() => createMarketplaceAdapter(settings))).toBe("MARKETPLACE_NOT_SUPPORTED");
  });
});
