import type { Jobs } from "@pazarsync/shared";
import type { JobRow } from "./runner";

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/** A job as clients see it: the lease and the cursor are the worker's business. */
export function jobView(row: JobRow): Jobs.Job {
  return {
    id: row.id,
    kind: row.kind,
    storeId: row.storeId,
    state: row.state,
    progress: row.progress,
    result: row.result ?? null,
    error: row.errorCode ? { code: row.errorCode, message: row.error ?? "" } : null,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    updatedAt: row.updatedAt.toISOString(),
  };
}
