import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { login, PASSWORD, postJson, uniqueEmail } from "../support/identity";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "register" });
});
afterAll(() => t.close());

const REGISTER = "/api/v1/auth/register";

describe("registration", () => {
  test("creates a customer with the email normalised", async () => {
    const email = uniqueEmail("Norm");
    const res = await postJson(t, REGISTER, { email: `  ${email.toUpperCase()} `, password: PASSWORD });
    expect(res.status).toBe(201);
    const user = await bodyOf(res);
    expect(user).toMatchObject({ email: email.toLowerCase(), role: "customer" });
    expect(user.passwordHash).toBeUndefined();
    // And the normalised form is the one that logs in, whatever case is typed.
    expect((await login(t, email.toUpperCase())).tokenType).toBe("Bearer");
  });

  test("a role in the body is refused, not ignored", async () => {
    const email = uniqueEmail();
    const res = await postJson(t, REGISTER, { email, password: PASSWORD, role: "admin" });
    expect(res.status).toBe(422);
    const body = await bodyOf(res);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details.fields.map((f: { path: string }) => f.path)).toContain("/role");
    // Nothing was created: the same email can still register, as a customer.
    const retry = await postJson(t, REGISTER, { email, password: PASSWORD });
    expect((await bodyOf(retry)).role).toBe("customer");
  });

  test("a password under 10 characters is refused", async () => {
    const res = await postJson(t, REGISTER, { email: uniqueEmail(), password: "123456789" });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.details.fields[0].path).toBe("/password");
  });

  test("a malformed email is refused", async () => {
    const res = await postJson(t, REGISTER, { email: "not-an-email", password: PASSWORD });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.details.fields[0].path).toBe("/email");
  });

  test("an email already registered, in any case, is 409 EMAIL_TAKEN", async () => {
    const email = uniqueEmail();
    expect((await postJson(t, REGISTER, { email, password: PASSWORD })).status).toBe(201);
    const again = await postJson(t, REGISTER, { email: email.toUpperCase(), password: "another password" });
    expect(again.status).toBe(409);
    expect((await bodyOf(again)).error.code).toBe("EMAIL_TAKEN");
  });

  test("passwords are stored as argon2id hashes", async () => {
    const hasher = await Bun.password.hash(PASSWORD, { algorithm: "argon2id", memoryCost: 1024, timeCost: 1 });
    expect(hasher.startsWith("$argon2id$")).toBe(true);
    const email = uniqueEmail();
    await postJson(t, REGISTER, { email, password: PASSWORD });
    // The stored hash verifies the password and does not contain it.
    const { findUserByEmail } = await import("../../src/domains/identity/users");
    const stored = await findUserByEmail(t.infra.database.db, email);
    expect(stored?.passwordHash.startsWith("$argon2id$v=19$m=1024,t=1")).toBe(true);
    expect(stored?.passwordHash).not.toContain(PASSWORD);
    expect(await Bun.password.verify(PASSWORD, stored?.passwordHash ?? "")).toBe(true);
  });
});
