import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/infra/db";
import { createTestApp, type TestApp } from "../support/app";
import { skipReason } from "../support/env";

// A pool that is merely busy is not an outage: a statement that waited too long for a connection
// is refused (load shedding), but the ones after it are not failed fast as if Postgres were gone.
const CONNECT_TIMEOUT_MS = 300;
const needsPostgres = skipReason("postgres");

describe.skipIf(!!needsPostgres)("a saturated connection pool", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ label: "db_saturation", env: { DATABASE_POOL_MAX: "1", DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) } });
  });
  afterAll(() => t.close());

  test("refuses the statements that waited past the connect timeout, while Postgres answers, without failing the next ones fast", async () => {
    const db = t.infra.database.db;
    // One connection, 20 statements of 50 ms each: answers keep coming while the last ones wait ~1 s.
    const burst = Promise.allSettled(Array.from({ length: 20 }, () => queryRows(db, sql`select pg_sleep(0.05) as slept`)));
    // Past the first refusals, a new statement joins the queue: it must wait its turn (answered, or
    // refused after its own connect timeout), not be refused at once as if Postgres were down.
    await Bun.sleep(CONNECT_TIMEOUT_MS + 100);
    const started = performance.now();
    const late = await queryRows(db, sql`select 1 as one`).then(
      () => "answered",
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    const waited = performance.now() - started;
    const refused = (await burst).filter((r) => r.status === "rejected").length;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(20);
    expect({ late, failedAtOnce: late !== "answered" && waited < CONNECT_TIMEOUT_MS / 2 }).toEqual({ late, failedAtOnce: false });
    expect(late).not.toContain("fail at once");
  });
});
