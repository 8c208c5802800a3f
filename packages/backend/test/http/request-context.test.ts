import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "reqctx" });
});
afterAll(() => t.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("request id", () => {
  test("a sane X-Request-Id is echoed back", async () => {
    const res = await t.request("/health/live", { headers: { "x-request-id": "mobile-1234.abc" } });
    expect(res.headers.get("x-request-id")).toBe("mobile-1234.abc");
  });

  test("a missing id is generated", async () => {
    const res = await t.request("/health/live");
    expect(res.headers.get("x-request-id")).toMatch(UUID);
  });

  test("an insane id is replaced, not echoed", async () => {
    const res = await t.request("/health/live", { headers: { "x-request-id": "bad id <script>" } });
    expect(res.headers.get("x-request-id")).toMatch(UUID);
  });

  test("error responses carry the request id too", async () => {
    const res = await t.request("/nope", { headers: { "x-request-id": "trace-404" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("trace-404");
  });

  test("two requests get different ids", async () => {
    const [a, b] = await Promise.all([t.request("/health/live"), t.request("/health/live")]);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});
