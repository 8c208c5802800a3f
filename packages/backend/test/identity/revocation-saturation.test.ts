import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createTestApp, type TestApp } from "../support/app";
import { skipReason } from "../support/env";
import { bearer, customer, get } from "../support/identity";
import { sleep } from "../support/net";

// Past this age of the revocation mirror a request waits for a fresh read (revocations.ts).
const STALE_AFTER_MS = 1_000;
// Longer than the mirror's read timeout (1 s): a read queued behind it would give up.
const POOL_BUSY_MS = 2_500;

// A saturated pool is load, not an outage: the session check every request makes must not turn it into 503s.
describe.skipIf(Boolean(skipReason("postgres")))("session revocation checks while the pool is saturated", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: "revocation-saturation", env: { DATABASE_POOL_MAX: "1" } });
  });
  afterAll(async () => {
    await t.close();
  });

  test("a request whose revocation mirror is stale is answered while every pool connection is busy", async () => {
    const { tokens } = await customer(t);
    const token = String(tokens.accessToken);
    // Reads the mirror and the profile once; the profile stays cached, so /me needs only the revocation read.
    expect((await get(t, "/api/v1/auth/me", token)).status).toBe(200);
    // Drizzle sends a query only when it is awaited: Promise.resolve sends it now.
    const busy = Promise.resolve(t.infra.database.db.execute(sql`select pg_sleep(${POOL_BUSY_MS / 1000})`));
    await sleep(STALE_AFTER_MS + 200);
    const res = await t.request("/api/v1/auth/me", { headers: bearer(token) });
    expect(res.status).toBe(200);
    await busy;
  });
});
