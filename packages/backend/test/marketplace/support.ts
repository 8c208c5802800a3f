import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import type { RunningSandbox, SandboxOptions } from "@pazarsync/marketplace-sandbox";
import { createTrendyolAdapter, type TrendyolConfig } from "../../src/domains/marketplace/trendyol/adapter";
import type { ApiCall, StockPriceItem } from "../../src/domains/marketplace/types";
import { numberedItems, ownSandbox } from "./fakes";

export const SELLER = { sellerId: "104500", apiKey: "key-104500", apiSecret: "secret-104500" };

/** A sandbox of its own with one seller; stopped after the file. Results are ready at once unless told otherwise. */
export async function sandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return ownSandbox({ resultDelayMs: 0, sellers: [{ ...SELLER }], ...options });
}

export interface SentBody {
  path: string;
  body: string;
}

/** An adapter pointed at the sandbox, recording the bodies it sends and the calls it reports. */
export function adapterFor(target: RunningSandbox, overrides: Partial<TrendyolConfig> = {}) {
  const sent: SentBody[] = [];
  const calls: ApiCall[] = [];
  const recordBodies = ((input: Request | string | URL, init?: RequestInit) => {
    if (typeof init?.body === "string") sent.push({ path: new URL(String(input)).pathname, body: init.body });
    return fetch(input, init);
  }) as typeof fetch;
  const adapter: MarketplaceAdapter = createTrendyolAdapter({
    baseUrl: target.url,
    ...SELLER,
    fetch: recordBodies,
    timeoutMs: 5_000,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  return { adapter, sent, calls };
}

export function stockItems(count: number, quantity = 5, prefix = "BC"): StockPriceItem[] {
  return numberedItems(count, quantity, prefix);
}

/** Calls the sandbox like a client that ignores the adapter's rules would. */
export function rawTrendyol(target: RunningSandbox, path: string, init: { method?: string; body?: unknown; userAgent?: string | null; auth?: string | null } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const auth = init.auth === undefined ? `${SELLER.apiKey}:${SELLER.apiSecret}` : init.auth;
  if (auth !== null) headers.authorization = `Basic ${Buffer.from(auth).toString("base64")}`;
  const userAgent = init.userAgent === undefined ? `${SELLER.sellerId} - SelfIntegration` : init.userAgent;
  if (userAgent !== null) headers["user-agent"] = userAgent;
  return fetch(`${target.url}${path}`, {
    method: init.method ?? "POST",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

export const inventoryPath = `/integration/inventory/sellers/${SELLER.sellerId}/products/price-and-inventory`;

export async function shownQuantities(target: RunningSandbox, sellerId = SELLER.sellerId): Promise<Record<string, number>> {
  const res = await fetch(`${target.url}/__sandbox/sellers/${sellerId}/quantities`);
  return (await res.json()) as Record<string, number>;
}

