import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Timestamp, Uuid } from "./common";

export const JobKind = Type.Union([Type.Literal("LISTING_IMPORT"), Type.Literal("LISTING_DRIFT_CHECK")]);
export type JobKind = Static<typeof JobKind>;

export const JobState = Type.Union([Type.Literal("QUEUED"), Type.Literal("RUNNING"), Type.Literal("SUCCEEDED"), Type.Literal("FAILED")]);
export type JobState = Static<typeof JobState>;

export const JobProgress = Type.Object(
  {
    done: Type.Integer({ minimum: 0, description: "units done so far (remote listings read, listings checked)" }),
    total: Nullable(Type.Integer({ minimum: 0, description: "units in all, once known" })),
    counts: Type.Record(Type.String(), Type.Integer(), { description: "the kind's own counters (linked, unlinked, conflicting...)" }),
  },
  { description: "How far a job got" },
);
export type JobProgress = Static<typeof JobProgress>;

export const JobError = Type.Object(
  { code: Type.String({ description: "stable: JOB_FAILED, JOB_ATTEMPTS_EXHAUSTED, or the kind's own" }), message: Type.String() },
  { description: "Why the job FAILED, or why its last attempt failed while it is queued again" },
);

export const Job = Type.Object(
  {
    id: Uuid,
    kind: JobKind,
    storeId: Nullable(Uuid),
    state: JobState,
    progress: JobProgress,
    result: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: "the kind's answer once SUCCEEDED" })),
    error: Nullable(JobError),
    attempts: Type.Integer({ minimum: 0 }),
    maxAttempts: Type.Integer({ minimum: 1 }),
    createdAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
    updatedAt: Timestamp,
  },
  { description: "A long piece of work (a listing import, a drift check) run by the job worker, resumed after a crash" },
);
export type Job = Static<typeof Job>;

export const JobParams = Type.Object({ id: Uuid });

/** `?limit=&offset=`: limit 1..100 (default 20). */
export const OffsetQueryFields = {
  limit: Type.Optional(Type.String({ pattern: "^(100|[1-9][0-9]?)$", maxLength: 3, description: "items per page, 1..100 (default 20)" })),
  offset: Type.Optional(Type.String({ pattern: "^(0|[1-9][0-9]{0,6})$", maxLength: 7, description: "items skipped (default 0)" })),
};

export const JobListQuery = Type.Object({
  storeId: Type.Optional(Uuid),
  kind: Type.Optional(JobKind),
  state: Type.Optional(JobState),
  ...OffsetQueryFields,
});

export const JobList = Type.Object(
  { items: Type.Array(Job), limit: Type.Integer(), offset: Type.Integer(), total: Type.Integer() },
  { description: "Jobs, newest first" },
);
export type JobList = Static<typeof JobList>;
