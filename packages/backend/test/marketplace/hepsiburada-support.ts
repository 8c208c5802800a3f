import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { createHepsiburadaAdapter, type HepsiburadaConfig } from "../../src/domains/marketplace/hepsiburada/adapter";
import type { SandboxAccountInput, SandboxOptions, RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { ApiCall, StockPriceItem } from "../../src/domains/marketplace/types";
import { numberedItems, ownSandbox, recordingFetch, type SentRequest } from "./fakes";

/** account = merchant id, key = developer username (the User-Agent), secret = service key. */
export const HB_ACCOUNT: SandboxAccountInput = { account: "hb-merchant-7", key: "pazarsync_dev", secret: "hb-service-key-7" };

/** A sandbox of its own with one Hepsiburada account; results ready at once unless told otherwise. */
export async function hbSandbox(options: SandboxOptions = {}, accounts: SandboxAccountInput[] = [{ ...HB_ACCOUNT }]): Promise<RunningSandbox> {
  return ownSandbox({ resultDelayMs: 0, ...options, accounts: { HEPSIBURADA: accounts } });
}

/** An adapter pointed at the sandbox (both hosts) or a canned fetch, recording what it sends and the calls it reports. */
export function hbAdapterFor(target: { url: string }, overrides: Partial<HepsiburadaConfig> = {}, inner: typeof fetch = fetch) {
  const sent: SentRequest[] = [];
  const calls: ApiCall[] = [];
  const adapter: MarketplaceAdapter = createHepsiburadaAdapter({
    listingBaseUrl: target.url,
    ordersBaseUrl: target.url,
    merchantId: HB_ACCOUNT.account,
    serviceKey: HB_ACCOUNT.secret,
    developerUsername: HB_ACCOUNT.key,
    fetch: recordingFetch(sent, inner),
    timeoutMs: 5_000,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  return { adapter, sent, calls };
}

/** Calls the sandbox like a client that ignores the adapter's rules would. */
export function rawHb(
  target: RunningSandbox,
  path: string,
  init: { method?: string; body?: unknown; user?: string; password?: string; userAgent?: string; auth?: string | null } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": init.userAgent ?? HB_ACCOUNT.key };
  const auth = init.auth === undefined ? `${init.user ?? HB_ACCOUNT.account}:${init.password ?? HB_ACCOUNT.secret}` : init.auth;
  if (auth !== null) headers.authorization = `Basic ${Buffer.from(auth).toString("base64")}`;
  return fetch(`${target.url}${path}`, { method: init.method ?? "POST", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

export async function hbShown(target: RunningSandbox, account = HB_ACCOUNT.account) {
  const res = await fetch(`${target.url}/__sandbox/marketplaces/hepsiburada/${account}/shown`);
  return (await res.json()) as { quantities: Record<string, number>; prices: Record<string, { price: number }> };
}

export function hbItems(count: number, quantity = 5, prefix = "HB"): StockPriceItem[] {
  return numberedItems(count, quantity, prefix);
}

export const stockUploadsPath = `/listings/merchantid/${HB_ACCOUNT.account}/stock-uploads`;
export const priceUploadsPath = `/listings/merchantid/${HB_ACCOUNT.account}/price-uploads`;
export const ordersPath = `/orders/merchantid/${HB_ACCOUNT.account}`;
