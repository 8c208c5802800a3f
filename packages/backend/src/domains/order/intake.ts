/**
 * Marketplace orders: recorded once per (store, external id), reserved like any order, OVERSOLD
 * when short, NEEDS_ATTENTION (nothing reserved, raw payload and reasons kept) when intake cannot
 * read them. A NEEDS_ATTENTION order that arrives again readable (its product was created since)
 * is taken in then: the marketplace keeps sending a package while it is open, and a sale that can
 * be reserved automatically should not wait for an operator.
 */
import { randomUUID } from "node:crypto";
import { type Orders, Uuid } from "@pazarsync/shared";
import { isUniqueViolation } from "../../infra/pg-errors";
import type { Allocation, Demand, Shortage, StockContext, Transaction } from "../inventory/reservation-types";
import { stockLockKey } from "../inventory/service";
import { type OrderContext, SYSTEM } from "./context";
import { componentDemand } from "./demand";
import { UnknownStore } from "./errors";
import { type ExaminedOrder, examineOrder, externalOrderKey, quotableBarcodes, rawPayloadText } from "./intake-attention";
import * as repo from "./repository";
import { INTAKE_TAKES_IN } from "./status";
import { present, type Transitions } from "./transitions";

const EXTERNAL_ID_UNIQUE = "orders_store_external_unique";
/** Adapters pass ids through as strings; a malformed one must not reach Postgres as a uuid. */
const UUID = new RegExp(Uuid.pattern ?? "^$");

export interface MarketplaceOrderInput {
  storeId: string;
  externalOrderId: string;
  /** What the marketplace charged, minor units VAT included, per unit. */
  lines: readonly { barcode: string; quantity: number; unitPrice: number }[];
  currency: string;
  /** The package as the marketplace sent it, kept with the order (and all an operator has when it cannot be read). */
  raw?: unknown;
}

export interface IntakeResult {
  order: Orders.Order;
  /**
   * False when the order was already known and nothing changed: nothing was reserved again.
   * True when it was recorded now, or a NEEDS_ATTENTION order was taken in now.
   */
  created: boolean;
}

export type MarketplaceCancellation =
  | { outcome: "CANCELLED" | "ALREADY_CANCELLED"; order: Orders.Order }
  | { outcome: "UNKNOWN" };

/** A shortfall inside the savepoint: thrown to roll the reservation back, caught to record OVERSOLD. */
class Oversold extends Error {
  constructor(readonly shortages: Shortage[]) {
    super("oversold");
  }
}

/** Reserves in a savepoint; on a shortfall rolls only the savepoint back and answers the shortages. */
async function reserveOrShortages(
  ctx: OrderContext,
  tx: Transaction,
  orderId: string,
  demands: Demand[],
  warehouseIds: string[],
  context: StockContext,
): Promise<{ allocations: Allocation[]; shortages: Shortage[] }> {
  try {
    return await tx.transaction(async (savepoint) => {
      const { allocations, shortages } = await ctx.inventory.reserveInTransaction(savepoint, demands, warehouseIds, context);
      if (shortages.length > 0) throw new Oversold(shortages);
      await repo.insertAllocations(savepoint, orderId, allocations);
      return { allocations, shortages: [] };
    });
  } catch (error) {
    if (error instanceof Oversold) return { allocations: [], shortages: error.shortages };
    throw error;
  }
}

interface IntakeStore {
  id: string;
  type: string;
  warehouseIds: string[];
}

