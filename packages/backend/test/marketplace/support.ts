import { afterAll } from "bun:test";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { startSandbox, type RunningSandbox } from "../../src/domains/marketplace/sandbox/server";
import type { SandboxOptions } from "../../src/domains/marketplace/sandbox/options";
import { createTrendyolAdapter, type TrendyolConfig } from "../../src/domains/marketplace/trendyol/adapter";
import type { ApiCall, BatchStatus, StockPriceItem, SubmissionReceipt } from "../../src/domains/marketplace/types";
import { sleep } from "../support/net";

export const SELLER = { sellerId: "104500", apiKey: "key-104500", apiSecret: "secret-104500" };

const running: RunningSandbox[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.stop()));
});

/** A sandbox of its own with one seller; stopped after the file. Results are ready at once unless told otherwise. */
export async function sandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const started = await startSandbox({ resultDelayMs: 0, sellers: [{ ...SELLER }], ...options });
  running.push(started);
  return started;
}

export interface SentBody {
  path: string;
  body: string;
}

/** An adapter pointed at the sandbox, recording the bodies it sends and the calls it reports. */
export function adapterFor(target: RunningSandbox, overrides: Partial<TrendyolConfig> = {}) {
  const sent: SentBody[] = [];
  const calls: ApiCall[] = [];
  const recordingFetch = ((input: Request | string | URL, init?: RequestInit) => {
    if (typeof init?.body === "string") sent.push({ path: new URL(String(input)).pathname, body: init.body });
    return fetch(input, init);
  }) as typeof fetch;
  const adapter: MarketplaceAdapter = createTrendyolAdapter({
    baseUrl: target.url,
    ...SELLER,
    fetch: recordingFetch,
    timeoutMs: 5_000,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  return { adapter, sent, calls };
}

export function stockItems(count: number, quantity = 5, prefix = "BC"): StockPriceItem[] {
  return Array.from({ length: count }, (_, i) => ({ barcode: `${prefix}${String(i).padStart(6, "0")}`, quantity }));
}

/** Polls like the engine will (without blocking a request): until complete or the deadline. */
export async function pollUntilComplete(adapter: MarketplaceAdapter, receipt: SubmissionReceipt, deadlineMs = 5_000): Promise<BatchStatus> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await adapter.batchStatus(receipt);
    if (status.complete || Date.now() > until) return status;
    await sleep(25);
  }
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

/** Runs `fn` and returns what it threw (the test fails when nothing is thrown). */
export async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}
