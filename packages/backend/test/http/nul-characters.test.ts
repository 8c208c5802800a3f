// Regression (contract fuzz): a NUL character in a query or body reached Postgres, which cannot
// store or compare it (SQLSTATE 22021), and the answer was a 500 INTERNAL.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { get, postJson, sendJson, staff } from "../support/identity";

let t: TestApp;
let staffToken: string;
beforeAll(async () => {
  t = await createTestApp({ label: "nul-characters" });
  staffToken = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

async function expectRefused(res: Response) {
  expect(res.status).toBe(422);
  expect((await bodyOf(res)).error.code).toBe("INVALID_CHARACTERS");
  expect(t.reported).toEqual([]);
}

describe("a NUL character in the request is the client's error", () => {
  test("in a catalog query filter: 422 INVALID_CHARACTERS, not 500", async () => {
    await expectRefused(await get(t, "/api/v1/catalog/products?sku=SKU%00-1", staffToken));
  });

  test("in an inventory body field: 422 and nothing is stored", async () => {
    await expectRefused(await sendJson(t, "POST", "/api/v1/inventory/warehouses", { code: "NUL-1", name: "Depo\u0000" }, staffToken));
    const page = await bodyOf(await get(t, "/api/v1/inventory/warehouses?limit=100", staffToken));
    expect(page.items.map((w: { code: string }) => w.code)).not.toContain("NUL-1");
  });

  test("in a login email: 422, not 500", async () => {
    await expectRefused(await postJson(t, "/api/v1/auth/login", { email: "nul\u0000@example.com", password: "whatever-123" }));
  });
});

