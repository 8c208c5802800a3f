/** marketplace_api_logs: written behind every marketplace call without ever slowing or breaking it. */
import { and, between, desc, eq, isNotNull, lt } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { Logger } from "../../infra/logger";
import type { ApiCallHook } from "../marketplace/adapter";
import type { ApiCall } from "../marketplace/types";
import { marketplaceApiLogs as apiLogs } from "./schema";

type ApiLogRow = typeof apiLogs.$inferSelect;
type NewApiLog = typeof apiLogs.$inferInsert;

interface ApiLogWriterOptions {
  /** Rows per insert. */
  batchSize?: number;
  /** How long a lone call waits for company before it is written. */
  delayMs?: number;
  /** Beyond this many unwritten rows (database away) the oldest are dropped, not kept in memory. */
  maxQueued?: number;
}

/** A hook per store (and optionally per request id); flush() writes what is queued (tests, shutdown). */
export type ApiLogWriter = ((storeId: string | null, requestId?: string) => ApiCallHook) & { flush(): Promise<void> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Error codes are short; a runaway message must not bloat the table.
const MAX_ERROR_LENGTH = 500;

function toRow(call: ApiCall, storeId: string | null, requestId: string | undefined): NewApiLog {
  return {
    storeId,
    marketplace: call.marketplace,
    callType: call.callType,
    httpStatus: call.httpStatus,
    durationMs: Math.max(0, Math.round(call.durationMs)),
    itemCount: call.itemCount,
    batchId: call.batchId ?? null,
    error: call.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
    requestId: requestId ?? null,
    // The time of the call, not of the (later, batched) insert.
    createdAt: new Date(),
  };
}

/**
 * The hook only queues (it is synchronous and must never throw into the adapter); rows are
 * inserted in small batches, one insert at a time. A failed insert is a warning and its rows
 * are dropped: an audit log must not take the sync down with it.
 */
export function createApiLogWriter(db: Database, log: Logger, options: ApiLogWriterOptions = {}): ApiLogWriter {
  const batchSize = options.batchSize ?? 100;
  const delayMs = options.delayMs ?? 200;
  const maxQueued = options.maxQueued ?? 10_000;
  let queue: NewApiLog[] = [];
  let draining: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dropped = 0;

  async function writeAll(): Promise<void> {
    // Calls queued while an insert is in flight are picked up by the next turn of this loop.
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      queue = queue.slice(batch.length);
      try {
        await insertApiLogs(db, batch);
      } catch (error) {
        log.warn({ err: error, calls: batch.length }, "marketplace api log rows dropped: insert failed");
      }
    }
  }

  function schedule(): void {
    if (timer) return;
    timer = setTimeout(() => void drain(), delayMs);
    // A pending log write never keeps the process alive; shutdown calls flush().
    timer.unref?.();
  }

  function drain(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    draining ??= writeAll().finally(() => {
      draining = undefined;
      // A call queued between the loop's last check and this line is not left behind.
      if (queue.length > 0) schedule();
    });
    return draining;
  }

  function enqueue(row: NewApiLog): void {
    queue.push(row);
    if (queue.length > maxQueued) {
      queue = queue.slice(queue.length - maxQueued);
      if (dropped++ % 1000 === 0) log.warn({ maxQueued }, "marketplace api log queue full: oldest rows dropped");
    }
    if (draining) return;
    if (queue.length >= batchSize) void drain();
    else schedule();
  }

  const forStore = (storeId: string | null, requestId?: string): ApiCallHook => {
    return (call) => {
      try {
        enqueue(toRow(call, storeId, requestId));
      } catch (error) {
        log.warn({ err: error }, "marketplace api call not logged");
      }
    };
  };
  return Object.assign(forStore, {
    async flush(): Promise<void> {
      while (draining || queue.length > 0) await drain();
    },
  });
}

async function insertApiLogs(db: Database, rows: readonly NewApiLog[]): Promise<void> {
  await db.insert(apiLogs).values([...rows]);
}

/** A store's latest calls, newest first. */
export async function latestCalls(db: Database, storeId: string, limit: number): Promise<ApiLogRow[]> {
  if (!UUID.test(storeId)) return [];
  return db
    .select()
    .from(apiLogs)
    .where(eq(apiLogs.storeId, storeId))
    .orderBy(desc(apiLogs.createdAt), desc(apiLogs.id))
    .limit(limit);
}

/** Deletes calls logged before `olderThan`; answers how many went. */
export async function purgeApiLogs(db: Database, olderThan: Date): Promise<number> {
  const rows = await db.delete(apiLogs).where(lt(apiLogs.createdAt, olderThan)).returning({ id: apiLogs.id });
  return rows.length;
}

/** storeId -> the time of its newest successful stock write (the store index serves it, newest first per store). */
export async function lastStockWrites(db: Database): Promise<Map<string, Date>> {
  const rows = await db
    .selectDistinctOn([apiLogs.storeId], { storeId: apiLogs.storeId, at: apiLogs.createdAt })
    .from(apiLogs)
    .where(and(isNotNull(apiLogs.storeId), eq(apiLogs.callType, "STOCK_UPDATE"), between(apiLogs.httpStatus, 200, 299)))
    .orderBy(apiLogs.storeId, desc(apiLogs.createdAt));
  return new Map(rows.flatMap((r) => (r.storeId === null ? [] : [[r.storeId, r.at] as const])));
}
