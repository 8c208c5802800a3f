/** Where the order pull stands per store (schema: order_pull_watermarks): its watermark and an open window. */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { orderPullWatermarks } from "./schema";

/** A window [since, until) read up to `page` (the adapter's token; undefined: from its first page). */
export interface OpenWindow {
  since: Date;
  until: Date;
  page?: string;
}

export interface PullPosition {
  /** Every order modified before this is recorded; undefined before the store's first pull. */
  watermark?: Date;
  /** A window a pull was cut short in, to go on with before any other. */
  resume?: OpenWindow;
}

export async function readPullPosition(db: Database, storeId: string): Promise<PullPosition> {
  const [row] = await db.select().from(orderPullWatermarks).where(eq(orderPullWatermarks.storeId, storeId));
  if (!row) return {};
  const resume = row.resumeSince && row.resumeUntil ? { since: row.resumeSince, until: row.resumeUntil, ...(row.resumePage === null ? {} : { page: row.resumePage }) } : undefined;
  return { watermark: row.watermark, ...(resume ? { resume } : {}) };
}

export async function readWatermark(db: Database, storeId: string): Promise<Date | undefined> {
  return (await readPullPosition(db, storeId)).watermark;
}

/** Moves the watermark to `to` unless it is already later: two pulls racing never move it back. */
export async function advanceWatermark(db: Database, storeId: string, to: Date): Promise<void> {
  await db
    .insert(orderPullWatermarks)
    .values({ storeId, watermark: to })
    .onConflictDoUpdate({
      target: orderPullWatermarks.storeId,
      set: { watermark: sql`greatest(${orderPullWatermarks.watermark}, excluded.watermark)`, updatedAt: sql`now()` },
    });
}

/**
 * Records how far an unfinished window was read. `watermark` is written only when the store has no
 * row yet (its first pull): the pull's starting point, which nothing has moved past.
 */
export async function keepOpenWindow(db: Database, storeId: string, watermark: Date, window: OpenWindow): Promise<void> {
  const resume = { resumeSince: window.since, resumeUntil: window.until, resumePage: window.page ?? null };
  await db
    .insert(orderPullWatermarks)
    .values({ storeId, watermark, ...resume })
    .onConflictDoUpdate({ target: orderPullWatermarks.storeId, set: { ...resume, updatedAt: sql`now()` } });
}

/** Every page of the window is read: the watermark moves to its end (never back) and nothing stays open. */
export async function closeWindow(db: Database, storeId: string, until: Date): Promise<void> {
  const closed = { resumeSince: null, resumeUntil: null, resumePage: null };
  await db
    .insert(orderPullWatermarks)
    .values({ storeId, watermark: until, ...closed })
    .onConflictDoUpdate({
      target: orderPullWatermarks.storeId,
      set: { watermark: sql`greatest(${orderPullWatermarks.watermark}, excluded.watermark)`, ...closed, updatedAt: sql`now()` },
    });
}
