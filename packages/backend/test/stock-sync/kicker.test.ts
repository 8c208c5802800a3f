/**
 * The kicker's timing on a manual clock, with a stand-in flush that answers what the real one
 * would (sent, busy, rate limited): when a kicked store is flushed, and when it is let go.
 * flush-soon.test.ts runs the real engine, sandbox and broadcast.
 */
import { describe, expect, test } from "bun:test";
import type { FlushResult } from "../../src/domains/stock-sync/flush";
import type { KickListener } from "../../src/domains/stock-sync/kick";
import { startKicker } from "../../src/domains/stock-sync/kicker";
import { createLogger } from "../../src/infra/logger";
import { manualClock, manualTimers } from "../support/clock";

const log = createLogger({ level: "silent", pretty: false });
const DELAY_MS = 50;
const INTERVAL_MS = 5000;

/** A kicker whose flushes answer `answers` in turn (then idle, leaving no marks); `marks` is the backlog after each answer. */
function kickerWith(answers: (FlushResult | null)[], marks: number) {
  const backlog = { count: marks };
  const clock = manualClock();
  const timers = manualTimers(clock);
  const flushes: number[] = [];
  let listener: KickListener | undefined;
  const kicker = startKicker(
    {
      flushOne: async (storeId) => {
        flushes.push(clock.now());
        if (answers.length > 0) return answers.shift() as FlushResult | null;
        backlog.count = 0;
        return { storeId, outcome: "idle", sent: 0, batches: 0, skipped: 0 };
      },
      backlog: async () => backlog,
      storesWithMarks: async () => [],
      listen: (l) => void (listener = l),
      now: clock.now,
    },
    { delayMs: DELAY_MS, intervalMs: INTERVAL_MS },
    log,
    timers.schedule,
  );
  const start = clock.now();
  return { kicker, timers, at: () => flushes.map((t) => t - start), channel: () => listener as KickListener };
}

const result = (outcome: FlushResult["outcome"], waitMs?: number): FlushResult => ({ storeId: "s", outcome, sent: 0, batches: 0, skipped: 0, waitMs });

describe("the kicker", () => {
  test("kicks within the delay share one flush; a store with no marks left is let go", async () => {
    const { kicker, timers, at, channel } = kickerWith([result("sent")], 0);
    channel().onKick(["s"]);
    await timers.advance(30);
    channel().onKick(["s"]);
    await timers.advance(1000);
    expect(at()).toEqual([DELAY_MS]);
    await kicker.stop();
    expect(timers.pending()).toBe(0);
  });

  test("rate limited: flushed again when the bucket says, not on the interval", async () => {
    const { kicker, timers, at } = kickerWith([result("rate_limited", 700), result("sent")], 1);
    kicker.kick(["s"]);
    await timers.advance(1000);
    expect(at()).toEqual([DELAY_MS, DELAY_MS + 700, DELAY_MS + 700 + DELAY_MS]);
    await kicker.stop();
  });

  test("another replica holds the store: looked at again shortly; a failing store is left to the interval", async () => {
    const { kicker, timers, at } = kickerWith([null, result("failed")], 3);
    kicker.kick(["s"]);
    await timers.advance(INTERVAL_MS);
    expect(at()).toEqual([DELAY_MS, DELAY_MS + 200]);
    await kicker.stop();
  });

  test("marks that never clear are followed for one interval after the last kick, then left to the interval flush", async () => {
    const answers = Array.from({ length: 1000 }, () => result("rate_limited", 1000));
    const { kicker, timers, at } = kickerWith(answers, 1);
    kicker.kick(["s"]);
    await timers.advance(3 * INTERVAL_MS);
    expect(at().length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...at())).toBeLessThanOrEqual(INTERVAL_MS);
    await kicker.stop();
    expect(timers.pending()).toBe(0);
  });

  test("stopped, it ignores later kicks", async () => {
    const { kicker, timers, at } = kickerWith([], 0);
    await kicker.stop();
    kicker.kick(["s"]);
    await timers.advance(1000);
    expect(at()).toEqual([]);
    expect(timers.pending()).toBe(0);
  });
  test("stores kicked together are flushed side by side: one store's slow flush does not hold another's", async () => {
    const clock = manualClock();
    const timers = manualTimers(clock);
    const started: string[] = [];
    const finished: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const slowDone = new Promise<void>((resolve) => (releaseSlow = resolve));
    const kicker = startKicker(
      {
        flushOne: async (storeId) => {
          started.push(storeId);
          if (storeId === "slow") await slowDone;
          finished.push(storeId);
          return { storeId, outcome: "idle", sent: 0, batches: 0, skipped: 0 };
        },
        backlog: async () => ({ count: 0 }),
        storesWithMarks: async () => [],
        listen: () => undefined,
        now: clock.now,
      },
      { delayMs: DELAY_MS, intervalMs: INTERVAL_MS },
      log,
      timers.schedule,
    );
    kicker.kick(["slow", "fast"]);
    const stepping = timers.advance(DELAY_MS);
    // The slow store is still flushing, and the fast one is already done.
    for (let i = 0; i < 20 && finished.length === 0; i++) await Bun.sleep(1);
    expect({ started: [...started].sort(), finished }).toEqual({ started: ["fast", "slow"], finished: ["fast"] });
    releaseSlow();
    await stepping;
    expect(finished).toEqual(["fast", "slow"]);
    await kicker.stop();
  });
});