export function createIntake(ctx: OrderContext, transitions: Transitions) {
  const { db, log } = ctx;
  const answer = async (row: repo.OrderRow, created: boolean): Promise<IntakeResult> => ({ order: await present(ctx, row, SYSTEM), created });

  /** Reserves a readable order inside `tx` (OVERSOLD when short); `write` records or rewrites its rows first. */
  async function reserveUnderLocks(store: IntakeStore, examined: ExaminedOrder, orderId: string, externalOrderId: string, write: (tx: Transaction) => Promise<repo.OrderRow | undefined>) {
    const demands = componentDemand(examined.lines);
    const outcome = await ctx.locks.withLocks(demands.map((d) => stockLockKey(d.productId)), () =>
      db.transaction(async (tx) => {
        const row = await write(tx);
        if (!row) return undefined;
        const context = { actorId: null, correlationId: orderId, reason: `${store.type} order ${externalOrderId}` };
        const reserved = await reserveOrShortages(ctx, tx, orderId, demands, store.warehouseIds, context);
        const final = reserved.shortages.length > 0 ? await repo.setStatus(tx, orderId, "OVERSOLD", reserved.shortages) : row;
        return { row: final, ...reserved };
      }),
    );
    if (!outcome) return undefined;
    const total = examined.priced?.total;
    if (outcome.shortages.length > 0) {
      ctx.metrics.outOfStock.inc({ source: "marketplace" });
      log.warn({ orderId, storeId: store.id, externalOrderId, shortages: outcome.shortages }, "marketplace order oversold: recorded without a reservation");
    } else {
      const warehouseIds = [...new Set(outcome.allocations.map((a) => a.warehouseId))];
      await ctx.inventory.announce({ productIds: demands.map((d) => d.productId), warehouseIds, correlationId: orderId });
      ctx.metrics.placed.inc({ source: "marketplace" });
      log.info({ orderId, storeId: store.id, externalOrderId, total }, "marketplace order taken in");
    }
    return outcome.row;
  }

  async function record(input: MarketplaceOrderInput, store: IntakeStore, examined: ExaminedOrder): Promise<IntakeResult> {
    const orderId = randomUUID();
    const priced = examined.priced;
    if (!priced) throw new Error("a readable order has its prices");
    const row = await reserveUnderLocks(store, examined, orderId, examined.key, async (tx) => {
      const inserted = await repo.insertOrder(
        tx,
        {
          id: orderId,
          storeId: store.id,
          externalOrderId: examined.key,
          status: "CREATED",
          currency: priced.currency,
          total: priced.total,
          vatTotal: priced.vatTotal,
          rawPayload: rawPayloadText(input.raw),
        },
        priced.items,
      );
      return inserted.order;
    });
    if (!row) throw new Error("a new order found no row");
    return answer(row, true);
  }

  /** Nothing is reserved and no lock is needed: the order holds no stock until someone resolves it. */
  async function recordNeedingAttention(input: MarketplaceOrderInput, store: IntakeStore, examined: ExaminedOrder): Promise<IntakeResult> {
    const orderId = randomUUID();
    const row = await db.transaction(async (tx) => {
      const inserted = await repo.insertOrder(
        tx,
        {
          id: orderId,
          storeId: store.id,
          externalOrderId: examined.key,
          status: "NEEDS_ATTENTION",
          currency: examined.priced?.currency ?? examined.currency,
          total: examined.priced?.total ?? 0,
          vatTotal: examined.priced?.vatTotal ?? 0,
          attentionReasons: examined.reasons,
          rawPayload: rawPayloadText(input.raw),
        },
        examined.priced?.items ?? [],
      );
      await repo.insertAttentionLines(tx, orderId, examined.attentionLines);
      return inserted.order;
    });
    log.warn(
      { orderId, storeId: store.id, externalOrderId: examined.key, reasons: examined.reasons, lines: examined.attentionLines.length },
      "marketplace order needs attention: recorded without a reservation",
    );
    return answer(row, true);
  }

  /** A NEEDS_ATTENTION order seen again in a form intake can read: taken in now, under its row lock. */
  async function takeIn(existing: repo.OrderRow, store: IntakeStore, examined: ExaminedOrder): Promise<IntakeResult> {
    const priced = examined.priced;
    if (!priced) throw new Error("a readable order has its prices");
    const row = await reserveUnderLocks(store, examined, existing.id, examined.key, async (tx) => {
      const locked = await repo.lockOrder(tx, existing.id);
      // Cancelled or taken in by another delivery meanwhile: left as it is.
      if (!locked || !INTAKE_TAKES_IN[locked.status]?.includes("CREATED")) return undefined;
      return repo.takeInOrder(tx, existing.id, priced);
    });
    if (!row) {
      const current = await repo.orderRow(db, existing.id);
      return answer(current ?? existing, false);
    }
    log.info({ orderId: existing.id, storeId: store.id, externalOrderId: examined.key, status: row.status }, "marketplace order needing attention taken in");
    return answer(row, true);
  }

  async function intake(input: MarketplaceOrderInput, storeId: string): Promise<IntakeResult> {
    const { key } = externalOrderKey(input.externalOrderId);
    const existing = await repo.orderByExternalId(db, storeId, key);
    if (existing && existing.status !== "NEEDS_ATTENTION") return answer(existing, false);
    const quote = await ctx.stores.quoteForOrder(storeId, { productIds: [], barcodes: quotableBarcodes(input.lines) });
    if (!quote) throw new UnknownStore(storeId);
    const store = { id: storeId, type: quote.store.type, warehouseIds: quote.store.warehouseIds };
    // An inactive product is taken in anyway: the marketplace already sold it.
    const examined = examineOrder(input, quote.products);
    if (existing) return examined.reasons.length > 0 ? answer(existing, false) : takeIn(existing, store, examined);
    return examined.reasons.length > 0 ? recordNeedingAttention(input, store, examined) : record(input, store, examined);
  }

  return {
    /** Idempotent on (store, external order id): a repeat answers the recorded order and reserves nothing. */
    async intakeMarketplaceOrder(input: MarketplaceOrderInput): Promise<IntakeResult> {
      const storeId = input.storeId.toLowerCase();
      if (!UUID.test(storeId)) throw new UnknownStore(input.storeId);
      try {
        return await intake(input, storeId);
      } catch (error) {
        // Two intakes of one order raced past the lookup; the unique index let one in.
        if (!isUniqueViolation(error, EXTERNAL_ID_UNIQUE)) throw error;
        const winner = await repo.orderByExternalId(db, storeId, externalOrderKey(input.externalOrderId).key);
        if (!winner) throw error;
        return answer(winner, false);
      }
    },

    /** Releases a known order's reservation (none for OVERSOLD or NEEDS_ATTENTION); a repeat does nothing, an unknown order is logged. */
    async cancelMarketplaceOrder(input: { storeId: string; externalOrderId: string }): Promise<MarketplaceCancellation> {
      const storeId = input.storeId.toLowerCase();
      const { key } = externalOrderKey(input.externalOrderId);
      const row = UUID.test(storeId) ? await repo.orderByExternalId(db, storeId, key) : undefined;
      if (!row) {
        log.info({ storeId: input.storeId, externalOrderId: key }, "cancellation of an unknown marketplace order");
        return { outcome: "UNKNOWN" };
      }
      const { order, changed } = await transitions.cancel(SYSTEM, row.id, { repeatIsNoop: true });
      return { outcome: changed ? "CANCELLED" : "ALREADY_CANCELLED", order };
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
