import { afterAll } from "bun:test";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { createHepsiburadaAdapter, type HepsiburadaConfig } from "../../src/domains/marketplace/hepsiburada/adapter";
import type { SandboxAccountInput } from "../../src/domains/marketplace/sandbox/module";
import type { SandboxOptions } from "../../src/domains/marketplace/sandbox/options";
import { type RunningSandbox, startSandbox } from "../../src/domains/marketplace/sandbox/server";
import type { ApiCall, BatchStatus, StockPriceItem, SubmissionReceipt } from "../../src/domains/marketplace/types";
import { sleep } from "../support/net";

/** account = merchant id, key = developer username (the User-Agent), secret = service key. */
export const HB_ACCOUNT: SandboxAccountInput = { account: "hb-merchant-7", key: "pazarsync_dev", secret: "hb-service-key-7" };

const running: RunningSandbox[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.stop()));
});

/** A sandbox of its own with one Hepsiburada account; results ready at once unless told otherwise. */
export async function hbSandbox(options: SandboxOptions = {}, accounts: SandboxAccountInput[] = [{ ...HB_ACCOUNT }]): Promise<RunningSandbox> {
  const started = await startSandbox({ resultDelayMs: 0, ...options, accounts: { HEPSIBURADA: accounts } });
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
    sent.push({ method: init?.method ?? "GET", url: new URL(String(input)), headers: new Headers(init?.headers), ...(typeof init?.body === "string" ? { body: init.body } : {}) });
    return inner(input, init);
  }) as typeof fetch;
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

/** For adapters whose fetch is canned: nothing listens here. */
export const NOWHERE = { url: "http://127.0.0.1:1" };

/** A fetch that answers the calls in turn with these answers; the last repeats. */
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

export async function pollHb(adapter: MarketplaceAdapter, receipt: SubmissionReceipt, deadlineMs = 5_000): Promise<BatchStatus> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await adapter.batchStatus(receipt);
    if (status.complete || Date.now() > until) return status;
    await sleep(25);
  }
}

export function hbItems(count: number, quantity = 5, prefix = "HB"): StockPriceItem[] {
  return Array.from({ length: count }, (_, i) => ({ barcode: `${prefix}${String(i).padStart(6, "0")}`, quantity }));
}

export async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

export const stockUploadsPath = `/listings/merchantid/${HB_ACCOUNT.account}/stock-uploads`;
export const priceUploadsPath = `/listings/merchantid/${HB_ACCOUNT.account}/price-uploads`;
export const ordersPath = `/orders/merchantid/${HB_ACCOUNT.account}`;
