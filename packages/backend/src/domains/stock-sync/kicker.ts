/**
 * Flush soon after an order, on the replica that runs the sync worker: a kicked store is flushed
 * `delayMs` after its first kick (orders arriving meanwhile join that flush), then again as soon
 * as its rate limit allows while it still has marks. Every flush is the ordinary one (flushOne:
 * the store's lock, token buckets, batching, duplicate window), so a kick changes when a store
 * is flushed, never what is sent. Past one interval after the kick the interval flush has the
 * store anyway, so the kicker lets go.
 */
import type { Logger } from "../../infra/logger";
import type { FlushResult } from "./flush";
import type { KickListener } from "./kick";
import type { Scheduler } from "./worker";

export interface KickerDeps {
  flushOne(storeId: string): Promise<FlushResult | null>;
  backlog(storeId: string): Promise<{ count: number }>;
  storesWithMarks(): Promise<string[]>;
  listen(listener: KickListener): void;
  now(): number;
}

interface KickerSettings {
  /** Coalescing delay after the first kick (SYNC_KICK_DELAY_MS). */
  delayMs: number;
  /** The sync interval: the kicker follows a store at most this long after its kick. */
  intervalMs: number;
}

/** Another replica (or the interval loop) holds the store's lock: look again after this. */
const BUSY_RETRY_MS = 200;
/** A cap of pending batches names no time: the receipts poll frees it in about this. */
const PENDING_RETRY_MS = 1000;

export interface Kicker {
  /** Also what the channel calls: these stores have fresh marks. */
  kick(storeIds: readonly string[]): void;
  stop(): Promise<void>;
}

/** When to flush a store again after this result, while it has marks; undefined: leave it to the interval. */
function followUp(result: FlushResult | null, delayMs: number): number | undefined {
  if (result === null) return Math.max(delayMs, BUSY_RETRY_MS);
  switch (result.outcome) {
    // Marks came in after the last claim, or one flush's batch cap was reached: go on.
    case "sent":
    case "idle":
      return delayMs;
    case "rate_limited":
      return Math.max(delayMs, result.waitMs ?? PENDING_RETRY_MS);
    // A failing store backs off, a refused repeat waits for its window: the interval's business.
    default:
      return undefined;
  }
}

export function startKicker(deps: KickerDeps, settings: KickerSettings, log: Logger, schedule: Scheduler): Kicker {
  const due = new Map<string, number>();
  /** The store's latest kick: the interval flush comes within one interval of it, so the follow-ups end there. */
  const since = new Map<string, number>();
  let timer: { at: number; cancel: () => void } | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  function setDue(storeId: string, at: number): void {
    const current = due.get(storeId);
    if (current === undefined || at < current) due.set(storeId, at);
  }

  function arm(): void {
    if (stopped || running || due.size === 0) return;
    const next = Math.min(...due.values());
    if (timer && timer.at <= next) return;
    timer?.cancel();
    const at = next;
    timer = { at, cancel: schedule(fire, Math.max(0, at - deps.now())) };
  }

  function fire(): Promise<void> {
    timer = null;
    const at = deps.now();
    const ready = [...due].filter(([, when]) => when <= at).map(([storeId]) => storeId);
    for (const storeId of ready) due.delete(storeId);
    // Side by side: each store has its own lock and buckets, and one marketplace's slow answer
    // (Pazarama spacing the batches of one push) must not hold the others' flush back.
    const run = Promise.all(ready.map(flush)).then(() => undefined);
    running = run;
    return run.finally(() => {
      running = null;
      arm();
    });
  }

  async function flush(storeId: string): Promise<void> {
    try {
      const result = await deps.flushOne(storeId);
      const retryMs = followUp(result, settings.delayMs);
      const began = since.get(storeId) ?? deps.now();
      if (retryMs === undefined || (await deps.backlog(storeId)).count === 0 || deps.now() + retryMs - began > settings.intervalMs) {
        if (!due.has(storeId)) since.delete(storeId);
        return;
      }
      setDue(storeId, deps.now() + retryMs);
    } catch (error) {
      log.error({ err: error, storeId }, "kicked flush failed");
      if (!due.has(storeId)) since.delete(storeId);
    }
  }

  function kick(storeIds: readonly string[]): void {
    if (stopped) return;
    const at = deps.now();
    for (const storeId of storeIds) {
      since.set(storeId, at);
      setDue(storeId, at + settings.delayMs);
    }
    arm();
  }

  deps.listen({
    onKick: kick,
    // Kicks sent while the channel was down were lost: every store with marks is flushed soon.
    onLive: () => {
      deps.storesWithMarks().then(kick, (error: unknown) => log.warn({ err: error }, "stores with marks not read after the kick channel came back"));
    },
  });

  return {
    kick,
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
      due.clear();
      await running;
    },
  };
}
