import { afterAll } from "bun:test";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { createN11Adapter, type N11Config } from "../../src/domains/marketplace/n11/adapter";
import type { SandboxAccountInput } from "../../src/domains/marketplace/sandbox/module";
import type { SandboxOptions } from "../../src/domains/marketplace/sandbox/options";
import { type RunningSandbox, startSandbox } from "../../src/domains/marketplace/sandbox/server";
import type { ApiCall, BatchStatus, StockPriceItem, SubmissionReceipt } from "../../src/domains/marketplace/types";
import { sleep } from "../support/net";

export const N11_ACCOUNT: SandboxAccountInput = { account: "n11-shop-5", key: "n11-app-key-5", secret: "n11-app-secret-5" };

const running: RunningSandbox[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.stop()));
});

/** A sandbox of its own with one N11 account; results ready at once unless told otherwise. */
export async function n11Sandbox(options: SandboxOptions = {}, accounts: SandboxAccountInput[] = [{ ...N11_ACCOUNT }]): Promise<RunningSandbox> {
  const started = await startSandbox({ resultDelayMs: 0, ...options, accounts: { N11: accounts } });
  running.push(started);
  return started;
}

export interface SentRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
}

/** Records what goes out, then hands the call to `inner` (the real fetch by default). */
export function recordingFetch(sent: SentRequest[], inner: typeof fetch = fetch): typeof fetch {
  return ((input: Request | string | URL, init?: RequestInit) => {
    sent.push({
      method: init?.method ?? "GET",
      url: new URL(String(input)),
      headers: new Headers(init?.headers),
      ...(typeof init?.body === "string" ? { body: init.body } : {}),
    });
    return inner(input, init);
  }) as typeof fetch;
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

/** For adapters whose fetch is canned: nothing listens here. */
export const NOWHERE = { url: "http://127.0.0.1:1" };

/** A fetch that answers the calls in turn with these (status, body) pairs; the last repeats. */
export function cannedFetch(...answers: { status?: number; body: unknown; headers?: Record<string, string> }[]): typeof fetch {
  let index = 0;
  return (async () => {
    const answer = answers[Math.min(index, answers.length - 1)];
    index += 1;
    const body = answer?.body;
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status: answer?.status ?? 200, headers: answer?.headers ?? {} });
  }) as unknown as typeof fetch;
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

export async function pollN11(adapter: MarketplaceAdapter, receipt: SubmissionReceipt, deadlineMs = 5_000): Promise<BatchStatus> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await adapter.batchStatus(receipt);
    if (status.complete || Date.now() > until) return status;
    await sleep(25);
  }
}

export function n11Items(count: number, quantity = 5, prefix = "NS"): StockPriceItem[] {
  return Array.from({ length: count }, (_, i) => ({ barcode: `${prefix}${String(i).padStart(6, "0")}`, quantity }));
}

export function skusOf(body: string | undefined): { stockCode: string; quantity?: number; listPrice?: string; salePrice?: string; currencyType?: string }[] {
  return (JSON.parse(body ?? "{}") as { payload: { skus: [] } }).payload.skus;
}

export async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

export const priceStockPath = "/ms/product/tasks/price-stock-update";
export const taskDetailsPath = "/ms/product/task-details/page-query";
export const packagesPath = "/rest/delivery/v1/shipmentPackages";
