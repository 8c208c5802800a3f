import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { App } from "../../src/app";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";

let t: TestApp;
let served: string[];
let documented: string[];
beforeAll(async () => {
  let app: App | undefined;
  t = await createTestApp({
    label: "owasp-api9",
    extend: (built) => {
      app = built;
      return built;
    },
  });
  if (!app) throw new Error("the app was not built");
  // Elysia's own route table, in OpenAPI's spelling (":id" -> "{id}").
  served = app.routes.map((route) => `${route.method.toUpperCase()} ${route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
  const doc = await bodyOf(await t.request("/swagger/json"));
  documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );
});
afterAll(() => t.close());

/** Served on purpose without being operations of the API: the documentation itself, and CORS preflights. */
const isDocsOrPreflight = (route: string) => /^GET \/swagger(\/json)?$/.test(route) || route.startsWith("OPTIONS ");
/** Operator endpoints live outside the versioned API, as load balancers and Prometheus expect. */
const OPS = ["GET /health/live", "GET /health/ready", "GET /metrics"];

describe("API9:2023 Improper Inventory Management", () => {
  test("every served route is in the OpenAPI document (no shadow endpoints)", () => {
    const undocumented = [...new Set(served)].filter((route) => !isDocsOrPreflight(route) && !documented.includes(route));
    expect(undocumented).toEqual([]);
  });

  test("every documented operation is served (no zombie entries in the document)", () => {
    expect(documented.filter((op) => !served.includes(op))).toEqual([]);
    expect(documented.length).toBeGreaterThan(30);
  });

  test("the API is versioned: every operation but the operator endpoints is under /api/v1/", () => {
    const unversioned = documented.filter((op) => !OPS.includes(op) && !op.split(" ")[1]?.startsWith("/api/v1/"));
    expect(unversioned).toEqual([]);
    expect(documented.filter((op) => OPS.includes(op)).sort()).toEqual([...OPS].sort());
  });

  test("no other version and no unversioned alias answers: /api/v2, /api and /v1 paths are 404", async () => {
    for (const path of ["/api/v2/orders", "/api/orders", "/v1/orders", "/api/v0/auth/me", "/api/v1/internal", "/api/v1/debug"]) {
      const res = await t.request(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  test("the document names its version and the servers' security scheme", async () => {
    const doc = await bodyOf(await t.request("/swagger/json"));
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
