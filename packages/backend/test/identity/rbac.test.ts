import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { identityGuard, requireRole } from "../../src/domains/identity/guard";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { admin, bearer, customer, get, login, PASSWORD, postJson, uniqueEmail } from "../support/identity";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    label: "rbac",
    // A route guarded the way every other domain guards its staff routes.
    extend: (app, services) =>
      app.use(identityGuard(services.identity)).get("/test/staff-only", ({ caller }) => ({ role: caller.role }), {
        ...requireRole("staff", "admin"),
      }),
  });
});
afterAll(() => t.close());

async function staff(): Promise<{ accessToken: string }> {
  const boss = await admin(t);
  const email = uniqueEmail("staff");
  const res = await postJson(t, "/api/v1/admin/users", { email, password: PASSWORD, role: "staff" }, bearer(boss.tokens.accessToken));
  expect(res.status).toBe(201);
  return login(t, email);
}

describe("roles", () => {
  test("a customer gets 403 FORBIDDEN on a staff route", async () => {
    const { tokens } = await customer(t);
    const res = await get(t, "/test/staff-only", tokens.accessToken);
    expect(res.status).toBe(403);
    expect((await bodyOf(res)).error.code).toBe("FORBIDDEN");
  });

  test("staff and admins pass the staff route", async () => {
    expect(await bodyOf(await get(t, "/test/staff-only", (await staff()).accessToken))).toEqual({ role: "staff" });
    expect(await bodyOf(await get(t, "/test/staff-only", (await admin(t)).tokens.accessToken))).toEqual({ role: "admin" });
  });

  test("no token on a staff route is 401, not 403", async () => {
    const res = await get(t, "/test/staff-only");
    expect(res.status).toBe(401);
    expect((await bodyOf(res)).error.code).toBe("UNAUTHENTICATED");
  });

  test("only an admin creates staff and admins", async () => {
    const body = { email: uniqueEmail(), password: PASSWORD, role: "admin" };
    const byCustomer = await postJson(t, "/api/v1/admin/users", body, bearer((await customer(t)).tokens.accessToken));
    expect(byCustomer.status).toBe(403);
    const byStaff = await postJson(t, "/api/v1/admin/users", body, bearer((await staff()).accessToken));
    expect(byStaff.status).toBe(403);
    const byAdmin = await postJson(t, "/api/v1/admin/users", body, bearer((await admin(t)).tokens.accessToken));
    expect(byAdmin.status).toBe(201);
    expect((await bodyOf(byAdmin)).role).toBe("admin");
  });

  test("an admin-created account has the weak-password rule too", async () => {
    const res = await postJson(
      t,
      "/api/v1/admin/users",
      { email: uniqueEmail(), password: "short", role: "staff" },
      bearer((await admin(t)).tokens.accessToken),
    );
    expect(res.status).toBe(422);
  });
});

describe("the first admin", () => {
  test("is created from ADMIN_EMAIL/ADMIN_PASSWORD once and never overwritten", async () => {
    const email = uniqueEmail("first-admin");
    expect(await t.services.identity.ensureAdmin({ email, password: PASSWORD })).toBe("created");
    expect(await t.services.identity.ensureAdmin({ email, password: "a different password" })).toBe("exists");
    // The original password still works; the second call changed nothing.
    const tokens = await login(t, email, PASSWORD);
    expect((await bodyOf(await get(t, "/api/v1/auth/me", tokens.accessToken))).role).toBe("admin");
  });
});
