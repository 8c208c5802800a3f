/**
 * Each marketplace store's next order pull: its due time and idle backoff, kept in the
 * KeyValueStore so every replica reads the same schedule (it is written and re-read under the
 * store's pull lock). The rules, as a seller who was oversold before would want them: the
 * marketplace's interval (baseMs) is the longest a store ever goes unread, so the first order
 * after a quiet hour waits no longer than that; a store whose pull took in something new is read
 * MAX_IDLE_FACTOR times as often (never under MIN_ACTIVE_MS); one that found nothing backs off,
 * doubling back up to the interval; a pull stopped by the order quota comes back when the quota
 * allows, one stopped by its page budget at once.
 */
import type { KeyValueStore } from "../../infra/kv";
import type { FeedOutcome } from "./marketplace-feed";
import type { PullReport } from "./marketplace-pull";

/** Outcomes that mean the store has just sold or lost a sale: stock moves, so read it again soon. */
export const FRESH_OUTCOMES: readonly FeedOutcome[] = ["created", "oversold", "needs_attention", "cancelled"];
/** A store that has just sold is pulled this many times as often as its marketplace's interval. */
export const MAX_IDLE_FACTOR = 4;
const MAX_LEVEL = Math.log2(MAX_IDLE_FACTOR);
/** The shortest interval between two pulls of one store, whatever its marketplace allows. */
export const MIN_ACTIVE_MS = 5_000;

/** The interval at an idle level: a quarter of the marketplace's (at least MIN_ACTIVE_MS) doubled per level, never past the marketplace's. */
export function intervalAt(baseMs: number, level: number): number {
  const activeMs = Math.max(MIN_ACTIVE_MS, Math.round(baseMs / MAX_IDLE_FACTOR));
  return Math.min(baseMs, activeMs * 2 ** level);
}
/** A schedule outlives a deleted store by this long at most. */
const KEEP_MS = 24 * 60 * 60_000;

export type ScheduleOutcome = "fresh" | "idle" | "rate_limited" | "backlog" | "failed" | "skipped";

export interface StoreSchedule {
  /** When the store is next pulled (epoch ms). */
  dueAt: number;
  /** Idle doublings so far: the interval is intervalAt(baseMs, level). */
  level: number;
  baseMs: number;
  /** The interval dueAt was set from. */
  intervalMs: number;
  lastPullAt: number;
  lastOutcome: ScheduleOutcome;
}

const scheduleKey = (storeId: string) => `order-pull:schedule:${storeId}`;

export const hasFresh = (outcomes: Partial<Record<FeedOutcome, number>>) => FRESH_OUTCOMES.some((o) => (outcomes[o] ?? 0) > 0);

/** What a pull's report (or failure) says about the store; undefined when it says nothing (another replica holds it). */
export function outcomeOf(result: { report: PullReport } | { error: unknown }): ScheduleOutcome | undefined {
  if ("error" in result) return "failed";
  const { report } = result;
  if (!report.pulled) return report.reason === "locked" || report.reason === "not_due" ? undefined : "skipped";
  if (hasFresh(report.outcomes)) return report.waitMs !== undefined ? "rate_limited" : report.complete ? "fresh" : "backlog";
  if (report.waitMs !== undefined) return "rate_limited";
  return report.complete ? "idle" : "backlog";
}

/**
 * The schedule after a pull that started at `startedAt` and ended at `now`. Intervals count from
 * the pull's start, so a slow marketplace does not stretch them; a due time already past is due
 * at the next tick.
 */
export function nextSchedule(args: {
  previous: StoreSchedule | null;
  baseMs: number;
  startedAt: number;
  now: number;
  outcome: ScheduleOutcome;
  fresh: boolean;
  waitMs?: number;
}): StoreSchedule {
  const { previous, baseMs, startedAt, now, outcome } = args;
  const before = previous?.level ?? 0;
  const level = args.fresh ? 0 : outcome === "idle" || outcome === "failed" ? Math.min(before + 1, MAX_LEVEL) : before;
  const intervalMs = intervalAt(baseMs, level);
  let dueAt = Math.max(startedAt + intervalMs, now);
  if (outcome === "rate_limited") dueAt = now + (args.waitMs ?? 0);
  if (outcome === "backlog") dueAt = now;
  if (outcome === "skipped") dueAt = now + baseMs;
  return { dueAt, level, baseMs, intervalMs, lastPullAt: startedAt, lastOutcome: outcome };
}

export function createPullSchedules(kv: KeyValueStore) {
  return {
    async read(storeId: string): Promise<StoreSchedule | null> {
      const text = await kv.get(scheduleKey(storeId));
      return text === null ? null : (JSON.parse(text) as StoreSchedule);
    },
    async write(storeId: string, schedule: StoreSchedule): Promise<void> {
      await kv.set(scheduleKey(storeId), JSON.stringify(schedule), { ttlMs: KEEP_MS + schedule.intervalMs });
    },
  };
}

export type PullSchedules = ReturnType<typeof createPullSchedules>;
