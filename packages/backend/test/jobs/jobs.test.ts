import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/infra/logger";
import { JobAlreadyRunning } from "../../src/domains/jobs/errors";
import { JobLeaseLost, type JobRunContext } from "../../src/domains/jobs/runner";
import { createJobService } from "../../src/domains/jobs/service";
import { createJobWorker } from "../../src/domains/jobs/worker";
import { createTestApp, type TestApp } from "../support/app";
import { createStore } from "../support/catalog";
import { manualClock } from "../support/clock";
import { bodyOf } from "../support/http";
import { admin, customer, get, staff } from "../support/identity";

let t: TestApp;
let adminToken: string;
let staffToken: string;
const silent = createLogger({ level: "silent", pretty: false });
const LEASE_MS = 10_000;
const progress = (done: number) => ({ done, total: null, counts: { done } });

beforeAll(async () => {
  t = await createTestApp({ label: "jobs" });
  adminToken = (await admin(t)).tokens.accessToken;
  staffToken = (await staff(t)).tokens.accessToken;
});
afterAll(() => t.close());

const newStore = () => createStore(t, adminToken, { type: "TRENDYOL", sellerId: "1", warehouseIds: [] });

/** A job service on the test's database with its own clock (two of them: two replicas whose leases can run out). */
function replica(start = Date.now()) {
  const clock = manualClock(start);
  return { clock, jobs: createJobService({ db: t.infra.database.db, now: clock.now }) };
}

/** Claims until this store's job comes up (other tests' jobs may be claimable too: they are put back untouched by their leases). */
async function claimFor(jobs: ReturnType<typeof createJobService>, owner: string, jobId: string) {
  for (let i = 0; i < 50; i++) {
    const claimed = await jobs.claim(owner, LEASE_MS, ["LISTING_DRIFT_CHECK"]);
    if (!claimed) return undefined;
    if (claimed.id === jobId) return claimed;
  }
  return undefined;
}

describe("the job table", () => {
  test("a second unfinished job of a kind for a store is refused naming the first", async () => {
    const { jobs } = replica();
    const storeId = await newStore();
    const first = await jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId });
    const refused = await jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(JobAlreadyRunning);
    expect(refused).toMatchObject({ status: 409, code: "JOB_ALREADY_RUNNING", details: { jobId: first.id } });
    // Another kind, or another store, is not refused.
    expect((await jobs.create({ kind: "LISTING_IMPORT", storeId })).state).toBe("QUEUED");
    expect((await jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: await newStore() })).state).toBe("QUEUED");
  });

  test("a claim takes the job under a lease; nobody else can claim it until the lease runs out, then a second owner takes it over", async () => {
    const a = replica();
    const b = replica(a.clock.now());
    const job = await a.jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: await newStore() });
    const claimed = await claimFor(a.jobs, "a", job.id);
    expect(claimed).toMatchObject({ state: "RUNNING", attempts: 1, leaseOwner: "a" });
    expect(claimed?.startedAt).not.toBeNull();

    expect(await claimFor(b.jobs, "b", job.id)).toBeUndefined();
    b.clock.advance(LEASE_MS + 1);
    const takenOver = await claimFor(b.jobs, "b", job.id);
    expect(takenOver).toMatchObject({ state: "RUNNING", attempts: 2, leaseOwner: "b" });
    // The first start is kept: the job has been running since then.
    expect(takenOver?.startedAt?.getTime()).toBe(claimed?.startedAt?.getTime());
  });

  test("the old owner's writes are fenced once the lease went to another: save, step, renew and finish all refuse", async () => {
    const a = replica();
    const b = replica(a.clock.now() + LEASE_MS + 1);
    const job = await a.jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: await newStore() });
    await claimFor(a.jobs, "a", job.id);
    expect(await a.jobs.save(job.id, "a", { page: "2" }, progress(2))).toBe(true);
    await claimFor(b.jobs, "b", job.id);

    expect(await a.jobs.save(job.id, "a", { page: "3" }, progress(3))).toBe(false);
    expect(await a.jobs.renew(job.id, "a", LEASE_MS)).toBe(false);
    const lost = await a.jobs
      .step(job.id, "a", async () => "written", () => ({ cursor: { page: "9" }, progress: progress(9) }), () => new JobLeaseLost(job.id))
      .catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(JobLeaseLost);
    expect(await a.jobs.finish(job.id, "a", { done: true })).toBe(false);
    // What the new owner resumes from is what the old one saved while it held the lease.
    expect(await a.jobs.find(job.id)).toMatchObject({ state: "RUNNING", leaseOwner: "b", cursor: { page: "2" }, progress: progress(2) });
    expect(await b.jobs.finish(job.id, "b", { done: true })).toBe(true);
    expect(await b.jobs.find(job.id)).toMatchObject({ state: "SUCCEEDED", result: { done: true }, leaseOwner: null });
  });

  test("a job whose workers keep dying is FAILED with JOB_ATTEMPTS_EXHAUSTED when claimed past its attempts", async () => {
    const { clock, jobs } = replica();
    const job = await jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: await newStore(), maxAttempts: 2 });
    expect(await claimFor(jobs, "a", job.id)).toMatchObject({ attempts: 1, state: "RUNNING" });
    clock.advance(LEASE_MS + 1);
    expect(await claimFor(jobs, "b", job.id)).toMatchObject({ attempts: 2, state: "RUNNING" });
    clock.advance(LEASE_MS + 1);
    const exhausted = await claimFor(jobs, "c", job.id);
    expect(exhausted).toMatchObject({ state: "FAILED", attempts: 3, errorCode: "JOB_ATTEMPTS_EXHAUSTED", leaseOwner: null });
    expect(exhausted?.finishedAt).not.toBeNull();
    clock.advance(LEASE_MS + 1);
    expect(await claimFor(jobs, "d", job.id)).toBeUndefined();
  });
});

