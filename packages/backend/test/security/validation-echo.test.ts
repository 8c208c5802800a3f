import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { bearer, customer, postJson } from "../support/identity";

// A validation answer names the field and the rule, never the value: a password sent in the wrong
// shape (a number, an array) would otherwise come back in the body, and so into any log or proxy
// that records error answers. Its size is bounded whatever the body holds.
describe("validation answers", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ label: "validation_echo" });
  });
  afterAll(async () => {
    await t.close();
  });

  for (const [shape, password] of [
    ["a number", 987654321],
    ["an array", ["hunter2-secret-words"]],
  ] as const) {
    test(`a password sent as ${shape} is refused without being repeated in the answer`, async () => {
      const res = await postJson(t, "/api/v1/auth/login", { email: "someone@example.com", password });
      expect(res.status).toBe(422);
      const text = await res.text();
      expect(text).not.toContain("987654321");
      expect(text).not.toContain("hunter2-secret-words");
      const body = JSON.parse(text);
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.details.fields[0].path).toBe("/password");
    });
  }

  test("a body with thousands of unknown fields gets a bounded answer", async () => {
    const res = await postJson(t, "/api/v1/auth/login", { email: "someone@example.com", password: "x".repeat(12), extra: Array.from({ length: 5000 }, (_, i) => ({ [`f${i}`]: i })) });
    expect(res.status).toBe(422);
    const text = await res.clone().text();
    expect(text.length).toBeLessThan(8192);
    const body = await bodyOf(res);
    expect(body.error.code).toBe("VALIDATION_FAILED");
  });

  test("a body with thousands of wrong-typed values lists a bounded number of problems and counts the rest", async () => {
    const token = (await customer(t)).tokens.accessToken as string;
    const items = Array.from({ length: 100 }, () => ({ productId: 12345, quantity: "many" }));
    const res = await postJson(t, "/api/v1/orders", { storeId: "00000000-0000-4000-8000-000000000000", items }, { ...bearer(token), "idempotency-key": "validation-echo-1" });
    expect(res.status).toBe(422);
    const body = await bodyOf(res);
    expect(body.error.details.fields.length).toBeLessThanOrEqual(20);
    expect(body.error.details.omitted).toBeGreaterThan(0);
    expect(JSON.stringify(body).length).toBeLessThan(8192);
  });
});
