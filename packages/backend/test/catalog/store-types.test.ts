import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { admin, sendJson } from "../support/identity";

// A store pointed at the marketplace sandbox is a store of that marketplace with the sandbox's base
// URL: no store type exists only for the sandbox.

const CHANNELS = ["WEB", "TRENDYOL", "HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM"];

let t: TestApp;
let adminToken: string;
beforeAll(async () => {
  t = await createTestApp({ label: "store-types" });
  adminToken = (await admin(t)).tokens.accessToken;
});
afterAll(() => t.close());

/** Every enum of the OpenAPI document that lists store types. */
function storeTypeEnums(node: unknown, found: string[][] = []): string[][] {
  if (Array.isArray(node)) {
    for (const item of node) storeTypeEnums(item, found);
  } else if (typeof node === "object" && node !== null) {
    const record = node as Record<string, unknown>;
    const literals = Array.isArray(record.anyOf) ? record.anyOf.map((s) => (s as Record<string, unknown>).const) : undefined;
    if (literals?.includes("TRENDYOL")) found.push(literals.map(String));
    if (Array.isArray(record.enum) && record.enum.includes("TRENDYOL")) found.push(record.enum.map(String));
    for (const value of Object.values(record)) storeTypeEnums(value, found);
  }
  return found;
}

describe("store types", () => {
  test("the database's store types are the sales channels, without a sandbox type", async () => {
    const rows = await queryRows<{ type: string }>(t.infra.database.db, sql`select unnest(enum_range(null::store_type))::text as type`);
    expect(rows.map((r) => r.type)).toEqual(CHANNELS);
  });

  test("the OpenAPI document offers no SANDBOX store type", async () => {
    const res = await t.request("/swagger/json");
    expect(res.status).toBe(200);
    const enums = storeTypeEnums(await bodyOf(res));
    expect(enums.length).toBeGreaterThan(0);
    for (const listed of enums) expect(listed).not.toContain("SANDBOX");
    expect(enums.some((listed) => CHANNELS.every((c) => listed.includes(c)))).toBe(true);
  });

  test("creating a SANDBOX store is refused as a bad request", async () => {
    const res = await sendJson(t, "POST", "/api/v1/stores", { name: "Sandbox", type: "SANDBOX", sellerId: "1", warehouseIds: [] }, adminToken);
    expect(res.status).toBe(422);
  });

  test("a Trendyol store pointed at a sandbox's URL is an ordinary Trendyol store", async () => {
    const res = await sendJson(t, "POST", "/api/v1/stores", { name: "Trendyol (sandbox)", type: "TRENDYOL", sellerId: "1001", baseUrl: "http://127.0.0.1:4010", warehouseIds: [] }, adminToken);
    expect(res.status).toBe(201);
    expect(await bodyOf(res)).toMatchObject({ type: "TRENDYOL", sellerId: "1001" });
  });
});
