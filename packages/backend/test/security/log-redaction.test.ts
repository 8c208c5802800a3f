import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { admin, bearer, login, postJson, register, sendJson, uniqueEmail } from "../support/identity";
import { capturingLogger } from "../support/logs";

const unique = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;
const CARD = "4111 1111 1111 1111";

describe("logs never hold passwords, tokens, credentials or card numbers", () => {
  const captured = capturingLogger("trace");
  let t: TestApp;
  const secrets: Record<string, string> = {
    password: unique("Password"),
    wrongPassword: unique("WrongPassword"),
    apiKey: unique("api-key"),
    apiSecret: unique("api-secret"),
  };

  beforeAll(async () => {
    t = await createTestApp({
      label: "sec_log_redaction",
      log: captured.log,
      extend: (app) =>
        app.get("/__test/charge", () => {
          throw new Error(`charge failed for card ${CARD}`);
        }),
    });
    const email = uniqueEmail("redaction");
    await register(t, email, secrets.password);
    const tokens = await login(t, email, secrets.password);
    secrets.accessToken = tokens.accessToken;
    secrets.refreshToken = tokens.refreshToken;
    expect((await postJson(t, "/api/v1/auth/login", { email, password: secrets.wrongPassword })).status).toBe(401);
    expect((await t.request("/api/v1/auth/me", { headers: bearer(tokens.accessToken) })).status).toBe(200);
    const refreshed = await postJson(t, "/api/v1/auth/refresh", { refreshToken: tokens.refreshToken });
    expect(refreshed.status).toBe(200);
    // The used refresh token again: the reuse path logs the session's revocation.
    expect((await postJson(t, "/api/v1/auth/refresh", { refreshToken: tokens.refreshToken })).status).toBe(401);
    const boss = await admin(t);
    const store = await sendJson(
      t,
      "POST",
      "/api/v1/stores",
      { name: "Redaction store", type: "N11", sellerId: "n11-redact", warehouseIds: [], credentials: { apiKey: secrets.apiKey, apiSecret: secrets.apiSecret } },
      boss.tokens.accessToken,
    );
    expect(store.status).toBe(201);
    expect((await t.request("/__test/charge", { headers: { authorization: `Bearer ${secrets.accessToken}`, cookie: `session=${secrets.accessToken}` } })).status).toBe(500);
  });
  afterAll(() => t.close());

  test("after real requests (login with a password, a store with credentials, bearer calls, an error) no secret is anywhere in the output", () => {
    // The requests really were logged: a suite that logs nothing would pass the check below vacuously.
    expect(captured.lines.length).toBeGreaterThan(8);
    expect(captured.lines.some((l) => l.msg === "unexpected error")).toBe(true);
    const output = JSON.stringify(captured.lines);
    for (const [name, value] of Object.entries(secrets)) expect({ name, found: output.includes(value) }).toEqual({ name, found: false });
    expect(output).not.toContain(CARD);
    expect(output).not.toContain(CARD.replaceAll(" ", ""));
    expect(output).toContain("[card ****1111]");
  });
});

describe("the logger's redaction itself", () => {
  const deep = { a: { b: { c: { d: { password: "p-deep", list: [{ clientSecret: "cs-in-array" }] } } } } };

  test("secret field names are censored at any depth, in arrays, whatever their case", () => {
    const { log, lines } = capturingLogger();
    log.info(
      {
        password: "p-top",
        body: { refreshToken: "rt-1", credentials: { apiKey: "k", apiSecret: "s" } },
        req: { headers: { Authorization: "Bearer t-1", cookie: "c-1" } },
        store: { settings: { serviceKey: "svc-1", appSecret: "as-1", token: "tok-1", accessToken: "at-1" } },
        ...deep,
      },
      "with secrets",
    );
    const line = JSON.stringify(lines);
    for (const secret of ["p-top", "rt-1", "\"k\"", "\"s\"", "t-1", "c-1", "svc-1", "as-1", "tok-1", "at-1", "p-deep", "cs-in-array"]) {
      expect({ secret, found: line.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(lines[0]?.password).toBe("[redacted]");
    // The caller's object is not changed by logging it.
    expect(deep.a.b.c.d.password).toBe("p-deep");
  });

  test("card-like numbers are masked to their last four in messages, string fields and errors; barcodes and ids stay", () => {
    const { log, lines } = capturingLogger();
    log.warn(
      { note: "paid with 5555-5555-5555-4444", nested: { text: ["amex 378282246310005"] }, barcode: "8690000000067", orderNo: "1234567890123", err: new Error("card 4012888888881881 declined") },
      "customer typed 4111111111111111 into the address line",
    );
    const line = lines[0] ?? {};
    expect(line.msg).toBe("customer typed [card ****1111] into the address line");
    expect(line.note).toBe("paid with [card ****4444]");
    expect(line.nested).toEqual({ text: ["amex [card ****0005]"] });
    expect((line.err as { message: string }).message).toBe("card [card ****1881] declined");
    // A Turkish EAN-13 that happens to pass Luhn, and a number failing Luhn, are not cards.
    expect(line.barcode).toBe("8690000000067");
    expect(line.orderNo).toBe("1234567890123");
  });
});

describe("error answers never echo a secret either", () => {
  test("a refused login does not repeat the password in its answer", async () => {
    const t = await createTestApp({ label: "sec_log_answer" });
    try {
      const password = unique("EchoMe");
      const res = await postJson(t, "/api/v1/auth/login", { email: "nobody@example.com", password });
      expect(res.status).toBe(401);
      expect(JSON.stringify(await bodyOf(res))).not.toContain(password);
    } finally {
      await t.close();
    }
  });
});
