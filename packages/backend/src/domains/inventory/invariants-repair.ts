import type { Inventory } from "@pazarsync/shared";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { EventHub } from "../../infra/events";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StockChange } from "./events";
import { findViolations, type ReservationRow, type ReservationSource, type Violation } from "./invariants";
import { appendMovement } from "./ledger";
import { isCheckViolation } from "../../infra/pg-errors";
import { inventoryLevels, shelfStock, shelves } from "./schema";

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
 * rows are locked FOR UPDATE, so nothing moves between this read and the corrections.
 */
async function targetsOf(tx: Database, allocations: readonly ReservationRow[], productId: string): Promise<Target[]> {
  const stored = await tx
    .select({ warehouseId: inventoryLevels.warehouseId, onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved })
    .from(inventoryLevels)
    .where(eq(inventoryLevels.productId, productId))
    .for("update");
  const onShelves = await tx
    .select({ warehouseId: shelves.warehouseId, quantity: shelfStock.quantity })
    .from(shelfStock)
    .innerJoin(shelves, eq(shelves.id, shelfStock.shelfId))
    .where(eq(shelfStock.productId, productId))
    .for("update", { of: shelfStock });
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

/** One product's corrections and their ledger rows in one transaction; the changes are increments, each recorded. */
async function repairProduct(deps: RepairDeps, productId: string, actorId: string | null, correlationId: string) {
  // Read before the transaction: the source queries through its own handle, which on PGlite (one
  // connection) would wait forever for this transaction. The stock lock keeps orders still meanwhile.
  const source = deps.reservationSource;
  const allocations = source ? (await source([productId])).filter((row) => row.productId === productId) : [];
  return deps.db.transaction(async (tx) => {
    const movementIds: number[] = [];
    const targets = await targetsOf(tx, allocations, productId);
    for (const t of targets) {
      const onHandDelta = t.truth.onHand - t.stored.onHand;
      const reservedDelta = t.truth.reserved - t.stored.reserved;
      const [after] = await tx
        .insert(inventoryLevels)
        .values({ productId, warehouseId: t.warehouseId, onHand: t.truth.onHand, reserved: t.truth.reserved })
        .onConflictDoUpdate({
          target: [inventoryLevels.productId, inventoryLevels.warehouseId],
          set: {
            onHand: sql`${inventoryLevels.onHand} + ${onHandDelta}`,
            reserved: sql`${inventoryLevels.reserved} + ${reservedDelta}`,
            updatedAt: new Date(),
          },
        })
        .returning({ onHand: inventoryLevels.onHand, reserved: inventoryLevels.reserved });
      if (!after) throw new Error("inventory level upsert returned nothing");
      movementIds.push(
        await appendMovement(tx, {
          productId,
          warehouseId: t.warehouseId,
          kind: "ADJUSTMENT",
          delta: onHandDelta,
          onHandBefore: after.onHand - onHandDelta,
          onHandAfter: after.onHand,
          reservedBefore: after.reserved - reservedDelta,
          reservedAfter: after.reserved,
          reason: repairReason(t),
          actorId,
          correlationId,
        }),
      );
    }
    return { movementIds, warehouseIds: targets.map((t) => t.warehouseId) };
  });
}

/**
 * Corrects on hand to the shelves and reserved to the open allocations, product by product under
 * the stock lock, writing a ledger row for every correction. A correction the CHECKs refuse
 * (allocations above what is on the shelves) is left for a person and stays in `remaining`.
 */
export async function repairInvariants(deps: RepairDeps, actorId: string | null, now = new Date()): Promise<Inventory.RepairReport> {
  const correlationId = `repair:${now.toISOString()}`;
  const before = await findViolations(deps.db, deps.reservationSource);
  const productIds = [...new Set(before.map((v) => v.productId))].sort();
  const movementIds: number[] = [];
  for (const productId of productIds) {
    try {
      const done = await deps.locks.withLocks([`stock:${productId}`], () => repairProduct(deps, productId, actorId, correlationId));
      movementIds.push(...done.movementIds);
      if (done.warehouseIds.length > 0) {
        deps.log.warn({ productId, warehouseIds: done.warehouseIds, correlationId }, "stock invariants repaired");
        await deps.events.emit({ productIds: [productId], warehouseIds: done.warehouseIds, correlationId });
      }
    } catch (error) {
      if (!isCheckViolation(error)) throw error;
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
