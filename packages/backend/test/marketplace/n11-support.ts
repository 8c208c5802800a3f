import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { createN11Adapter, type N11Config } from "../../src/domains/marketplace/n11/adapter";
import type { SandboxAccountInput, SandboxOptions, RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { ApiCall, StockPriceItem } from "../../src/domains/marketplace/types";
import { numberedItems, ownSandbox, recordingFetch, type SentRequest } from "./fakes";

export const N11_ACCOUNT: SandboxAccountInput = { account: "n11-shop-5", key: "n11-app-key-5", secret: "n11-app-secret-5" };

/** A sandbox of its own with one N11 account; results ready at once unless told otherwise. */
export async function n11Sandbox(options: SandboxOptions = {}, accounts: SandboxAccountInput[] = [{ ...N11_ACCOUNT }]): Promise<RunningSandbox> {
  return ownSandbox({ resultDelayMs: 0, ...options, accounts: { N11: accounts } });
}

/** An adapter pointed at the sandbox (or a canned fetch), recording what it sends and the calls it reports. */
export function n11AdapterFor(target: { url: string }, overrides: Partial<N11Config> = {}, inner: typeof fetch = fetch) {
  const sent: SentRequest[] = [];
  const calls: ApiCall[] = [];
  const adapter: MarketplaceAdapter = createN11Adapter({
    baseUrl: target.url,
    appKey: N11_ACCOUNT.key,
    appSecret: N11_ACCOUNT.secret,
    fetch: recordingFetch(sent, inner),
    timeoutMs: 5_000,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  return { adapter, sent, calls };
}

/** Calls the sandbox like a client that ignores the adapter's rules would. */
export function rawN11(target: RunningSandbox, path: string, init: { method?: string; body?: unknown; rawBody?: string; appKey?: string | null; appSecret?: string | null } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const appKey = init.appKey === undefined ? N11_ACCOUNT.key : init.appKey;
  const appSecret = init.appSecret === undefined ? N11_ACCOUNT.secret : init.appSecret;
  if (appKey !== null) headers.appkey = appKey;
  if (appSecret !== null) headers.appsecret = appSecret;
  return fetch(`${target.url}${path}`, {
    method: init.method ?? "POST",
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
}

export async function shownBy(target: RunningSandbox, account = N11_ACCOUNT.account) {
  const res = await fetch(`${target.url}/__sandbox/marketplaces/n11/${account}/shown`);
  return (await res.json()) as { quantities: Record<string, number>; prices: Record<string, Record<string, number>> };
}

export function n11Items(count: number, quantity = 5, prefix = "NS"): StockPriceItem[] {
  return numberedItems(count, quantity, prefix);
}

export function skusOf(body: string | undefined): { stockCode: string; quantity?: number; listPrice?: string; salePrice?: string; currencyType?: string }[] {
  return (JSON.parse(body ?? "{}") as { payload: { skus: [] } }).payload.skus;
}

export const priceStockPath = "/ms/product/tasks/price-stock-update";
export const taskDetailsPath = "/ms/product/task-details/page-query";
export const packagesPath = "/rest/delivery/v1/shipmentPackages";
