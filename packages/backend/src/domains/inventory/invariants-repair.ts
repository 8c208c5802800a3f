import type { Inventory } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import type { EventHub } from "../../infra/events";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StockChange } from "./events";
import { findViolations, type ReservationRow, type ReservationSource, type Violation } from "./invariants";
import { changeLevels, type LevelChange, LevelRefused } from "./level-changes";
import { lockLevelsOf } from "./levels";
import { lockShelvesOf } from "./shelf-stock";
import { stockLockKey } from "./stock-checks";

export interface RepairDeps {
  db: Database;
  locks: LockPort;
  log: Logger;
  events: EventHub<StockChange>;
  reservationSource?: ReservationSource;
}

interface Counters {
  onHand: number;
  reserved: number;
}

interface Target {
  warehouseId: string;
  stored: Counters;
  truth: Counters;
}

const identity = (v: Violation) => `${v.kind}|${v.productId}|${v.warehouseId}|${v.shelfId ?? ""}`;

/**
 * Per warehouse: what the counters hold and what they should hold. The product's shelf and level
 * rows are locked FOR UPDATE (shelves first, as every writer does), so nothing moves between this
 * read and the corrections.
 */
async function targetsOf(tx: Database, allocations: readonly ReservationRow[], productId: string): Promise<Target[]> {
  const onShelves = await lockShelvesOf(tx, productId);
  const stored = await lockLevelsOf(tx, productId);
  const targets = new Map<string, Target>();
  const target = (warehouseId: string) => {
    const found = targets.get(warehouseId) ?? { warehouseId, stored: { onHand: 0, reserved: 0 }, truth: { onHand: 0, reserved: 0 } };
    targets.set(warehouseId, found);
    return found;
  };
  for (const row of stored) target(row.warehouseId).stored = { onHand: row.onHand, reserved: row.reserved };
  for (const row of onShelves) target(row.warehouseId).truth.onHand += row.quantity;
  for (const row of allocations) target(row.warehouseId).truth.reserved += row.reserved;
  return [...targets.values()].filter((t) => t.stored.onHand !== t.truth.onHand || t.stored.reserved !== t.truth.reserved);
}

function repairReason(t: Target): string {
  const parts = [
    t.stored.onHand !== t.truth.onHand ? `on_hand ${t.stored.onHand} -> ${t.truth.onHand} (sum of shelves)` : undefined,
    t.stored.reserved !== t.truth.reserved ? `reserved ${t.stored.reserved} -> ${t.truth.reserved} (open allocations)` : undefined,
  ];
  return `invariant repair: ${parts.filter(Boolean).join(", ")}`;
}

/** One product's corrections, each an increment through the one level write path with its ledger row, in one transaction. */
async function repairProduct(deps: RepairDeps, productId: string, actorId: string | null, correlationId: string) {
  // Read before the transaction: the source queries through its own handle, which on PGlite (one
  // connection) would wait forever for this transaction. The stock lock keeps orders still meanwhile.
  const source = deps.reservationSource;
  const allocations = source ? (await source([productId])).filter((row) => row.productId === productId) : [];
  return deps.db.transaction(async (tx) => {
    const targets = await targetsOf(tx, allocations, productId);
    const changes = targets.map(
      (t): LevelChange => ({
        productId,
        warehouseId: t.warehouseId,
        onHand: t.truth.onHand - t.stored.onHand,
        reserved: t.truth.reserved - t.stored.reserved,
        kind: "ADJUSTMENT",
        reason: repairReason(t),
        actorId,
        correlationId,
      }),
    );
    const changed = await changeLevels(tx, changes, new Date());
    return { movementIds: changed.map((c) => c.movementId), warehouseIds: targets.map((t) => t.warehouseId) };
  });
}

/**
 * Corrects on hand to the shelves and reserved to the open allocations, product by product under
 * the stock lock, writing a ledger row for every correction. A correction the CHECKs would refuse
 * (allocations above what is on the shelves) is left for a person and stays in `remaining`.
 */
export async function repairInvariants(deps: RepairDeps, actorId: string | null, now = new Date()): Promise<Inventory.RepairReport> {
  const correlationId = `repair:${now.toISOString()}`;
  const before = await findViolations(deps.db, deps.reservationSource);
  const productIds = [...new Set(before.map((v) => v.productId))].sort();
  const movementIds: number[] = [];
  for (const productId of productIds) {
    try {
      const done = await deps.locks.withLocks([stockLockKey(productId)], () => repairProduct(deps, productId, actorId, correlationId));
      movementIds.push(...done.movementIds);
      if (done.warehouseIds.length > 0) {
        deps.log.warn({ productId, warehouseIds: done.warehouseIds, correlationId }, "stock invariants repaired");
        await deps.events.emit({ productIds: [productId], warehouseIds: done.warehouseIds, correlationId });
      }
    } catch (error) {
      if (!(error instanceof LevelRefused)) throw error;
      deps.log.error({ productId, correlationId }, "stock invariant repair refused by a CHECK: needs a person");
    }
  }
  const remaining = await findViolations(deps.db, deps.reservationSource);
  const left = new Set(remaining.map(identity));
  return {
    ok: remaining.length === 0,
    correlationId,
    repaired: before.filter((v) => !left.has(identity(v))),
    remaining,
    movementIds,
  };
}
