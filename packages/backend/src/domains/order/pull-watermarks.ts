/** The order pull's watermark per store (schema: order_pull_watermarks). */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { orderPullWatermarks } from "./schema";

export async function readWatermark(db: Database, storeId: string): Promise<Date | undefined> {
  const [row] = await db.select({ watermark: orderPullWatermarks.watermark }).from(orderPullWatermarks).where(eq(orderPullWatermarks.storeId, storeId));
  return row?.watermark;
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
