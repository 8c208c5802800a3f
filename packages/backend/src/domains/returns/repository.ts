/** Reading and writing the return tables; no rules here, only rows. */
import type { Returns } from "@pazarsync/shared";
import { and, asc, count, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { returnClaimWatermarks, returnLines, returns } from "./schema";

export type ReturnRow = typeof returns.$inferSelect;
export type NewReturn = typeof returns.$inferInsert;
export type LineRow = typeof returnLines.$inferSelect;
export type NewLine = Omit<typeof returnLines.$inferInsert, "returnId">;

export async function insertReturn(tx: Database, row: NewReturn, lines: readonly NewLine[]): Promise<ReturnRow> {
  const [inserted] = await tx.insert(returns).values(row).returning();
  if (!inserted) throw new Error("return insert returned nothing");
  await insertLines(tx, inserted.id, lines);
  return inserted;
}

async function insertLines(tx: Database, returnId: string, lines: readonly NewLine[]): Promise<void> {
  if (lines.length === 0) return;
  await tx.insert(returnLines).values(lines.map((line) => ({ ...line, returnId })));
}

/** A return's lines replaced (a claim read again before anything came back). */
export async function replaceLines(tx: Database, returnId: string, lines: readonly NewLine[]): Promise<void> {
  await tx.delete(returnLines).where(eq(returnLines.returnId, returnId));
  await insertLines(tx, returnId, lines);
}

export async function returnRow(db: Database, returnId: string): Promise<ReturnRow | undefined> {
  const [row] = await db.select().from(returns).where(eq(returns.id, returnId));
  return row;
}

/** The row locked until the transaction ends: receipts and decisions of one return queue here. */
export async function lockReturn(tx: Database, returnId: string): Promise<ReturnRow | undefined> {
  const [row] = await tx.select().from(returns).where(eq(returns.id, returnId)).for("update");
  return row;
}

export async function lockClaim(tx: Database, storeId: string, claimId: string): Promise<ReturnRow | undefined> {
  const [row] = await tx
    .select()
    .from(returns)
    .where(and(eq(returns.storeId, storeId), eq(returns.externalClaimId, claimId)))
    .for("update");
  return row;
}

export async function updateReturn(tx: Database, returnId: string, values: Partial<NewReturn>): Promise<ReturnRow> {
  const [row] = await tx
    .update(returns)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(returns.id, returnId))
    .returning();
  if (!row) throw new Error("return update found no row");
  return row;
}

export async function linesOf(db: Database, returnIds: readonly string[]): Promise<LineRow[]> {
  if (returnIds.length === 0) return [];
  return db
    .select()
    .from(returnLines)
    .where(inArray(returnLines.returnId, [...returnIds]))
    .orderBy(asc(returnLines.returnId), asc(returnLines.lineNo));
}

/** One receipt added to a line: its counters by increments, its receipt appended. */
export async function receiveOnLine(
  tx: Database,
  returnId: string,
  lineNo: number,
  receipt: Returns.ReturnReceipt,
): Promise<void> {
  const restocked = receipt.to === "SHELF" ? receipt.quantity : 0;
  const quarantined = receipt.to === "QUARANTINE" ? receipt.quantity : 0;
  await tx
    .update(returnLines)
    .set({
      quantityRestocked: sql`${returnLines.quantityRestocked} + ${restocked}`,
      quantityQuarantined: sql`${returnLines.quantityQuarantined} + ${quarantined}`,
      receipts: sql`${returnLines.receipts} || ${JSON.stringify([receipt])}::jsonb`,
    })
    .where(and(eq(returnLines.returnId, returnId), eq(returnLines.lineNo, lineNo)));
}

export interface ReturnFilter {
  status?: Returns.ReturnStatus;
  storeId?: string;
  orderId?: string;
}

export async function returnRowsPage(db: Database, filter: ReturnFilter, limit: number, offset: number): Promise<{ rows: ReturnRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(returns.status, filter.status));
  if (filter.storeId) conditions.push(eq(returns.storeId, filter.storeId));
  if (filter.orderId) conditions.push(eq(returns.orderId, filter.orderId));
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  // Newest first; the id breaks ties between returns recorded in the same instant.
  const rows = await db.select().from(returns).where(where).orderBy(desc(returns.createdAt), desc(returns.id)).limit(limit).offset(offset);
  const [counted] = await db.select({ total: count() }).from(returns).where(where);
  return { rows, total: counted?.total ?? 0 };
}

/** A store's marketplace returns kept without their order, oldest first (served by returns_status_store_idx). */
export async function waitingClaims(db: Database, storeId: string, limit: number): Promise<ReturnRow[]> {
  return db
    .select()
    .from(returns)
    .where(and(eq(returns.status, "NEEDS_ATTENTION"), eq(returns.storeId, storeId), isNull(returns.orderId)))
    .orderBy(asc(returns.createdAt))
    .limit(limit);
}

export async function claimWatermark(db: Database, storeId: string): Promise<Date | undefined> {
  const [row] = await db.select().from(returnClaimWatermarks).where(eq(returnClaimWatermarks.storeId, storeId));
  return row?.watermark;
}

/** Moves the claims watermark to `to` unless it is already later: two pulls never move it back. */
export async function advanceClaimWatermark(db: Database, storeId: string, to: Date): Promise<void> {
  await db
    .insert(returnClaimWatermarks)
    .values({ storeId, watermark: to })
    .onConflictDoUpdate({
      target: returnClaimWatermarks.storeId,
      set: { watermark: sql`greatest(${returnClaimWatermarks.watermark}, excluded.watermark)`, updatedAt: sql`now()` },
    });
}

/** When the store's oldest claim still open at the marketplace (and undecided here) was recorded; undefined when none is. */
export async function oldestOpenClaim(db: Database, storeId: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: sql<Date | string | null>`min(${returns.createdAt})` })
    .from(returns)
    .where(and(eq(returns.storeId, storeId), eq(returns.source, "MARKETPLACE"), eq(returns.claimState, "OPEN"), eq(returns.decision, "PENDING")));
  return row?.at ? new Date(row.at) : undefined;
}

/** Returns waiting for staff (NEEDS_ATTENTION) per store: the returns_needing_attention gauge. */
export async function needingAttentionCounts(db: Database): Promise<{ storeId: string; count: number }[]> {
  const rows = await db.select({ storeId: returns.storeId, count: count() }).from(returns).where(eq(returns.status, "NEEDS_ATTENTION")).groupBy(returns.storeId);
  return rows.map((row) => ({ storeId: row.storeId, count: Number(row.count) }));
}

/** The order's returns, first recorded first, as the order's staff view lists them. */
export async function returnsOfOrder(db: Database, orderId: string): Promise<{ id: string; source: string; status: string; decision: string }[]> {
  return db.select({ id: returns.id, source: returns.source, status: returns.status, decision: returns.decision }).from(returns).where(eq(returns.orderId, orderId)).orderBy(asc(returns.createdAt), asc(returns.id));
}

/** Claims still open at the marketplace and undecided here, recorded before `before`: the oldest first. */
export async function openClaimIds(db: Database, storeId: string, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ claimId: returns.externalClaimId })
    .from(returns)
    .where(and(eq(returns.storeId, storeId), eq(returns.source, "MARKETPLACE"), eq(returns.claimState, "OPEN"), eq(returns.decision, "PENDING"), lt(returns.createdAt, before)))
    .orderBy(asc(returns.createdAt), asc(returns.id))
    .limit(limit);
  return rows.flatMap((row) => (row.claimId === null ? [] : [row.claimId]));
}
