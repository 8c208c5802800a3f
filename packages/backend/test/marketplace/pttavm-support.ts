import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { createPttavmAdapter, type PttavmConfig } from "../../src/domains/marketplace/pttavm/adapter";
import type { SandboxAccountInput, SandboxOptions, RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { ApiCall, StockPriceItem } from "../../src/domains/marketplace/types";
import { numberedItems, ownSandbox, recordingFetch, type SentRequest } from "./fakes";

export const PTT_ACCOUNT: SandboxAccountInput = { account: "shop-77", key: "ptt-key-77", secret: "ptt-token-77" };

/** A sandbox of its own with one PttAVM account; results ready at once unless told otherwise. */
export async function pttSandbox(options: SandboxOptions = {}, accounts: SandboxAccountInput[] = [{ ...PTT_ACCOUNT }]): Promise<RunningSandbox> {
  return ownSandbox({ resultDelayMs: 0, ...options, accounts: { PTTAVM: accounts } });
}

/** An adapter pointed at the sandbox, recording what it sends and the calls it reports. */
export function pttAdapterFor(target: { url: string }, overrides: Partial<PttavmConfig> = {}) {
  const sent: SentRequest[] = [];
  const calls: ApiCall[] = [];
  const adapter: MarketplaceAdapter = createPttavmAdapter({
    baseUrl: `${target.url}/api/v1`,
    apiKey: PTT_ACCOUNT.key,
    accessToken: PTT_ACCOUNT.secret,
    fetch: recordingFetch(sent),
    timeoutMs: 5_000,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  return { adapter, sent, calls };
}

/** Calls the sandbox like a client that ignores the adapter's rules would. */
export function rawPtt(
  target: RunningSandbox,
  path: string,
  init: { method?: string; body?: unknown; rawBody?: string; apiKey?: string | null; token?: string | null; correlationId?: string | null } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const apiKey = init.apiKey === undefined ? PTT_ACCOUNT.key : init.apiKey;
  const token = init.token === undefined ? PTT_ACCOUNT.secret : init.token;
  const correlationId = init.correlationId === undefined ? crypto.randomUUID() : init.correlationId;
  if (apiKey !== null) headers["Api-Key"] = apiKey;
  if (token !== null) headers["access-token"] = token;
  if (correlationId !== null) headers["X-Correlation-Id"] = correlationId;
  return fetch(`${target.url}/api/v1${path}`, {
    method: init.method ?? "POST",
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
}

export async function shownBy(target: RunningSandbox, account = PTT_ACCOUNT.account) {
  const res = await fetch(`${target.url}/__sandbox/marketplaces/pttavm/${account}/shown`);
  return (await res.json()) as { quantities: Record<string, number>; prices: Record<string, Record<string, number>> };
}

export function pttItems(count: number, quantity = 5, prefix = "PT"): StockPriceItem[] {
  return numberedItems(count, quantity, prefix);
}

