/**
 * The cross-channel bench's shop, written before the server starts (PGlite has one owner at a
 * time): bench/orders' WEB shop plus one store per marketplace on the same warehouse, each
 * pointed at the bench's sandbox, every product listed on all five. Stores go through the store
 * service so their credentials are sealed with the key the server will get.
 */
import type { MarketplaceName } from "../../packages/backend/src/domains/marketplace/types";
import { type MarketplaceBenchShop, seedMarketplaceShop } from "../sync/latency-shop";

/** One sandbox account per marketplace, as the store's credentials name it (test/support/marketplaces.ts). */
export interface BenchMarketplace {
  type: MarketplaceName;
  account: string;
  key: string;
  secret: string;
  credentials: Record<string, string>;
}

/** Secrets the sandbox's pushes carry, and the stores check. */
export const TRENDYOL_WEBHOOK_KEY = "bench-trendyol-hook";
export const HB_PUSH = { username: "bench-hb-push", password: "bench-hb-push-secret" };

export const MARKETPLACES: readonly BenchMarketplace[] = [
  { type: "TRENDYOL", account: "ty-xc", key: "ty-key", secret: "ty-secret", credentials: { apiKey: "ty-key", apiSecret: "ty-secret", webhookApiKey: TRENDYOL_WEBHOOK_KEY } },
  { type: "HEPSIBURADA", account: "hb-xc", key: "hb-dev", secret: "hb-service", credentials: { serviceKey: "hb-service", developerUsername: "hb-dev" } },
  { type: "N11", account: "n11-xc", key: "n11-key", secret: "n11-secret", credentials: { appKey: "n11-key", appSecret: "n11-secret" } },
  { type: "PAZARAMA", account: "pz-xc", key: "pz-client", secret: "pz-secret", credentials: { clientId: "pz-client", clientSecret: "pz-secret" } },
  { type: "PTTAVM", account: "ptt-xc", key: "ptt-key", secret: "ptt-token", credentials: { apiKey: "ptt-key", accessToken: "ptt-token" } },
];

export type CrossShop = MarketplaceBenchShop;

/** Every marketplace's store; Hepsiburada's push credentials only where the receiver exists (older checkouts keep the pull alone). */
export function seedCrossShop(serverEnv: Record<string, string>, shape: { products: number; stock: number; sandboxUrl: string; hepsiburadaPush: boolean }): Promise<CrossShop> {
  const stores = MARKETPLACES.map((m) => ({
    type: m.type,
    sellerId: m.account,
    credentials: { ...m.credentials, ...(m.type === "HEPSIBURADA" && shape.hepsiburadaPush ? { hbPushUsername: HB_PUSH.username, hbPushPassword: HB_PUSH.password } : {}) },
  }));
  return seedMarketplaceShop(serverEnv, shape, stores);
}
