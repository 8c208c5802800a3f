import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { admin, customer, staff } from "../support/identity";
import { call, randomId } from "./support";

/**
 * The least role each route admits. Every operation in /swagger/json must be listed: a new route
 * fails this test until someone decides who may call it.
 *   public  — anyone;  user — any signed-in account;  staff — staff or admin;  admin — admins only;
 *   webhook — a marketplace's own credentials, never our bearer tokens.
 */
type MinRole = "public" | "user" | "staff" | "admin" | "webhook";
const ROUTES: Record<string, MinRole> = {
  "GET /health/live": "public",
  "GET /health/ready": "public",
  "GET /metrics": "public",
  "POST /api/v1/auth/register": "public",
  "POST /api/v1/auth/login": "public",
  "POST /api/v1/auth/refresh": "public",
  "POST /api/v1/auth/logout": "user",
  "GET /api/v1/auth/me": "user",
  "GET /api/v1/auth/sessions": "user",
  "DELETE /api/v1/auth/sessions/{id}": "user",
  "POST /api/v1/admin/users": "admin",
  "GET /api/v1/admin/email-lookalikes": "admin",
  "POST /api/v1/catalog/products": "staff",
  "GET /api/v1/catalog/products": "user",
  "GET /api/v1/catalog/products/{id}": "user",
  "PATCH /api/v1/catalog/products/{id}": "staff",
  "POST /api/v1/stores": "admin",
  "GET /api/v1/stores": "staff",
  "GET /api/v1/stores/{id}": "staff",
  "PATCH /api/v1/stores/{id}": "admin",
  "GET /api/v1/stores/{id}/listings": "staff",
  "PUT /api/v1/stores/{id}/listings/{productId}": "staff",
  "POST /api/v1/stores/{id}/listings/import": "staff",
  "GET /api/v1/stores/{id}/listings/imports/{jobId}/rows": "staff",
  "GET /api/v1/jobs": "staff",
  "GET /api/v1/jobs/{id}": "staff",
  "POST /api/v1/stores/{id}/listings/bulk": "staff",
  "POST /api/v1/stores/{id}/listings/drift-check": "staff",
  "POST /api/v1/inventory/warehouses": "staff",
  "GET /api/v1/inventory/warehouses": "staff",
  "POST /api/v1/inventory/warehouses/{id}/shelves": "staff",
  "GET /api/v1/inventory/warehouses/{id}/shelves": "staff",
  "POST /api/v1/inventory/shelves/{id}/stock": "staff",
  "GET /api/v1/inventory/products/{id}/stock": "staff",
  "GET /api/v1/inventory/products/{id}/movements": "staff",
  "POST /api/v1/inventory/products/{id}/quarantine": "staff",
  "GET /api/v1/inventory/invariants": "staff",
  "POST /api/v1/inventory/invariants/repair": "admin",
  "POST /api/v1/orders": "user",
  "GET /api/v1/orders": "user",
  "GET /api/v1/orders/{id}": "user",
  "POST /api/v1/orders/{id}/confirm": "staff",
  "POST /api/v1/orders/{id}/cancel": "user",
  "POST /api/v1/orders/{id}/ship": "staff",
  "POST /api/v1/orders/{id}/pick": "staff",
  "POST /api/v1/orders/{id}/invoice": "staff",
  "POST /api/v1/orders/{id}/unsupply": "staff",
  "GET /api/v1/orders/{id}/label": "staff",
  "GET /api/v1/order-commands": "staff",
  "POST /api/v1/order-commands/{id}/retry": "staff",
  "POST /api/v1/orders/{id}/deliver": "staff",
  "POST /api/v1/orders/{id}/return": "staff",
  "POST /api/v1/orders/{id}/lines/{lineId}/map": "staff",
  "GET /api/v1/fulfilment/picklist": "staff",
  "GET /api/v1/returns": "staff",
  "POST /api/v1/returns": "staff",
  "GET /api/v1/returns/{id}": "staff",
  "POST /api/v1/returns/{id}/receive": "staff",
  "POST /api/v1/returns/{id}/approve": "staff",
  "POST /api/v1/returns/{id}/reject": "staff",
  "POST /api/v1/marketplace/webhooks/trendyol/{storeId}": "webhook",
  "POST /api/v1/marketplace/webhooks/shipment-packages/{storeId}": "webhook",
  "POST /api/v1/marketplace/webhooks/hepsiburada/{storeId}/orders": "webhook",
  "PUT /api/v1/marketplace/webhooks/hepsiburada/{storeId}/lineitems/{lineItemId}/cancel": "webhook",
  "GET /api/v1/stock-sync/status": "staff",
  "POST /api/v1/stock-sync/stores/{id}/flush": "staff",
  "POST /api/v1/stock-sync/dead-letters/{id}/retry": "staff",
};

