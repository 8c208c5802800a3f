/**
 * Test doubles every marketplace's contract tests use: a fetch that records what goes out, one
 * that answers from a script, a sandbox stopped after the file, and the poll loop the engine
 * runs. The per-marketplace *-support.ts files hold only what is that marketplace's own.
 */
import { afterAll } from "bun:test";
import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { type SandboxOptions, type RunningSandbox, startSandbox } from "@pazarsync/marketplace-sandbox";
import type { BatchStatus, StockPriceItem, SubmissionReceipt } from "../../src/domains/marketplace/types";
import { sleep } from "../support/net";

const running: RunningSandbox[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.stop()));
});

/** A sandbox of the test file's own, stopped after the file. */
export async function ownSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const started = await startSandbox(options);
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

export interface CannedAnswer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A fetch without a server that answers the calls in turn with these answers; the last repeats. */
export function cannedFetch(...answers: CannedAnswer[]): typeof fetch {
  let index = 0;
  return (async () => {
    const answer = answers[Math.min(index, answers.length - 1)];
    index += 1;
    const body = answer?.body;
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status: answer?.status ?? 200, headers: answer?.headers ?? {} });
  }) as unknown as typeof fetch;
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

/** Polls like the engine will (without blocking a request): until complete or the deadline. */
export async function pollUntilComplete(adapter: MarketplaceAdapter, receipt: SubmissionReceipt, deadlineMs = 5_000): Promise<BatchStatus> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await adapter.batchStatus(receipt);
    if (status.complete || Date.now() > until) return status;
    await sleep(25);
  }
}

/** `count` stock-only items with numbered barcodes (`prefix` + six digits). */
export function numberedItems(count: number, quantity: number, prefix: string): StockPriceItem[] {
  return Array.from({ length: count }, (_, i) => ({ barcode: `${prefix}${String(i).padStart(6, "0")}`, quantity }));
}
