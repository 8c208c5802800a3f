import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { inArray } from "drizzle-orm";
import { Registry } from "prom-client";
import { createJobMetrics } from "../../src/domains/jobs/metrics";
import { jobs as jobsTable } from "../../src/domains/jobs/schema";
import { createJobService } from "../../src/domains/jobs/service";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { manualClock } from "../support/clock";
import { admin } from "../support/identity";

let t: TestApp;
let adminToken: string;
const created: string[] = [];
const LEASE_MS = 60_000;
/**
 * The clock these jobs live on: long before any other test's jobs, so on a shared database the
 * oldest queued job and the oldest run-out lease are this file's (the others' ages come out negative).
 */
const START = Date.parse("2000-01-01T00:00:00Z");

beforeAll(async () => {
  t = await createTestApp({ label: "job-ages" });
  adminToken = (await admin(t)).tokens.accessToken;
});
afterAll(async () => {
  // Nobody else's claim (oldest first) should take these jobs from the year 2000.
  if (created.length > 0) await t.infra.database.db.delete(jobsTable).where(inArray(jobsTable.id, created));
  await t.close();
});

const newStore = () => createStore(t, adminToken, { type: "TRENDYOL", sellerId: "1", warehouseIds: [] });

/** The value of one series in the exposition text, undefined when the series is absent. */
function sample(text: string, name: string, kind: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{kind="${kind}"`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("job age gauges", () => {
  test("the oldest queued job's wait and the time since an unclaimed lease ran out, per kind, read when scraped", async () => {
    const clock = manualClock(START);
    const jobs = createJobService({ db: t.infra.database.db, now: clock.now });
    const scrape = async () => {
      // A registry per scrape: the reading is cached for 5 s and this clock moves faster.
      const registry = new Registry();
      createJobMetrics(registry, jobs);
      return registry.metrics();
    };

    const stuck = await jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: await newStore() });
    created.push(stuck.id);
    clock.advance(5 * 60_000);
    const waiting = await jobs.create({ kind: "LISTING_IMPORT", storeId: await newStore() });
    created.push(waiting.id);
    clock.advance(2 * 60_000);

    let text = await scrape();
    expect(sample(text, "jobs_oldest_queued_seconds", "LISTING_DRIFT_CHECK")).toBe(7 * 60);
    expect(sample(text, "jobs_oldest_queued_seconds", "LISTING_IMPORT")).toBe(2 * 60);
    expect(text).toContain("# TYPE jobs_oldest_expired_lease_seconds gauge");
    expect(sample(text, "jobs_oldest_expired_lease_seconds", "LISTING_DRIFT_CHECK")).toBeUndefined();

    // A worker takes the drift check (the oldest claimable) and then dies: its lease runs out at +60 s.
    const claimed = await jobs.claim("dead-replica", LEASE_MS, ["LISTING_DRIFT_CHECK"]);
    expect(claimed?.id).toBe(stuck.id);
    clock.advance(LEASE_MS - 1000);
    text = await scrape();
    expect(sample(text, "jobs_oldest_queued_seconds", "LISTING_DRIFT_CHECK")).toBeUndefined();
    expect(sample(text, "jobs_oldest_expired_lease_seconds", "LISTING_DRIFT_CHECK")).toBeUndefined();

    clock.advance(10 * 60_000 + 1000);
    text = await scrape();
    expect(sample(text, "jobs_oldest_expired_lease_seconds", "LISTING_DRIFT_CHECK")).toBe(10 * 60);
    expect(sample(text, "jobs_oldest_queued_seconds", "LISTING_IMPORT")).toBe(13 * 60);

    // Taken over: the lease is live again and the gauge's series goes.
    expect((await jobs.claim("live-replica", LEASE_MS, ["LISTING_DRIFT_CHECK"]))?.id).toBe(stuck.id);
    text = await scrape();
    expect(sample(text, "jobs_oldest_expired_lease_seconds", "LISTING_DRIFT_CHECK")).toBeUndefined();

    // A failed attempt queued again waits from then, not from its creation.
    clock.advance(60_000);
    expect(await jobs.fail(stuck.id, "live-replica", { code: "JOB_FAILED", message: "read timed out", retry: true })).toBe("QUEUED");
    clock.advance(30_000);
    text = await scrape();
    expect(sample(text, "jobs_oldest_queued_seconds", "LISTING_DRIFT_CHECK")).toBe(30);
  });

  test("the app exports both gauges, and the counters alerts take increase() of start at 0 for every kind and marketplace", async () => {
    const names = (await t.metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(["jobs_active", "jobs_oldest_queued_seconds", "jobs_oldest_expired_lease_seconds"]));
    // A fresh app: nothing has been claimed, has ended or has drifted, yet every series is there.
    const text = await t.metrics.registry.metrics();
    const series = (name: string) => text.split("\n").filter((line) => line.startsWith(`${name}{`)).map((line) => line.replace(/,?service="[^"]*"/, ""));
    expect(series("jobs_finished_total").sort()).toEqual([
      'jobs_finished_total{kind="LISTING_DRIFT_CHECK",state="FAILED"} 0',
      'jobs_finished_total{kind="LISTING_DRIFT_CHECK",state="SUCCEEDED"} 0',
      'jobs_finished_total{kind="LISTING_IMPORT",state="FAILED"} 0',
      'jobs_finished_total{kind="LISTING_IMPORT",state="SUCCEEDED"} 0',
    ]);
    expect(series("jobs_claimed_total").sort()).toEqual(['jobs_claimed_total{kind="LISTING_DRIFT_CHECK"} 0', 'jobs_claimed_total{kind="LISTING_IMPORT"} 0']);
    expect(series("listing_drift_total").sort()).toEqual(
      ["HEPSIBURADA", "N11", "PAZARAMA", "PTTAVM", "TRENDYOL"].map((marketplace) => `listing_drift_total{marketplace="${marketplace}"} 0`),
    );
  });
});