type Caller = "anonymous" | "customer" | "staff" | "admin";
const CALLERS: Caller[] = ["anonymous", "customer", "staff", "admin"];
const RANK: Record<Caller, number> = { anonymous: 0, customer: 1, staff: 2, admin: 3 };
const NEEDED: Record<Exclude<MinRole, "webhook">, number> = { public: 0, user: 1, staff: 2, admin: 3 };

let t: TestApp;
let operations: { op: string; method: string; path: string; security: unknown }[];
type Role = Exclude<Caller, "anonymous">;
let fresh: Record<Role, () => Promise<string>>;
let kept: Record<Role, string>;
/** Logout ends the session it is called with: it gets a fresh login, every other route the kept one. */
const ENDS_SESSION = new Set(["POST /api/v1/auth/logout"]);
const tokenFor = async (role: Role, op: string) => (ENDS_SESSION.has(op) ? fresh[role]() : kept[role]);
beforeAll(async () => {
  // Many accounts come from one test address: the sign-up limit per IP is lifted for this file.
  t = await createTestApp({ label: "owasp-api5", env: { AUTH_ATTEMPTS_PER_IP: "100000" } });
  const doc = await bodyOf(await t.request("/swagger/json"));
  operations = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ op: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, security: op.security })),
  );
  fresh = {
    customer: async () => (await customer(t)).tokens.accessToken,
    staff: async () => (await staff(t)).tokens.accessToken,
    admin: async () => (await admin(t)).tokens.accessToken,
  };
  kept = { customer: await fresh.customer(), staff: await fresh.staff(), admin: await fresh.admin() };
});
afterAll(() => t.close());

/** What the caller got: refused for identity (401), for role (403), or let through (anything else). */
function verdict(status: number): "401" | "403" | "through" {
  return status === 401 ? "401" : status === 403 ? "403" : "through";
}

function expected(minRole: MinRole, caller: Caller): "401" | "403" | "through" {
  if (minRole === "webhook") return "401";
  if (RANK[caller] >= NEEDED[minRole]) return "through";
  return caller === "anonymous" ? "401" : "403";
}

describe("API5:2023 Broken Function Level Authorization — every route against every role", () => {
  test("every operation in the OpenAPI document is classified here, and nothing classified is missing from it", () => {
    const documented = operations.map((o) => o.op);
    expect(documented.filter((op) => !(op in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((op) => !documented.includes(op))).toEqual([]);
  });

  test("the OpenAPI document marks exactly the token-protected routes with bearer security", () => {
    for (const { op, security } of operations) {
      const role = ROUTES[op];
      const bearer = JSON.stringify(security ?? []).includes("bearerAuth");
      expect({ op, bearer }).toEqual({ op, bearer: role === "user" || role === "staff" || role === "admin" });
    }
  });

  test("no token, a customer, staff and an admin each get exactly what the route's least role allows", async () => {
    const mismatches: string[] = [];
    for (const { op, method, path } of operations) {
      const minRole = ROUTES[op];
      if (!minRole) continue;
      const url = path.replace(/\{[^}]+\}/g, () => randomId());
      for (const caller of CALLERS) {
        const token = caller === "anonymous" ? undefined : await tokenFor(caller, op);
        // A JSON body on writes, so a refusal cannot come from a missing body; it may still be invalid (422).
        const res = await call(t, method, url, token, method === "GET" || method === "DELETE" ? undefined : {});
        const got = verdict(res.status);
        const want = expected(minRole, caller);
        if (got !== want) mismatches.push(`${op} as ${caller}: ${res.status}, expected ${want}`);
        if (want === "401" && minRole === "webhook") {
          const code = (await bodyOf(res)).error?.code;
          if (code !== "WEBHOOK_UNAUTHORISED") mismatches.push(`${op} as ${caller}: code ${code}`);
        }
        if (res.status >= 500) mismatches.push(`${op} as ${caller}: ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test("a refusal for identity or role comes before validation: an anonymous caller learns no body rules (401, never 422)", async () => {
    for (const { op, method, path } of operations) {
      const minRole = ROUTES[op];
      if (minRole !== "staff" && minRole !== "admin") continue;
      const url = path.replace(/\{[^}]+\}/g, "not-a-uuid");
      const anonymous = await call(t, method, url, undefined, method === "GET" || method === "DELETE" ? undefined : { unexpected: 1 });
      expect({ op, status: anonymous.status }).toEqual({ op, status: 401 });
      const customerRes = await call(t, method, url, kept.customer, method === "GET" || method === "DELETE" ? undefined : { unexpected: 1 });
      expect({ op, status: customerRes.status }).toEqual({ op, status: 403 });
    }
  });
});
