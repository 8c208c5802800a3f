/**
 * Dispatch deadlines: the latest a marketplace wants an order handed to the carrier (orders.dispatch_by,
 * set by intake from NormalisedOrder.dispatchBy and moved when the marketplace moves it). Missing
 * one costs the seller (late-shipment penalties, cancelled orders), so staff list what is due
 * (GET /api/v1/orders?dueBefore=) and on-call is alerted from two gauges per store, read from
 * Postgres when /metrics is scraped.
 */
import type { Registry } from "prom-client";
import { and, count, eq, inArray, isNotNull, lte, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { cachedReading, scrapedGauge } from "../../infra/scraped-gauge";
import type { Logger } from "../../infra/logger";
import { orders } from "./schema";
import type { OrderStatus } from "./status";

/**
 * Orders the marketplace still waits to see dispatched: an OVERSOLD or NEEDS_ATTENTION order is
 * owed to its buyer as much as a reserved one, and is the likelier to miss its deadline.
 */
export const DISPATCH_OPEN_STATUSES: readonly OrderStatus[] = ["CREATED", "CONFIRMED", "PICKING", "INVOICED", "OVERSOLD", "NEEDS_ATTENTION"];

export const DEFAULT_DISPATCH_WARNING_MS = 4 * 60 * 60_000;

/** The open orders due before `instant` (served by orders_dispatch_by_idx). */
export const dueBeforeCondition = (instant: Date): SQL =>
  sql`${orders.dispatchBy} < ${instant.toISOString()}::timestamptz and ${inArray(orders.status, [...DISPATCH_OPEN_STATUSES])}`;

/** Open orders per store past their deadline (overdue) and within `warningMs` of it (dueSoon). */
export async function dispatchDueCounts(db: Database, now: Date, warningMs: number): Promise<{ storeId: string; dueSoon: number; overdue: number }[]> {
  const at = now.toISOString();
  const horizon = new Date(now.getTime() + warningMs).toISOString();
  const rows = await db
    .select({
      storeId: orders.storeId,
      dueSoon: count(sql`case when ${orders.dispatchBy} > ${at}::timestamptz then 1 end`),
      overdue: count(sql`case when ${orders.dispatchBy} <= ${at}::timestamptz then 1 end`),
    })
    .from(orders)
    .where(and(isNotNull(orders.dispatchBy), lte(orders.dispatchBy, sql`${horizon}::timestamptz`), inArray(orders.status, [...DISPATCH_OPEN_STATUSES])))
    .groupBy(orders.storeId);
  return rows;
}

/**
 * Marketplace intake: the deadline as the marketplace last gave it. Only a readable instant is
 * stored; a marketplace that stops sending one leaves the last one standing (the raw payload
 * keeps what it sent).
 */
export async function moveDispatchBy(db: Database, orderId: string, dispatchBy: Date): Promise<void> {
  await db
    .update(orders)
    .set({ dispatchBy, updatedAt: sql`now()` })
    .where(and(eq(orders.id, orderId), sql`${orders.dispatchBy} is distinct from ${dispatchBy.toISOString()}::timestamptz`));
}

/** An adapter's ISO text as an instant; undefined (logged) when it is not one. */
export function dispatchInstant(text: string | undefined, log: Logger, context: { storeId: string; externalOrderId: string | undefined }): Date | undefined {
  if (text === undefined) return undefined;
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime())) {
    log.warn({ ...context, dispatchBy: text }, "marketplace order's dispatch deadline unreadable: not stored");
    return undefined;
  }
  return instant;
}

/**
 * orders_dispatch_due_soon and orders_dispatch_overdue per store_id, read on scrape (cached
 * briefly, dropped when the query fails or is slow, like the pool gauges). Every replica reads the
 * same table: max, not sum. Stores with nothing due show no series.
 */
export function registerDispatchMetrics(registry: Registry, deps: { db: Database; warningMs: number; now?: () => Date; cacheMs?: number; timeoutMs?: number }): void {
  if (registry.getSingleMetric("orders_dispatch_due_soon")) return;
  const now = deps.now ?? (() => new Date());
  const read = cachedReading(() => dispatchDueCounts(deps.db, now(), deps.warningMs), deps.cacheMs ?? 5000, deps.timeoutMs ?? 1000, "dispatch deadlines");
  const gauge = scrapedGauge(registry);
  const hours = Math.round((deps.warningMs / 3_600_000) * 100) / 100;
  gauge("orders_dispatch_due_soon", `Open orders whose marketplace dispatch deadline is less than ORDER_DISPATCH_WARNING_MS (${hours} h) away, per store`, ["store_id"], async () =>
    ((await read()) ?? []).filter((row) => row.dueSoon > 0).map((row) => [{ store_id: row.storeId }, row.dueSoon]),
  );
  gauge("orders_dispatch_overdue", "Open orders past their marketplace dispatch deadline, per store", ["store_id"], async () =>
    ((await read()) ?? []).filter((row) => row.overdue > 0).map((row) => [{ store_id: row.storeId }, row.overdue]),
  );
}


