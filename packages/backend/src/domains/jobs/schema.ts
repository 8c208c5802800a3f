import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { stores } from "../catalog/schema";
import { users } from "../identity/schema";

export const JOB_STATES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Long work (listing imports, drift checks, later catalog imports) that must survive a crash. */
export const JOB_KINDS = ["LISTING_IMPORT", "LISTING_DRIFT_CHECK"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** How far a job got, as its runner counts it; shown by GET /api/v1/jobs/:id. */
export interface JobProgress {
  /** Units done so far (remote listings read, listings checked). */
  done: number;
  /** Units in all, once known; null until then. */
  total: number | null;
  /** The runner's own counters (linked, unlinked, conflicting, drifted...). */
  counts: Record<string, number>;
}

/**
 * One durable job: claimed under a lease by one replica at a time, its cursor saved after each
 * step so a replica that dies is resumed from there by another (or by itself after a restart),
 * and failed once it has been started `maxAttempts` times without finishing.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text({ enum: JOB_KINDS }).notNull(),
    storeId: uuid().references(() => stores.id, { onDelete: "cascade" }),
    state: text({ enum: JOB_STATES }).notNull().default("QUEUED"),
    /** What was asked (validated by the runner of the kind). */
    params: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Where the runner resumes (the marketplace's next page, our last key); null at the start. */
    cursor: jsonb().$type<Record<string, unknown>>(),
    progress: jsonb().$type<JobProgress>().notNull().default({ done: 0, total: null, counts: {} }),
    /** The runner's answer once SUCCEEDED. */
    result: jsonb().$type<Record<string, unknown>>(),
    /** Why it FAILED (a stable code and message). */
    errorCode: text(),
    error: text(),
    /** Times a runner has claimed it; past maxAttempts a claim fails it instead. */
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(5),
    /** Which process holds the lease, and until when; a lease past its time may be taken over. */
    leaseOwner: text(),
    leaseUntil: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The claim: queued jobs, and running ones whose lease ran out, oldest first.
    index("jobs_claimable_idx").on(t.createdAt).where(sql`${t.state} in ('QUEUED', 'RUNNING')`),
    // A store's jobs of a kind, newest first (the drift schedule's "last check").
    index("jobs_store_kind_idx").on(t.storeId, t.kind, t.createdAt),
    // At most one unfinished job of a kind per store: a second import (or a second replica's scheduled check) is refused.
    uniqueIndex("jobs_one_active_per_store_kind").on(t.storeId, t.kind).where(sql`${t.state} in ('QUEUED', 'RUNNING')`),
    check("jobs_state_known", sql`${t.state} in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')`),
    check("jobs_attempts_range", sql`${t.attempts} >= 0 and ${t.maxAttempts} between 1 and 100`),
  ],
);
