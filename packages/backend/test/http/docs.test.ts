import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "docs" });
});
afterAll(() => t.close());

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, { description?: string }> }>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
}

async function document(): Promise<OpenApiDocument> {
  const res = await t.request("/swagger/json");
  expect(res.status).toBe(200);
  return (await bodyOf(res)) as OpenApiDocument;
}

describe("API documentation", () => {
  test("/swagger/json is a valid OpenAPI 3 document", async () => {
    const doc = await document();
    expect(doc.openapi).toMatch(/^3\./);
    // Throws with the offending path when the document breaks the OpenAPI 3 schema.
    await SwaggerParser.validate(structuredClone(doc) as unknown as Parameters<typeof SwaggerParser.validate>[0]);
  });

  test("declares title, version, a tag per domain and the bearer scheme", async () => {
    const doc = await document();
    expect(doc.info.title).toBe("Pazarsync API");
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    const tags = doc.tags.map((tag) => tag.name);
    for (const domain of ["identity", "catalog", "inventory", "order", "stock-sync", "marketplace", "ops"]) {
      expect(tags).toContain(domain);
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  test("every documented operation is tagged and every response described", async () => {
    const doc = await document();
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.map((o) => o.path)).toContain("/health/ready");
    for (const { op } of operations) {
      expect(op.tags?.length ?? 0).toBeGreaterThan(0);
      for (const response of Object.values(op.responses)) expect(response.description ?? "").not.toBe("");
    }
  });

  test("the UI is served at /swagger", async () => {
    const res = await t.request("/swagger");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
  });
});
