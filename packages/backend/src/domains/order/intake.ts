/** Marketplace orders: recorded once per (store, external id), reserved like any order, OVERSOLD when short. */
import { randomUUID } from "node:crypto";
import { type Orders, Uuid } from "@pazarsync/shared";
import { isUniqueViolation } from "../../infra/db";
import { ValidationFailed } from "../../infra/errors";
import type { Allocation, Demand, Shortage, StockContext, Transaction } from "../inventory/reservation-types";
import { stockLockKey } from "../inventory/service";
import { type OrderContext, SYSTEM } from "./context";
import { componentDemand } from "./demand";
import { unknownStore } from "./errors";
import { assertMarketplaceLines, priceOrder, productsForBarcodes } from "./lines";
import * as repo from "./repository";
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
}

export interface IntakeResult {
  order: Orders.Order;
  /** False when the order was already known: nothing was reserved again. */
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

export function createIntake(ctx: OrderContext, transitions: Transitions) {
  const { db, log } = ctx;

  async function known(storeId: string, externalOrderId: string): Promise<IntakeResult | undefined> {
    const row = await repo.orderByExternalId(db, storeId, externalOrderId);
    return row ? { order: await present(ctx, row, SYSTEM), created: false } : undefined;
  }

  async function record(input: MarketplaceOrderInput, storeId: string): Promise<IntakeResult> {
    const quote = await ctx.stores.quoteForOrder(storeId, { productIds: [], barcodes: input.lines.map((line) => line.barcode) });
    if (!quote) throw unknownStore(storeId);
    const { store } = quote;
    assertMarketplaceLines(input.lines, input.currency);
    // An inactive product is recorded anyway: the marketplace already sold it.
    const products = productsForBarcodes(quote.products, input.lines.map((line) => line.barcode));
    const lines = input.lines.map((line, index) => {
      const product = products[index];
      if (!product) throw new Error("a line lost its product");
      return { product, quantity: line.quantity, unitPrice: line.unitPrice };
    });
    const priced = priceOrder(input.currency, lines);
    const demands = componentDemand(lines);
    const orderId = randomUUID();
    const outcome = await ctx.locks.withLocks(demands.map((d) => stockLockKey(d.productId)), () =>
      db.transaction(async (tx) => {
        const { order: row } = await repo.insertOrder(
          tx,
          { id: orderId, storeId, externalOrderId: input.externalOrderId, status: "CREATED", currency: priced.currency, total: priced.total, vatTotal: priced.vatTotal },
          priced.items,
        );
        const context = { actorId: null, correlationId: orderId, reason: `${store.type} order ${input.externalOrderId}` };
        const reserved = await reserveOrShortages(ctx, tx, orderId, demands, store.warehouseIds, context);
        const final = reserved.shortages.length > 0 ? await repo.setStatus(tx, orderId, "OVERSOLD", reserved.shortages) : row;
        return { row: final, ...reserved };
      }),
    );
    if (outcome.shortages.length > 0) {
      ctx.metrics.outOfStock.inc({ source: "marketplace" });
      log.warn({ orderId, storeId, externalOrderId: input.externalOrderId, shortages: outcome.shortages }, "marketplace order oversold: recorded without a reservation");
    } else {
      const warehouseIds = [...new Set(outcome.allocations.map((a) => a.warehouseId))];
      await ctx.inventory.announce({ productIds: demands.map((d) => d.productId), warehouseIds, correlationId: orderId });
      ctx.metrics.placed.inc({ source: "marketplace" });
      log.info({ orderId, storeId, externalOrderId: input.externalOrderId, total: priced.total }, "marketplace order taken in");
    }
    return { order: await present(ctx, outcome.row, SYSTEM), created: true };
  }

  return {
    /** Idempotent on (store, external order id): a repeat answers the recorded order and reserves nothing. */
    async intakeMarketplaceOrder(input: MarketplaceOrderInput): Promise<IntakeResult> {
      const storeId = input.storeId.toLowerCase();
      if (!UUID.test(storeId)) throw unknownStore(input.storeId);
      if (input.externalOrderId.length < 1 || input.externalOrderId.length > 200) {
        throw new ValidationFailed("The marketplace order id must be 1..200 characters", { externalOrderId: input.externalOrderId });
      }
      const existing = await known(storeId, input.externalOrderId);
      if (existing) return existing;
      try {
        return await record(input, storeId);
      } catch (error) {
        // Two intakes of one order raced past the check above; the unique index let one in.
        if (!isUniqueViolation(error, EXTERNAL_ID_UNIQUE)) throw error;
        const winner = await known(storeId, input.externalOrderId);
        if (!winner) throw error;
        return winner;
      }
    },

    /** Releases a known order's reservation; a repeat does nothing, an unknown order is logged and ignored. */
    async cancelMarketplaceOrder(input: { storeId: string; externalOrderId: string }): Promise<MarketplaceCancellation> {
      const storeId = input.storeId.toLowerCase();
      const row = UUID.test(storeId) ? await repo.orderByExternalId(db, storeId, input.externalOrderId) : undefined;
      if (!row) {
        log.info({ storeId: input.storeId, externalOrderId: input.externalOrderId }, "cancellation of an unknown marketplace order ignored");
        return { outcome: "UNKNOWN" };
      }
      const { order, changed } = await transitions.cancel(SYSTEM, row.id, { repeatIsNoop: true });
      return { outcome: changed ? "CANCELLED" : "ALREADY_CANCELLED", order };
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
