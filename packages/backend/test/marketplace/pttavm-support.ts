import { afterAll } from "bun:test";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { createPttavmAdapter, type PttavmConfig } from "../../src/domains/marketplace/pttavm/adapter";
import type { SandboxAccountInput } from "../../src/domains/marketplace/sandbox/module";
import type { SandboxOptions } from "../../src/domains/marketplace/sandbox/options";
import { type RunningSandbox, startSandbox } from "../../src/domains/marketplace/sandbox/server";
import type { ApiCall, BatchStatus, SubmissionReceipt } from "../../src/domains/marketplace/types";
import { sleep } from "../support/net";

export const PTT_ACCOUNT: SandboxAccountInput = { account: "shop-77", key: "ptt-key-77", secret: "ptt-token-77" };

const running: RunningSandbox[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.stop()));
});

/** A sandbox of its own with one PttAVM account; results ready at once unless told otherwise. */
export async function pttSandbox(options: SandboxOptions = {}, accounts: SandboxAccountInput[] = [{ ...PTT_ACCOUNT }]): Promise<RunningSandbox> {
  const started = await startSandbox({ resultDelayMs: 0, ...options, accounts: { PTTAVM: accounts } });
  running.push(started);
  return started;
}

/** For adapters whose fetch is canned: nothing listens here. */
export const NOWHERE = { url: "http://127.0.0.1:1" };

export interface SentRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
}

/** An adapter pointed at the sandbox, recording what it sends and the calls it reports. */
export function pttAdapterFor(target: { url: string }, overrides: Partial<PttavmConfig> = {}) {
  const sent: SentRequest[] = [];
  const calls: ApiCall[] = [];
  const recordingFetch = ((input: Request | string | URL, init?: RequestInit) => {
    sent.push({
      method: init?.method ?? "GET",
      url: new URL(String(input)),
      headers: new Headers(init?.headers),
      ...(typeof init?.body === "string" ? { body: init.body } : {}),
    });
    return fetch(input, init);
  }) as typeof fetch;
  const adapter: MarketplaceAdapter = createPttavmAdapter({
    baseUrl: `${target.url}/api/v1`,
    apiKey: PTT_ACCOUNT.key,
    accessToken: PTT_ACCOUNT.secret,
    fetch: recordingFetch,
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

export async function pollPtt(adapter: MarketplaceAdapter, receipt: SubmissionReceipt, deadlineMs = 5_000): Promise<BatchStatus> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await adapter.batchStatus(receipt);
    if (status.complete || Date.now() > until) return status;
    await sleep(25);
  }
}

export function pttItems(count: number, quantity = 5, prefix = "PT") {
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

/** A fetch that answers every call with this status and body, without a server. */
export function cannedFetch(status: number, body: unknown, headers: Record<string, string> = {}): typeof fetch {
  return (async () => new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers })) as unknown as typeof fetch;
}
