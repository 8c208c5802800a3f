import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { waitUntil } from "../support/wait";

const LIMIT = 1024;
const TIMEOUT_MS = 300;
// What the slow route did, to prove work outlives the 503 (the handler is not killed).
const finished: string[] = [];
// The slow route runs until the test releases its id, so the timeout always fires first.
const releases = new Map<string, PromiseWithResolvers<void>>();
const releaseOf = (id: string) => {
  const release = releases.get(id) ?? Promise.withResolvers<void>();
  releases.set(id, release);
  return release;
};

let t: TestApp;
let base: string;
let stopServer: () => void;

beforeAll(async () => {
  t = await createTestApp({
    label: "sec_body_timeout",
    env: { BODY_LIMIT_BYTES: String(LIMIT), REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) },
    extend: (app) =>
      app
        .get("/__test/slow", async ({ query }) => {
          await releaseOf(String(query.id)).promise;
          finished.push(String(query.id));
          return { done: true };
        })
        .get("/__test/quick", () => ({ done: true }))
        .post("/__test/echo", ({ body }) => ({ received: JSON.stringify(body).length })),
  });
  // The same app on a real socket: Bun's system router and request bodies as clients send them.
  const server = (t.app as unknown as { listen(o: { port: number; hostname: string }): { server: { port: number } | null; stop(): void } }).listen({
    port: 0,
    hostname: "127.0.0.1",
  });
  base = `http://127.0.0.1:${server.server?.port}`;
  stopServer = () => server.stop();
});
afterAll(async () => {
  for (const release of releases.values()) release.resolve();
  stopServer();
  await t.close();
});

const login = (body: string, headers: Record<string, string> = {}) =>
  t.request("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

/** A JSON login body padded to `size` bytes. */
function loginBody(size: number): string {
  const shell = JSON.stringify({ email: "nobody@example.com", password: "" });
  return JSON.stringify({ email: "nobody@example.com", password: "p".repeat(Math.max(0, size - shell.length)) });
}

function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 256) controller.enqueue(bytes.slice(i, i + 256));
      controller.close();
    },
  });
}

async function expectTooLarge(res: Response): Promise<void> {
  expect(res.status).toBe(413);
  const body = await bodyOf(res);
  expect(body.error).toEqual({ code: "PAYLOAD_TOO_LARGE", message: expect.any(String), details: { limitBytes: LIMIT } });
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
}

describe("API4:2023 Unrestricted Resource Consumption — request body limit", () => {
  test("a body over the limit is refused 413 PAYLOAD_TOO_LARGE from its Content-Length, before it is read", async () => {
    await expectTooLarge(await login(loginBody(LIMIT + 1)));
  });

  test("a chunked body (no Content-Length) is refused 413 once it passes the limit while being read", async () => {
    await expectTooLarge(
      await t.request("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: chunked(loginBody(LIMIT * 3)), duplex: "half" } as RequestInit),
    );
  });

  test("bodies within the limit lose nothing, chunked or not: every byte reaches the handler", async () => {
    const exact = JSON.stringify({ pad: "x".repeat(LIMIT - 10) });
    expect(exact.length).toBe(LIMIT);
    const declared = await t.request("/__test/echo", { method: "POST", headers: { "content-type": "application/json" }, body: exact });
    expect(await bodyOf(declared)).toEqual({ received: LIMIT });
    const streamed = await t.request("/__test/echo", { method: "POST", headers: { "content-type": "application/json" }, body: chunked(exact), duplex: "half" } as RequestInit);
    expect(await bodyOf(streamed)).toEqual({ received: LIMIT });
    // A streamed body still meets the route's schema and the usual parse errors.
    const validated = await t.request("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: chunked(loginBody(200)), duplex: "half" } as RequestInit);
    expect((await bodyOf(validated)).error.code).toBe("INVALID_CREDENTIALS");
    const broken = await t.request("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: chunked("{not json"), duplex: "half" } as RequestInit);
    expect(broken.status).toBe(400);
    expect((await bodyOf(broken)).error.code).toBe("MALFORMED_BODY");
  });

  test("over a real socket the refusal is the same envelope, whether the client declares the length or streams", async () => {
    await expectTooLarge(await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: loginBody(LIMIT * 2) }));
    await expectTooLarge(
      await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: chunked(loginBody(LIMIT * 2)), duplex: "half" } as RequestInit),
    );
    const fine = await fetch(`${base}/__test/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(LIMIT - 10) }) });
    expect(await bodyOf(fine)).toEqual({ received: LIMIT });
  });
});

describe("API4:2023 Unrestricted Resource Consumption — per-request timeout", () => {
  test("a request running past REQUEST_TIMEOUT_MS is answered 503 REQUEST_TIMEOUT with the envelope; the handler still finishes", async () => {
    const res = await t.request("/__test/slow?id=one", { headers: { "x-request-id": "slow-1" } });
    expect(res.status).toBe(503);
    expect(await bodyOf(res)).toEqual({ error: { code: "REQUEST_TIMEOUT", message: expect.any(String), details: { timeoutMs: TIMEOUT_MS } } });
    expect(res.headers.get("x-request-id")).toBe("slow-1");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("vary")).toBe("Origin");
    expect(finished).not.toContain("one");
    releaseOf("one").resolve();
    await waitUntil(() => finished.includes("one"), { what: "the slow handler to finish" });
  });

  test("over a real socket too, and quick requests are untouched", async () => {
    const res = await fetch(`${base}/__test/slow?id=two`);
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).error.code).toBe("REQUEST_TIMEOUT");
    const quick = await fetch(`${base}/__test/quick`);
    expect(quick.status).toBe(200);
    expect(await quick.json()).toEqual({ done: true });
  });
});
