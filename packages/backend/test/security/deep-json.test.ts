/**
 * API4:2023 Unrestricted Resource Consumption through the shape of a body rather than its size:
 * a body nested tens of thousands of levels deep (small enough to pass the body limit) and a
 * flat array of hundreds of thousands of elements. Both must be refused with a 4xx while the
 * server keeps answering everyone else.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { customer } from "../support/identity";

const DEEP = 40_000;
/** 80 KB: far below the 1 MB body limit, deep enough to overflow any recursive walk. */
const deepArray = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const deepLogin = (depth: number) => `{"email":"deep@example.com","password":${deepArray(depth)}}`;

let t: TestApp;
let base: string;
let stopServer: () => void;
let accessToken: string;

beforeAll(async () => {
  t = await createTestApp({
    label: "sec_deep_json",
    extend: (app) => app.post("/__test/echo", ({ body }) => ({ received: JSON.stringify(body).length })),
  });
  const server = (t.app as unknown as { listen(o: { port: number; hostname: string }): { server: { port: number } | null; stop(): void } }).listen({
    port: 0,
    hostname: "127.0.0.1",
  });
  base = `http://127.0.0.1:${server.server?.port}`;
  stopServer = () => server.stop();
  accessToken = (await customer(t)).tokens.accessToken;
});
afterAll(async () => {
  stopServer();
  await t.close();
});

const post = (path: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, duplex: "half" } as RequestInit);

async function expectTooDeep(res: Response): Promise<void> {
  const body = await bodyOf(res);
  expect({ status: res.status, code: body.error?.code }).toEqual({ status: 422, code: "BODY_TOO_DEEP" });
  expect(body.error.details).toEqual({ maxDepth: 64 });
}

function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096));
      controller.close();
    },
  });
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;

describe("deeply nested JSON", () => {
  test("an anonymous body nested 40,000 levels deep is refused 422 BODY_TOO_DEEP on login, register and refresh", async () => {
    await expectTooDeep(await post("/api/v1/auth/login", deepLogin(DEEP)));
    await expectTooDeep(await post("/api/v1/auth/register", deepLogin(DEEP)));
    await expectTooDeep(await post("/api/v1/auth/refresh", `{"refreshToken":${deepArray(DEEP)}}`));
    // The whole body may be the nesting; object nesting counts like array nesting.
    await expectTooDeep(await post("/api/v1/auth/login", deepArray(DEEP)));
    await expectTooDeep(await post("/api/v1/auth/login", `${'{"a":'.repeat(DEEP)}1${"}".repeat(DEEP)}`));
  });

  test("a customer's deeply nested order body is refused 422 BODY_TOO_DEEP on an authenticated route", async () => {
    await expectTooDeep(await post("/api/v1/orders", `{"storeId":"x","items":${deepArray(DEEP)}}`, { authorization: `Bearer ${accessToken}` }));
  });

  test("a deeply nested body streamed without Content-Length is refused the same way", async () => {
    await expectTooDeep(await post("/api/v1/auth/login", chunked(deepLogin(DEEP))));
  });

  test("65 levels are refused and 64 are parsed; brackets inside strings do not count", async () => {
    await expectTooDeep(await post("/__test/echo", deepArray(65)));
    const fine = await post("/__test/echo", deepArray(64));
    expect(await bodyOf(fine)).toEqual({ received: 128 });
    const bracketsInText = JSON.stringify({ email: "deep@example.com", password: `${"[{".repeat(100)}\\"` });
    const login = await post("/api/v1/auth/login", bracketsInText);
    expect((await bodyOf(login)).error.code).toBe("INVALID_CREDENTIALS");
  });

  test("twenty deeply nested bodies at once do not stall /health/live", async () => {
    const latencies: number[] = [];
    let attacking = true;
    const probe = (async () => {
      while (attacking) {
        const started = performance.now();
        await fetch(`${base}/health/live`);
        latencies.push(performance.now() - started);
        await Bun.sleep(5);
      }
    })();
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post("/api/v1/auth/login", deepLogin(DEEP))));
    const took = performance.now() - started;
    attacking = false;
    await probe;
    process.stdout.write(
      `deep bodies: 20 refused in ${took.toFixed(0)} ms; /health/live meanwhile p50 ${percentile(latencies, 0.5).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms over ${latencies.length} probes\n`,
    );
    for (const res of answers) await expectTooDeep(res);
    // Before the depth check each body overflowed the stack in validation and the probe waited
    // behind all twenty; a linear scan of 80 KB takes well under a millisecond, so a second is
    // slack for a busy shared machine.
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});

describe("huge flat arrays", () => {
  test.each([
    ["numbers", "1"],
    ["empty objects", "{}"],
  ])("an order with 200,000 items that are %s (under the body limit) is refused with a 4xx, not a 5xx, and the loop keeps answering", async (_kind, item) => {
    const items = `[${Array.from({ length: 200_000 }, () => item).join(",")}]`;
    expect(items.length).toBeLessThan(1_048_576);
    const started = performance.now();
    const res = await post("/api/v1/orders", `{"storeId":"00000000-0000-4000-8000-000000000000","items":${items}}`, {
      authorization: `Bearer ${accessToken}`,
    });
    const took = performance.now() - started;
    const body = await bodyOf(res);
    process.stdout.write(`flat array of 200,000 ${_kind}: ${res.status} ${body.error?.code} in ${took.toFixed(0)} ms\n`);
    expect(res.status).toBe(422);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    // One problem per refused array, not one per element: the answer stays small.
    expect(JSON.stringify(body).length).toBeLessThan(10_000);
    const health = await fetch(`${base}/health/live`);
    expect(health.status).toBe(200);
  });
});
