import { afterEach, describe, expect, test } from "bun:test";
import { skipReason } from "../support/env";
import type { RunningServer } from "../support/process";
import {
  changeStream,
  metricTotal,
  mismatches,
  overlappingWrites,
  startCluster,
  stockWrites,
  timeToParity,
  survivingMarks,
  waitFor,
  wipePrefix,
  type Cluster,
} from "./processes-support";

// Issue 6, "Real servers": src/main.ts processes sharing one scratch Postgres database and one
// Redis prefix, pushing to an in-process sandbox whose records are the evidence.
const needsServers = skipReason("postgres") ?? skipReason("redis");

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const randomDelta = () => (Math.random() < 0.5 ? -1 : 1) * (1 + Math.floor(Math.random() * 3));
const report = (line: string) => process.stderr.write(`[sync processes] ${line}\n`);

describe.skipIf(!!needsServers)("the sync engine across real processes", () => {
  test("two app processes never push the same store at the same time, and the sandbox ends equal to the database", async () => {
    const interval = 1000;
    cluster = await startCluster({
      label: "syncpair",
      stores: 3,
      products: 300,
      openingStock: 1000,
      sandbox: { faults: { latencyMs: 150 } },
      env: { SYNC_INTERVAL_MS: String(interval), SYNC_POLL_DELAY_MS: "200" },
    });
    const c = cluster;
    const [a] = c.servers as [RunningServer];
    const b = await c.start();
    await timeToParity(c, a, 60_000);

    let turn = 0;
    const stream = changeStream(c, () => (turn++ % 2 === 0 ? a : b), { width: 4, pauseMs: 0, delta: randomDelta });
    await Bun.sleep(10_000);
    const { made } = await stream.stop();
    const parityMs = await timeToParity(c, b, 20_000);

    const writes = stockWrites(c);
    expect(writes.length).toBeGreaterThan(c.shops.length);
    expect(overlappingWrites(writes)).toEqual([]);
    const sentA = await metricTotal(a, "sync_items_sent_total");
    const sentB = await metricTotal(b, "sync_items_sent_total");
    report(`pair: ${made} changes, ${writes.length} stock writes, items sent A=${sentA} B=${sentB}, parity ${parityMs} ms after the last change`);
    expect(sentA + sentB).toBeGreaterThan(0);
    expect(sentA).toBeGreaterThan(0);
    expect(sentB).toBeGreaterThan(0);
    expect(parityMs).toBeLessThanOrEqual(2 * interval + 1000);
  }, 150_000);

  test("a flushing process SIGKILLed 20 times and restarted leaves the sandbox equal to the database", async () => {
    const interval = 500;
    const lease = 1500;
    cluster = await startCluster({
      label: "synckill",
      stores: 2,
      products: 60,
      openingStock: 1000,
      sandbox: { faults: { latencyMs: 200 } },
      // Only the victim flushes, so every kill lands on the one process doing the pushing.
      env: { SYNC_INTERVAL_MS: String(interval), SYNC_POLL_DELAY_MS: "200", SYNC_CLAIM_LEASE_MS: String(lease), SYNC_WORKER: "false" },
    });
    const c = cluster;
    const [survivor] = c.servers as [RunningServer];
    const stream = changeStream(c, () => survivor, { width: 2, pauseMs: 20, delta: randomDelta });
    let midPush = 0;
    for (let kill = 0; kill < 20; kill++) {
      const victim = await c.start({ SYNC_WORKER: "true" });
      if (kill % 2 === 0) {
        // Half the kills wait for a push in flight: the marketplace takes it, the process never hears back.
        await waitFor("a push in flight", 10_000, async () => (c.sandbox.state.pendingWrites > 0 ? true : undefined), 5).catch(() => undefined);
      } else {
        await Bun.sleep(Math.random() * 2 * interval);
      }
      if (c.sandbox.state.pendingWrites > 0) midPush += 1;
      victim.proc.kill("SIGKILL");
      await victim.proc.exited;
    }
    const { made } = await stream.stop();
    const last = await c.start({ SYNC_WORKER: "true" });
    const parityMs = await timeToParity(c, last, 30_000);
    report(`kill: ${made} changes, 20 kills (${midPush} with a push in flight), ${stockWrites(c).length} stock writes, parity ${parityMs} ms after the restart`);
    expect(midPush).toBeGreaterThanOrEqual(5);
    // Claims and the sync lock of the last killed process come back after the lease, then two intervals.
    expect(parityMs).toBeLessThanOrEqual(lease + 2 * interval + 1000);
  }, 150_000);

  test("after the Redis keys are wiped (FLUSHALL of this test's prefix) the sweep restores parity", async () => {
    const interval = 500;
    const sweep = 2000;
    cluster = await startCluster({
      label: "syncwipe",
      stores: 1,
      products: 40,
      openingStock: 100,
      sandbox: {},
      env: { SYNC_INTERVAL_MS: String(interval), SYNC_POLL_DELAY_MS: "200", SYNC_SWEEP_INTERVAL_MS: String(sweep) },
    });
    const c = cluster;
    const [a] = c.servers as [RunningServer];
    await timeToParity(c, a, 30_000);

    // The marketplace answers 503, so the changes stay unsent marks in Redis until the wipe.
    c.sandbox.state.faults = { ...c.sandbox.state.faults, status5xxRate: 1 };
    const stream = changeStream(c, () => a, { width: 2, pauseMs: 0, delta: () => -1 });
    await Bun.sleep(1500);
    await stream.stop();
    expect((await mismatches(c, a)).length).toBeGreaterThan(0);

    // FLUSHALL would also wipe the keys of other test files sharing this Redis: deleting every
    // key under this cluster's REDIS_KEY_PREFIX is the same loss for these processes. A flush in
    // flight may put its claim back after the wipe; wipe again until no mark survives.
    const logsBefore = a.logs.length;
    let removed = 0;
    for (let round = 0; round < 5; round++) {
      removed += await wipePrefix(c.prefix);
      await Bun.sleep(interval);
      if (!(await survivingMarks(c.prefix))) break;
    }
    expect(removed).toBeGreaterThan(0);
    expect(await survivingMarks(c.prefix)).toBe(false);
    c.sandbox.state.faults = { ...c.sandbox.state.faults, status5xxRate: 0 };

    const parityMs = await timeToParity(c, a, sweep + 2 * interval + 5000);
    const reconciled = a.logs.slice(logsBefore).filter((l) => l.msg === "reconciliation done" && l.reason === "dirty buffer lost");
    report(`wipe: ${removed} keys removed, parity ${parityMs} ms after the marketplace came back`);
    expect(reconciled.length).toBeGreaterThanOrEqual(1);
  }, 120_000);

  test("a steady stream of changes sends no identical body within the scaled 15 minutes and meets no 429", async () => {
    const interval = 500;
    const timeScale = 60;
    cluster = await startCluster({
      label: "syncsteady",
      stores: 1,
      products: 30,
      openingStock: 1000,
      // 15 minutes play as 15 s; the 50-per-10-s window stays real, so the quota is the real one.
      sandbox: { timeScale, rateLimitTimeScale: 1, resultDelayMs: 1000 },
      env: { SYNC_INTERVAL_MS: String(interval), SYNC_POLL_DELAY_MS: "100" },
    });
    const c = cluster;
    const [a] = c.servers as [RunningServer];
    const b = await c.start();
    let turn = 0;
    // Mostly sales, now and then a restock: quantities come back to earlier values, as in a shop.
    const stream = changeStream(c, () => (turn++ % 2 === 0 ? a : b), { width: 2, pauseMs: 50, delta: () => (Math.random() < 0.8 ? -1 : 3) });
    await Bun.sleep(15_000);
    const { made } = await stream.stop();
    const windowMs = (15 * 60_000) / timeScale;
    // The last value may equal a body sent within the (scaled) 15-minute window: the engine then
    // waits the window out before sending it, so parity may take the window plus a flush and poll.
    await timeToParity(c, a, windowMs + 10_000);

    const records = c.sandbox.state.requests();
    const writes = records.filter((r) => r.endpoint === "price-and-inventory");
    const identical = writes.filter((w, i) =>
      writes.some((earlier, j) => j < i && earlier.sellerId === w.sellerId && earlier.bodyHash === w.bodyHash && Date.parse(w.receivedAt) - Date.parse(earlier.receivedAt) < windowMs),
    );
    const busiest = Math.max(...writes.map((w) => writes.filter((o) => Date.parse(o.receivedAt) >= Date.parse(w.receivedAt) && Date.parse(o.receivedAt) < Date.parse(w.receivedAt) + 10_000).length));
    report(`steady: ${made} changes, ${writes.length} stock writes (busiest 10 s: ${busiest}), ${records.length - writes.length} result reads, ${identical.length} identical`);
    expect(writes.length).toBeGreaterThan(10);
    expect(identical).toEqual([]);
    expect(writes.filter((w) => w.status === 400)).toEqual([]);
    expect(records.filter((r) => r.status === 429)).toEqual([]);
    expect((await metricTotal(a, "marketplace_429_total")) + (await metricTotal(b, "marketplace_429_total"))).toBe(0);
  }, 120_000);
});
