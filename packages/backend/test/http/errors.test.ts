import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Type } from "@sinclair/typebox";
import { DuplicateSku } from "../../src/domains/catalog/errors";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    label: "errors",
    extend: (app) =>
      app
        .post("/test/echo", ({ body }) => body, {
          body: Type.Object({
            sku: Type.String({ minLength: 1 }),
            items: Type.Array(Type.Object({ quantity: Type.Integer({ minimum: 1 }) })),
          }),
        })
        .get("/test/conflict", () => {
          throw new DuplicateSku("A-1");
        })
        .get("/test/leak", () => ({ id: "u1", passwordHash: "$argon2id$secret" }), {
          response: { 200: Type.Object({ id: Type.String() }) },
        })
        .get("/test/boom", () => {
          throw new Error("database password is hunter2");
        }),
  });
});
afterAll(() => t.close());

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("error envelope", () => {
  test("an unknown route is 404 NOT_FOUND in the envelope", async () => {
    const res = await t.request("/api/v1/nowhere");
    expect(res.status).toBe(404);
    const body = await bodyOf(res);
    expect(body.error.code).toBe("NOT_FOUND");
    expect(body.error.message).toContain("/api/v1/nowhere");
    expect(body.error.details).toEqual({});
  });

  test("malformed JSON is 400 MALFORMED_BODY", async () => {
    const res = await t.request("/test/echo", json('{"sku": "A-1", '));
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.code).toBe("MALFORMED_BODY");
  });

  test("a schema violation is 422 with the path of each bad field", async () => {
    const res = await t.request("/test/echo", json({ sku: "", items: [{ quantity: 1 }, { quantity: 0 }] }));
    expect(res.status).toBe(422);
    const body = await bodyOf(res);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    const paths = body.error.details.fields.map((f: { path: string }) => f.path);
    expect(paths).toContain("/sku");
    expect(paths).toContain("/items/1/quantity");
    expect(body.error.details.fields[0].in).toBe("body");
  });

  test("a string where an integer belongs is refused, not coerced", async () => {
    const res = await t.request("/test/echo", json({ sku: "A", items: [{ quantity: "5" }] }));
    expect(res.status).toBe(422);
  });

  test("valid input passes through untouched", async () => {
    const res = await t.request("/test/echo", json({ sku: "A", items: [{ quantity: 5 }] }));
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ sku: "A", items: [{ quantity: 5 }] });
  });

  test("a domain error keeps its code, status and details", async () => {
    const res = await t.request("/test/conflict");
    expect(res.status).toBe(409);
    expect(await bodyOf(res)).toEqual({
      error: { code: "DUPLICATE_SKU", message: "A product with this SKU exists", details: { sku: "A-1" } },
    });
  });

  test("an answer that breaks its own schema is our bug: 500 INTERNAL, and the extra field never leaves", async () => {
    const res = await t.request("/test/leak");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("INTERNAL");
    expect(text).not.toContain("argon2id");
  });

  test("an unexpected error is 500 INTERNAL, with no stack or message leaked, and is reported", async () => {
    const before = t.reported.length;
    const res = await t.request("/test/boom");
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.error.code).toBe("INTERNAL");
    expect(body.error.details).toEqual({});
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("at ");
    expect(t.reported.length).toBe(before + 1);
  });
});
