/** Placing a web/app order: idempotency, catalog prices, and the reservation in one statement. */
import { randomUUID } from "node:crypto";
import { ErrorEnvelope, Orders } from "@pazarsync/shared";
import { Value } from "@sinclair/typebox/value";
import { AppError, Forbidden } from "../../infra/errors";
import type { Demand } from "../inventory/reservation-types";
import { stockLockKey } from "../inventory/service";
import type { OrderActor, OrderContext } from "./context";
import { componentDemand } from "./demand";
import { OutOfStock, ReplayedError, StoreInactive, UnknownStore } from "./errors";
import { type IdempotencyRequest, idempotencyKeyOf, requestHash, type StoredAnswer } from "./idempotency";
import { assertActive, lineRefs, orderCurrency, priceOrder, type PricedOrder, productsForLines } from "./lines";
import { placeInOneStatement } from "./place-statement";

export type Placer = Extract<OrderActor, { role: "customer" | "staff" | "admin" }>;

export interface Placement {
  order: Orders.Order;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

interface Prepared {
  storeId: string;
  warehouseIds: string[];
  priced: PricedOrder;
  demands: Demand[];
}

/** Store, products, prices and demand: everything that needs no lock, from one catalog statement. */
async function prepare(ctx: OrderContext, placer: Placer, body: Orders.PlaceOrderBody): Promise<Prepared> {
  const quote = await ctx.stores.quoteForOrder(body.storeId, lineRefs(body.items));
  // The store's refusals come before the products'.
  if (!quote) throw new UnknownStore(body.storeId);
  const { store } = quote;
  // Customers buy in the web shop and app; marketplace stores take orders from their marketplace.
  if (placer.role === "customer" && store.type !== "WEB") throw new Forbidden("Customers order from web stores only", { storeId: store.id, type: store.type });
  if (!store.active) throw new StoreInactive(store.id);
  const products = productsForLines(quote.products, body.items);
  assertActive(products);
  const lines = body.items.map((line, index) => {
    const product = products[index];
    if (!product) throw new Error("a line lost its product");
    // The store's listing price first, the catalog price otherwise.
    return { product, quantity: line.quantity, unitPrice: product.listingPrice ?? product.price };
  });
  const priced = priceOrder(orderCurrency(products), lines);
  return { storeId: store.id, warehouseIds: store.warehouseIds, priced, demands: componentDemand(lines) };
}

/** The 201 body, known before the statement runs but for the number the statement takes from the sequence. */
function answerFor(orderId: string, placer: Placer, prepared: Prepared, createdAt: string): Orders.Order {
  const { priced } = prepared;
  return {
    id: orderId,
    number: 0,
    storeId: prepared.storeId,
    customerId: placer.role === "customer" ? placer.userId : null,
    placedBy: placer.role === "customer" ? null : placer.userId,
    externalOrderId: null,
    status: "CREATED",
    currency: priced.currency,
    total: priced.total,
    vatTotal: priced.vatTotal,
    items: priced.items.map(({ productId, sku, name, quantity, unitPrice, lineTotal, vatRate }) => ({ productId, sku, name, quantity, unitPrice, lineTotal, vatRate })),
    shortages: null,
    createdAt,
    updatedAt: createdAt,
  };
}

/**
 * Under the stock locks, one statement: reservation, ledger, order, items, allocations and the
 * idempotent answer (place-statement.ts). Undefined when another request's answer holds the key.
 */
async function reserveAndRecord(ctx: OrderContext, placer: Placer, prepared: Prepared, request: IdempotencyRequest): Promise<Orders.Order | undefined> {
  const orderId = randomUUID();
  const { priced, demands } = prepared;
  const createdAt = new Date();
  const answer = answerFor(orderId, placer, prepared, createdAt.toISOString());
  // tx: the transaction holding the locks when they are Postgres advisory locks (Redis away).
  const outcome = await ctx.locks.withLocks(demands.map((d) => stockLockKey(d.productId)), (tx) =>
    placeInOneStatement(tx ?? ctx.db, {
      orderId,
      storeId: prepared.storeId,
      customerId: answer.customerId,
      placedBy: answer.placedBy,
      actorId: placer.userId,
      currency: priced.currency,
      total: priced.total,
      vatTotal: priced.vatTotal,
      items: priced.items,
      createdAt,
      demands,
      warehouseIds: prepared.warehouseIds,
      answer,
      request,
    }),
  );
  if (outcome.kind === "short" || outcome.kind === "notSold") throw new OutOfStock(outcome.shortages);
  if (outcome.kind === "keyTaken") return undefined;
  answer.number = outcome.number;
  await ctx.inventory.announce({ productIds: demands.map((d) => d.productId), warehouseIds: outcome.warehouseIds, correlationId: orderId });
  ctx.log.info({ orderId, number: outcome.number, storeId: prepared.storeId, lines: priced.items.length, total: priced.total }, "order placed");
  return answer;
}

/** A stored answer: the order as first answered, or the error thrown again with its code and status. */
function replay(answer: StoredAnswer): Placement {
  const { status, body } = answer;
  if (status < 300 && Value.Check(Orders.Order, body)) return { order: body, replayed: true };
  if (Value.Check(ErrorEnvelope, body)) throw new ReplayedError(status, body.error);
  throw new Error("a stored idempotent answer has an unexpected shape");
}

/**
 * POST /orders. The Idempotency-Key is scoped to the caller; the first answer (201, or a 4xx
 * such as 409 OUT_OF_STOCK) is replayed for the same body, a 5xx is forgotten so the client may retry.
 * The key is written with the answer: a 201 in the order's own statement, a 4xx after it wrote
 * nothing. A concurrent duplicate waits (stock lock, then the key's row) and gets the first answer.
 */
export async function placeOrder(ctx: OrderContext, placer: Placer, body: Orders.PlaceOrderBody, idempotencyKey: string | null | undefined): Promise<Placement> {
  const request = { scope: placer.userId, key: idempotencyKeyOf(idempotencyKey), hash: requestHash(body) };
  ctx.idempotency.purgeSoon();
  let order: Orders.Order | undefined;
  try {
    order = await reserveAndRecord(ctx, placer, await prepare(ctx, placer, body), request);
  } catch (error) {
    // A 5xx is not an answer: nothing was stored (the order statement writes all or nothing).
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    const refusal = { status: error.status, body: { error: { code: error.code, message: error.message, details: error.details } } };
    // Only a refusal that became the key's answer counts: a replay may meet the stock already gone.
    if (await ctx.idempotency.answer(request, refusal)) {
      if (error.code === "OUT_OF_STOCK") ctx.metrics.outOfStock.inc({ source: "api" });
      throw error;
    }
  }
  if (order) {
    ctx.metrics.placed.inc({ source: "api" });
    return { order, replayed: false };
  }
  // Another request with this key answered first (or this is a retry): its answer is the answer.
  return replay(await ctx.idempotency.storedAnswer(request));
}
