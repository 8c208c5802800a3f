/**
 * The one write path of stock levels: every change of on hand, reserved or quarantined (staff
 * shelf changes, release, ship, restock, returns put aside, invariant repair) is a list of signed increments applied here, each
 * with its ledger row in the caller's transaction. The reservation statement (reservation-sql.ts)
 * is the one other writer: the hot path, one statement, with the same guard (it takes at most the
 * free stock it has locked) and its own RESERVE rows.
 *
 * A change that keeps the CHECKs by itself (0 <= reserved increment <= on hand increment) may
 * create the level; any other changes an existing level only where the counters after satisfy
 * the CHECKs, and otherwise is refused (LevelRefused) for the caller to name.
 */
import type { Database } from "../../infra/db";
import { appendMovements, type NewMovement } from "./ledger";
import { addToLevel, changeLevelWithinChecks, type Increments, type LevelKey } from "./levels";
import type { stockMovements } from "./schema";

type MovementKind = (typeof stockMovements.$inferInsert)["kind"];

/** One change of one level and the ledger row that records it. */
export interface LevelChange extends LevelKey, Increments {
  kind: MovementKind;
  /** The shelf the units came from or went to, when there is one. */
  shelfId?: string | null;
  reason: string;
  actorId: string | null;
  correlationId: string;
}

/** A level as a change left it, and the ledger row recording the change. */
export interface ChangedLevel {
  onHand: number;
  reserved: number;
  quarantined: number;
  movementId: number;
}

/** The level does not exist or would break a CHECK; nothing of the call is to be committed. */
export class LevelRefused extends Error {
  constructor(readonly change: LevelChange) {
    super(`stock level change refused: ${JSON.stringify(change)}`);
    this.name = "LevelRefused";
  }
}

const keepsChecks = (by: Increments) => by.reserved >= 0 && by.reserved <= by.onHand && (by.quarantined ?? 0) >= 0;

/**
 * Applies the changes in the given order (several may touch one level: each sees the one before)
 * and writes their ledger rows, before and after as each change found and left the level. The
 * caller holds the products' stock locks and owns the transaction, which it rolls back when this
 * throws (LevelRefused, or a Postgres error such as an integer overflow or an unknown product).
 */
export async function changeLevels(tx: Database, changes: readonly LevelChange[], now: Date): Promise<ChangedLevel[]> {
  const movements: NewMovement[] = [];
  const quarantinedAfter: number[] = [];
  for (const change of changes) {
    const by = { onHand: change.onHand, reserved: change.reserved, quarantined: change.quarantined ?? 0 };
    const after = keepsChecks(by) ? await addToLevel(tx, change, by, now) : await changeLevelWithinChecks(tx, change, by, now);
    if (!after) throw new LevelRefused(change);
    quarantinedAfter.push(after.quarantined);
    movements.push({
      productId: change.productId,
      warehouseId: change.warehouseId,
      shelfId: change.shelfId ?? null,
      kind: change.kind,
      delta: change.onHand,
      onHandBefore: after.onHand - change.onHand,
      onHandAfter: after.onHand,
      reservedBefore: after.reserved - change.reserved,
      reservedAfter: after.reserved,
      quarantineDelta: by.quarantined,
      reason: change.reason,
      actorId: change.actorId,
      correlationId: change.correlationId,
      createdAt: now,
    });
  }
  const ids = await appendMovements(tx, movements);
  return movements.map((movement, i) => ({
    onHand: movement.onHandAfter,
    reserved: movement.reservedAfter,
    quarantined: quarantinedAfter[i] ?? 0,
    movementId: idAt(ids, i),
  }));
}

function idAt(ids: readonly number[], i: number): number {
  const id = ids[i];
  if (id === undefined) throw new Error("the ledger insert answered fewer ids than rows");
  return id;
}
