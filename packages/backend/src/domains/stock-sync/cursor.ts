/** Named sweep positions (e.g. the last stock_movements.id the ledger sweep has marked). */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { syncCursors as cursors } from "./schema";

/** The saved position, or null before the first save. */
export async function readCursor(db: Database, name: string): Promise<number | null> {
  const [row] = await db.select({ position: cursors.position }).from(cursors).where(eq(cursors.name, name));
  return row?.position ?? null;
}

/**
 * Saves a position and answers the one now stored. It never moves backwards: a slow sweep on
 * another replica finishing late must not move it back and make the next sweep redo its work.
 */
export async function saveCursor(db: Database, name: string, position: number): Promise<number> {
  const [row] = await db
    .insert(cursors)
    .values({ name, position })
    .onConflictDoUpdate({
      target: cursors.name,
      set: { position: sql`greatest(${cursors.position}, excluded.position)`, updatedAt: sql`now()` },
    })
    .returning({ position: cursors.position });
  if (!row) throw new Error("cursor upsert returned no row");
  return row.position;
}
