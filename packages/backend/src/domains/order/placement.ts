/** Placing a web/app order, top to bottom: idempotency, catalog prices, and the reservation in one statement (place-statement.ts). */
import { randomUUID } from "node:crypto";
import { ErrorEnvelope, Orders } from "@pazarsync/shared";
import { Value } from "@sinclair/typebox/value";
import { AppError, Forbidden, InvalidField } from "../../infra/errors";
import type { ProductSummary } from "../catalog/service";
import { type ReservationInput, stockLockKeysOf } from "../inventory/service";
import { MixedCurrencies, OutOfStock, ProductInactive, ReplayedError, StoreInactive, UnknownProduct, UnknownStore } from "./errors";
import { idempotencyKeyOf, type IdempotencyRequest, requestHash, type StoredAnswer } from "./idempotency";
import { placeInOneStatement, type OrderToPlace } from "./place-statement";
import { priceOrder } from "./pricing";
import type { OrderContext, QuotedProduct } from "./service";
import type { OrderActor } from "./transitions";

export type Placer = Extract<OrderActor, { role: "customer" | "staff" | "admin" }>;

export interface Placement {
  order: Orders.Order;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

interface Prepared {
  reservation: ReservationInput;
  order: OrderToPlace;
  lockKeys: string[];
}

/** The ids and barcodes web lines name, for the catalog quote; malformed lines are refused later, after the store's checks. */
function lineRefs(lines: readonly Orders.OrderLineInput[]): { productIds: string[]; barcodes: string[] } {
  return {
    productIds: [...new Set(lines.flatMap((line) => (line.productId ? [line.productId.toLowerCase()] : [])))],
    barcodes: [...new Set(lines.flatMap((line) => (line.barcode !== undefined ? [line.barcode] : [])))],
  };
}

/** Each web line's product, in line order; 422 UNKNOWN_PRODUCT naming every id and barcode not found. */
function productsForLines(quoted: readonly QuotedProduct[], lines: readonly Orders.OrderLineInput[]): QuotedProduct[] {
  lines.forEach((line, index) => {
    if ((line.productId === undefined) === (line.barcode === undefined)) {
      throw new InvalidField({ in: "body", path: `/items/${index}`, message: "each line names exactly one of productId or barcode" });
    }
  });
  const { productIds: ids, barcodes } = lineRefs(lines);
  const byId = new Map(quoted.map((p) => [p.id, p]));
  const byBarcode = new Map(quoted.map((p) => [p.barcode, p]));
  const missingIds = ids.filter((id) => !byId.has(id));
  const missingBarcodes = barcodes.filter((barcode) => !byBarcode.has(barcode));
  if (missingIds.length > 0 || missingBarcodes.length > 0) throw new UnknownProduct(missingIds, missingBarcodes);
  return lines.map((line) => {
    const product = line.productId ? byId.get(line.productId.toLowerCase()) : byBarcode.get(line.barcode ?? "");
    if (!product) throw new Error("a resolved line lost its product");
    return product;
  });
}

/** 422 PRODUCT_INACTIVE: the shop no longer sells these (marketplace intake records them anyway: the sale happened). */
function assertActive(products: readonly ProductSummary[]): void {
  const inactive = [...new Set(products.filter((p) => !p.active).map((p) => p.id))];
  if (inactive.length > 0) {
    throw new ProductInactive(inactive);
  }
}

/** One currency per order: totals in mixed currencies mean nothing. */
function orderCurrency(products: readonly ProductSummary[]): string {
  const currencies = [...new Set(products.map((p) => p.currency))];
  if (currencies.length !== 1 || !currencies[0]) {
    throw new MixedCurrencies(currencies);
  }
  return currencies[0];
}

/** Store, products, prices and the statement's two inputs: everything that needs no lock, from one catalog statement. */
async function prepare(ctx: OrderContext, placer: Placer, body: Orders.PlaceOrderBody, request: IdempotencyRequest): Promise<Prepared> {
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
  const orderId = randomUUID();
  const createdAt = new Date().toISOString();
  return {
    // A web store sells at most its sellable; staff entering an order for a marketplace store
    // record a sale the marketplace made: like intake, only the free stock limits it.
    reservation: {
      mode: store.type === "WEB" ? "WEB" : "MARKETPLACE",
      store_id: store.id,
      warehouse_ids: store.warehouseIds,
      lines: priced.items.map((item) => ({ product_id: item.productId, quantity: item.quantity })),
      actor_id: placer.userId,
      correlation_id: orderId,
      // The statement names the ledger rows after the order number it takes from the sequence.
      reason: "order",
      changed_at: createdAt,
    },
    order: {
      orderId,
      storeId: store.id,
      customerId: placer.role === "customer" ? placer.userId : null,
      placedBy: placer.role === "customer" ? null : placer.userId,
      currency: priced.currency,
      total: priced.total,
      vatTotal: priced.vatTotal,
      items: priced.items,
      createdAt,
      request,
    },
    lockKeys: stockLockKeysOf(products),
  };
}

/** Under the stock locks, the one statement. Undefined when another request's answer holds the key. */
async function reserveAndRecord(ctx: OrderContext, prepared: Prepared): Promise<Orders.Order | undefined> {
  const { reservation, order } = prepared;
  // tx: the transaction holding the locks when they are Postgres advisory locks (Redis away).
  const outcome = await ctx.locks.withLocks(prepared.lockKeys, (tx) => placeInOneStatement(tx ?? ctx.db, reservation, order));
  if (outcome.kind === "short" || outcome.kind === "notSold") throw new OutOfStock(outcome.shortages);
  if (outcome.kind === "keyTaken") return undefined;
  const { allocations } = outcome;
  await ctx.inventory.announce({
    productIds: allocations.map((a) => a.productId),
    warehouseIds: allocations.map((a) => a.warehouseId),
    correlationId: order.orderId,
  });
  ctx.log.info({ orderId: order.orderId, number: outcome.order.number, storeId: order.storeId, lines: order.items.length, total: order.total }, "order placed");
  return outcome.order;
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
    order = await reserveAndRecord(ctx, await prepare(ctx, placer, body, request));
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
