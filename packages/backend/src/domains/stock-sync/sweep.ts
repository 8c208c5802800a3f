/**
 * Recovery: the ledger-cursor sweep re-marks every product changed since its saved
 * position, so a mark lost between commit and Redis heals within one sweep, at a cost that grows
 * with changes, not with the catalog. When the dirty buffer itself was lost (Redis FLUSHALL or
 * restart, or a fresh in-process store) the sweep cannot know what was pending before its cursor,
 * so it asks for a full reconciliation instead.
 */
import type { Database } from "../../infra/db";
import type { KeyValueStore } from "../../infra/kv";
import type { Logger } from "../../infra/logger";
import { latestLedgerId, ledgerChangesSince } from "../inventory/service";
import { readCursor, saveCursor } from "./cursor";
import type { DirtyBuffer, StoreProduct } from "./dirty-buffer";

const LEDGER_CURSOR = "ledger";
/** Present while the buffer's Redis still holds what we put there; gone after FLUSHALL or a restart without persistence. */
const SENTINEL_KEY = "sync:sentinel";
const PAGE_SIZE = 5_000;
/** A ledger row younger than this may still have a lower-id sibling committing: the cursor stays before it. */
const SETTLE_MS = 30_000;

interface SweepDeps {
  db: Database;
  kv: KeyValueStore;
  buffer: Pick<DirtyBuffer, "markDirty">;
  log: Logger;
  now: () => number;
  /** Which (store, product) pairs a stock change touches. */
  pairsFor(change: { productIds: string[]; warehouseIds: string[] }): Promise<StoreProduct[]>;
  /** The full reconciliation, for when the buffer cannot be trusted to hold what was pending. */
  reconcile(reason: string): Promise<unknown>;
}

export interface SweepResult {
  marked: number;
  rows: number;
  position: number;
  reconciled: boolean;
}

export async function sweepLedger(deps: SweepDeps): Promise<SweepResult> {
  const saved = await readCursor(deps.db, LEDGER_CURSOR);
  const bufferIntact = await deps.kv.exists(SENTINEL_KEY);
  if (saved === null || !bufferIntact) {
    // Everything before "now" may be unsent: compare every listing once, then follow the ledger.
    const position = await latestLedgerId(deps.db);
    await deps.reconcile(saved === null ? "first sweep" : "dirty buffer lost");
    await deps.kv.set(SENTINEL_KEY, String(deps.now()));
    await saveCursor(deps.db, LEDGER_CURSOR, position);
    return { marked: 0, rows: 0, position, reconciled: true };
  }
  let position = saved;
  let from = saved;
  let marked = 0;
  let rows = 0;
  for (;;) {
    const changes = await ledgerChangesSince(deps.db, from, PAGE_SIZE, new Date(deps.now() - SETTLE_MS));
    if (changes.rows === 0 || changes.lastId === null) break;
    const pairs = await deps.pairsFor(changes);
    await deps.buffer.markDirty(pairs);
    marked += pairs.length;
    rows += changes.rows;
    // Only settled rows move the cursor; the rest are read again (and re-marked) next sweep.
    if (changes.settledId !== null && changes.settledId > position && from === position) position = changes.settledId;
    from = changes.lastId;
    if (changes.rows < PAGE_SIZE) break;
  }
  if (position > saved) position = await saveCursor(deps.db, LEDGER_CURSOR, position);
  if (marked > 0) deps.log.info({ rows, marked, position }, "ledger sweep re-marked changed products");
  return { marked, rows, position, reconciled: false };
}
