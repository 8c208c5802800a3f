/**
 * Recovery: the ledger-cursor sweep re-marks every product changed since its saved
 * position, so a mark lost between commit and Redis heals within one sweep, at a cost that grows
 * with changes, not with the catalog. When the dirty buffer itself was lost (Redis FLUSHALL or
 * restart, or a fresh in-process store) the sweep cannot know what was pending before its cursor,
 * so it asks for a full reconciliation instead.
 */
import type { KeyValueStore } from "../../infra/kv";
import type { Logger } from "../../infra/logger";
import type { LedgerChanges } from "../inventory/ledger-feed";
import type { DirtyMarks, StoreProduct } from "./marks";

export const LEDGER_CURSOR = "ledger";
/** Present while the buffer's Redis still holds what we put there; gone after FLUSHALL or a restart without persistence. */
const SENTINEL_KEY = "sync:sentinel";

export interface SweepDeps {
  kv: KeyValueStore;
  marks: DirtyMarks;
  log: Logger;
  now: () => number;
  readCursor(): Promise<number | null>;
  saveCursor(position: number): Promise<number>;
  changesSince(position: number, limit: number, settledBefore: Date): Promise<LedgerChanges>;
  latestLedgerId(): Promise<number>;
  pairsFor(change: { productIds: string[]; warehouseIds: string[] }): Promise<StoreProduct[]>;
  reconcile(reason: string): Promise<unknown>;
  settings: { pageSize: number; settleMs: number };
}

export interface SweepResult {
  marked: number;
  rows: number;
  position: number;
  reconciled: boolean;
}

export async function sweepLedger(deps: SweepDeps): Promise<SweepResult> {
  const saved = await deps.readCursor();
  const bufferIntact = await deps.kv.exists(SENTINEL_KEY);
  if (saved === null || !bufferIntact) {
    // Everything before "now" may be unsent: compare every listing once, then follow the ledger.
    const position = await deps.latestLedgerId();
    await deps.reconcile(saved === null ? "first sweep" : "dirty buffer lost");
    await deps.kv.set(SENTINEL_KEY, String(deps.now()));
    await deps.saveCursor(position);
    return { marked: 0, rows: 0, position, reconciled: true };
  }
  let position = saved;
  let from = saved;
  let marked = 0;
  let rows = 0;
  for (;;) {
    const changes = await deps.changesSince(from, deps.settings.pageSize, new Date(deps.now() - deps.settings.settleMs));
    if (changes.rows === 0 || changes.lastId === null) break;
    const pairs = await deps.pairsFor(changes);
    await deps.marks.markDirty(pairs);
    marked += pairs.length;
    rows += changes.rows;
    // Only settled rows move the cursor; the rest are read again (and re-marked) next sweep.
    if (changes.settledId !== null && changes.settledId > position && from === position) position = changes.settledId;
    from = changes.lastId;
    if (changes.rows < deps.settings.pageSize) break;
  }
  if (position > saved) position = await deps.saveCursor(position);
  if (marked > 0) deps.log.info({ rows, marked, position }, "ledger sweep re-marked changed products");
  return { marked, rows, position, reconciled: false };
}
