import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { scrubSentryEvent } from "../../src/infra/sentry";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { capturingLogger } from "../support/logs";

// A failed query must not carry what it was sent (an email, a password hash) into the logs or
// the error reporter: Drizzle puts the parameters in its error message, Postgres quotes bad
// values in its own, and both reach the global error handler.
const EMAIL = "victim-7f3a@example.com";
const HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

/** Every string an error carries, through its cause chain, enumerable or not. */
function everythingIn(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  if (seen.has(value)) return "";
  seen.add(value);
  return Object.getOwnPropertyNames(value)
    .map((name) => `${name}=${everythingIn((value as Record<string, unknown>)[name], seen)}`)
    .join("\n");
}

const capture = capturingLogger("info");
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    label: "sec_query_params",
    log: capture.log,
    extend: (app) =>
      app
        // A statement the way a user insert would send it, failing on a value Postgres quotes back.
        .post("/__test/failing-query", async () => t.infra.database.db.execute(sql`select ${EMAIL}::uuid as id, ${HASH}::text as hash`))
        .post("/__test/failing-unique", async () => {
          await t.infra.database.db.execute(sql`insert into seen_emails values (${EMAIL}, ${HASH}) on conflict do nothing`);
          return t.infra.database.db.execute(sql`insert into seen_emails values (${EMAIL}, ${HASH})`);
        }),
  });
  // A plain table in this file's own database: a temporary one would exist on one pooled connection only.
  await t.infra.database.db.execute(sql`create table if not exists seen_emails (email text primary key, hash text)`);
});
afterAll(() => t.close());

describe("query parameters in error reports", () => {
  for (const route of ["failing-query", "failing-unique"]) {
    test(`a failed query's parameters (an email and a password hash) reach neither the logs nor the error reporter (${route})`, async () => {
      capture.lines.length = 0;
      t.reported.length = 0;
      const res = await t.request(`/__test/${route}`, { method: "POST" });
      expect(res.status).toBe(500);
      const body = JSON.stringify(await bodyOf(res));
      expect(body).not.toContain(EMAIL);
      // The failure is still reported and logged, just without the values.
      expect(t.reported.length).toBe(1);
      const logged = JSON.stringify(capture.lines);
      expect(logged).toContain("unexpected error");
      // What an operator needs stays: the statement, and the constraint that refused it.
      expect(logged).toContain(route === "failing-unique" ? "seen_emails_pkey" : "invalid input syntax for type uuid");
      expect(logged).toContain("Failed query: ");
      for (const secret of [EMAIL, "victim-7f3a", "$argon2id$"]) {
        expect(logged).not.toContain(secret);
        expect(everythingIn(t.reported[0])).not.toContain(secret);
      }
    });
  }

  test("an event on its way to Sentry loses Drizzle's params line, whoever captured it", () => {
    const event = scrubSentryEvent({
      type: undefined,
      message: `Failed query: insert into users\nparams: ${EMAIL},${HASH}`,
      exception: { values: [{ type: "DrizzleQueryError", value: `Failed query: insert into users\nparams: ${EMAIL},${HASH}` }] },
    });
    expect(JSON.stringify(event)).not.toContain(EMAIL);
    expect(JSON.stringify(event)).not.toContain("$argon2id$");
    expect(event.exception?.values?.[0]?.value).toContain("Failed query: insert into users");
  });
});