describe("the job worker", () => {
  /** A worker with one runner for drift checks, on its own owner name. */
  function workerWith(run: (ctx: JobRunContext) => Promise<Record<string, unknown>>) {
    const { jobs, clock } = replica();
    return Object.assign(createJobWorker({ jobs, runners: { LISTING_DRIFT_CHECK: run }, log: silent, settings: { pollMs: 60_000, leaseMs: LEASE_MS, concurrency: 10 } }), { clock });
  }

  test("an unexpected error is retried until the attempts run out, then FAILED as JOB_FAILED without the query's values", async () => {
    const { jobs } = replica();
    const job = await jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: await newStore(), maxAttempts: 2 });
    let runs = 0;
    const worker = workerWith(async (ctx) => {
      if (ctx.job.id !== job.id) return {};
      runs++;
      throw Object.assign(new Error("Failed query: select 1\nparams: secret@example.com"), {});
    });
    await worker.runOnce();
    await worker.idle();
    expect(await jobs.find(job.id)).toMatchObject({ state: "QUEUED", attempts: 1, errorCode: "JOB_FAILED" });
    // Not claimable again at once: the retry waits 5 s per attempt so far.
    await worker.runOnce();
    await worker.idle();
    expect(runs).toBe(1);
    worker.clock.advance(5_000);
    await worker.runOnce();
    await worker.idle();
    const failed = await jobs.find(job.id);
    expect(runs).toBe(2);
    expect(failed).toMatchObject({ state: "FAILED", attempts: 2, errorCode: "JOB_FAILED" });
    expect(failed?.error).not.toContain("secret@example.com");
  });

  test("a runner's saves move the job's progress, and its answer finishes it", async () => {
    const { jobs } = replica();
    const job = await jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: await newStore() });
    const worker = workerWith(async (ctx) => {
      await ctx.save({ page: "1" }, progress(5));
      await ctx.step(async () => 7, (n) => ({ cursor: { page: "2" }, progress: progress(n) }));
      return { checked: 7 };
    });
    await worker.runOnce();
    await worker.idle();
    expect(await jobs.find(job.id)).toMatchObject({ state: "SUCCEEDED", cursor: { page: "2" }, progress: progress(7), result: { checked: 7 }, attempts: 1 });
  });

  test("stop() aborts a running job and hands it back without spending the attempt", async () => {
    const { jobs } = replica();
    const job = await jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId: await newStore() });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const worker = workerWith(
      (ctx) =>
        new Promise((_, reject) => {
          started();
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        }),
    );
    await worker.runOnce();
    await running;
    await worker.stop();
    expect(await jobs.find(job.id)).toMatchObject({ state: "QUEUED", attempts: 0, leaseOwner: null });
  });
});

describe("job metrics", () => {
  test("jobs_active counts unfinished jobs by kind and state when scraped; jobs_finished_total counts ends", async () => {
    const storeId = await newStore();
    await t.services.jobs.create({ kind: "LISTING_IMPORT", storeId });
    const queued = await t.services.jobs.list({ kind: "LISTING_IMPORT", state: "QUEUED", limit: 1, offset: 0 });
    const text = await t.metrics.registry.metrics();
    expect(text).toMatch(new RegExp(`jobs_active\\{kind="LISTING_IMPORT",state="QUEUED"[^}]*\\} ${queued.total}\n`));
    expect(text).toContain("# TYPE jobs_finished_total counter");
  });
});

describe("GET /api/v1/jobs", () => {
  test("staff read a job by id and list a store's jobs by kind and state; others are refused", async () => {
    const storeId = await newStore();
    const job = await t.services.jobs.create({ kind: "LISTING_DRIFT_CHECK", storeId });
    const one = await get(t, `/api/v1/jobs/${job.id}`, staffToken);
    expect(one.status).toBe(200);
    expect(await bodyOf(one)).toEqual({
      id: job.id,
      kind: "LISTING_DRIFT_CHECK",
      storeId,
      state: "QUEUED",
      progress: { done: 0, total: null, counts: {} },
      result: null,
      error: null,
      attempts: 0,
      maxAttempts: 5,
      createdAt: job.createdAt.toISOString(),
      startedAt: null,
      finishedAt: null,
      updatedAt: job.updatedAt.toISOString(),
    });
    const list = await bodyOf(await get(t, `/api/v1/jobs?storeId=${storeId}&kind=LISTING_DRIFT_CHECK&state=QUEUED&limit=5`, staffToken));
    expect(list).toMatchObject({ total: 1, limit: 5, offset: 0 });
    expect(list.items.map((j: { id: string }) => j.id)).toEqual([job.id]);
    expect((await bodyOf(await get(t, `/api/v1/jobs?storeId=${storeId}&state=SUCCEEDED`, staffToken))).total).toBe(0);
    expect((await get(t, `/api/v1/jobs/${job.id}`, (await customer(t)).tokens.accessToken)).status).toBe(403);
    expect((await get(t, `/api/v1/jobs/${job.id}`)).status).toBe(401);
  });

  test("an unknown job is 404 JOB_NOT_FOUND, a malformed id or filter 422", async () => {
    const missing = await get(t, `/api/v1/jobs/${crypto.randomUUID()}`, staffToken);
    expect(missing.status).toBe(404);
    expect((await bodyOf(missing)).error.code).toBe("JOB_NOT_FOUND");
    expect((await get(t, "/api/v1/jobs/not-a-uuid", staffToken)).status).toBe(422);
    expect((await get(t, "/api/v1/jobs?state=DONE", staffToken)).status).toBe(422);
    expect((await get(t, "/api/v1/jobs?limit=101", staffToken)).status).toBe(422);
  });
});
