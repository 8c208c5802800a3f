import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";

// Behind nginx, X-Instance says which replica answered (the topology test tells replicas apart by it).
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "instance" });
});
afterAll(() => t.close());

describe("X-Instance", () => {
  test("every answer of one process names the same short opaque instance", async () => {
    const [a, b] = await Promise.all([t.request("/health/live"), t.request("/health/ready")]);
    const instance = a.headers.get("x-instance");
    expect(instance).toMatch(/^[0-9a-f]{8}$/);
    expect(b.headers.get("x-instance")).toBe(instance);
  });

  test("error answers carry it too", async () => {
    const res = await t.request("/no-such-route");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-instance")).toMatch(/^[0-9a-f]{8}$/);
  });
});
