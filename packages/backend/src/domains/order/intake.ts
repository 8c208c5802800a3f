/**
 * Marketplace orders: recorded once per (store, external id), reserved like any order, OVERSOLD
 * when short, NEEDS_ATTENTION (nothing reserved, raw payload and reasons kept) when intake cannot
 * read them. A NEEDS_ATTENTION order that arrives again readable (its product was created since)
 * is taken in then: the marketplace keeps sending a package while it is open, and a sale that can
 * be reserved automatically should not wait for an operator.
 *
 * Top to bottom: reading the order (examineOrder: which lines name a product we sell, within our
 * limits, and why the others cannot be taken in, every problem at once), then recording it, with
 * its reservation through inventory's reservation statement.
 */
import { createHash, randomUUID } from "node:crypto";
import { Orders, Uuid } from "@pazarsync/shared";
import { isUniqueViolation } from "../../infra/pg-errors";
import { AppError } from "../../infra/errors";
import { stockLockKeysOf, type Transaction } from "../inventory/service";
import { UnknownStore } from "./errors";
import { MAX_MONEY, type PricedLine, type PricedOrder, priceOrder } from "./pricing";
import * as repo from "./repository";
import type { OrderContext, QuotedProduct } from "./service";
import { INTAKE_TAKES_IN } from "./status";
import { present, SYSTEM, type Transitions } from "./transitions";

const EXTERNAL_ID_UNIQUE = "orders_store_external_unique";
/** Adapters pass ids through as strings; a malformed one must not reach Postgres as a uuid. */
const UUID = new RegExp(Uuid.pattern ?? "^$");

export interface MarketplaceOrderInput {
  storeId: string;
  /** Undefined (or empty) when the marketplace sent none: the order is keyed on a digest of `raw`. */
  externalOrderId: string | undefined;
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

type AttentionReason = Orders.AttentionReason;

interface MarketplaceLine {
  barcode: string;
  quantity: number;
  unitPrice: number;
}

const MAX_LINES = 1000;
const MAX_EXTERNAL_ID = 200;
/** ISO 4217's code for "no currency": orders.currency is char(3) and must hold something. */
const NO_CURRENCY = "XXX";

/** What Postgres text can hold and our indexes can key: no NUL, 1..200 characters. */
const storable = (text: string, max: number) => text.length >= 1 && text.length <= max && !text.includes("\u0000");

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The raw payload as JSON text (see orders.raw_payload); a value JSON cannot hold is kept as its description. */
function rawPayloadText(raw: unknown): string | null {
  if (raw === undefined) return null;
  try {
    return JSON.stringify(raw) ?? null;
  } catch {
    return JSON.stringify({ unserialisable: String(raw) });
  }
}

interface OrderKey {
  key: string;
  problem?: "INVALID_EXTERNAL_ID" | "MISSING_ORDER_ID";
}

/**
 * The key an order is recorded under. An id Postgres cannot store or we will not index is keyed on
 * a digest of it, so the same package arriving again finds the same order; the id itself stays
 * in the raw payload. An order sent without an id is keyed on a digest of its raw payload as
 * stored (an operator can check one against the other): the same payload read again is the same
 * order, while a changed one (a new status) is recorded beside it, which is all that can be told.
 */
function orderKeyOf(externalOrderId: string | undefined, rawText: string | null): OrderKey {
  if (externalOrderId === undefined || externalOrderId.length === 0) return { key: `payload:${sha256(rawText ?? "")}`, problem: "MISSING_ORDER_ID" };
  if (storable(externalOrderId, MAX_EXTERNAL_ID)) return { key: externalOrderId };
  return { key: `digest:${sha256(externalOrderId)}`, problem: "INVALID_EXTERNAL_ID" };
}

/** Barcodes worth asking the catalog about: the others cannot name a product (and a NUL would fail the query). */
function quotableBarcodes(lines: readonly MarketplaceLine[]): string[] {
  return [...new Set(lines.map((line) => line.barcode).filter((barcode) => typeof barcode === "string" && storable(barcode, 200)))];
}

type ExaminedLine = PricedLine & { product: QuotedProduct; lineNo: number };

interface ExaminedOrder {
  key: string;
  currency: string;
  /** Empty: the order can be taken in. */
  reasons: AttentionReason[];
  /** Lines matched to a product and within limits, with their place in the order. */
  lines: ExaminedLine[];
  /** Priced from `lines`; undefined when even those cannot be stored (ORDER_TOTAL_TOO_LARGE). */
  priced: PricedOrder | undefined;
  attentionLines: repo.NewAttentionLine[];
}

const wholeIn = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;

function lineProblem(line: MarketplaceLine, product: QuotedProduct | undefined): AttentionReason | undefined {
  if (!product) return "UNKNOWN_BARCODE";
  if (!wholeIn(line.quantity, 1, Orders.MAX_LINE_QUANTITY)) return "QUANTITY_OUT_OF_RANGE";
  if (!wholeIn(line.unitPrice, 0, MAX_MONEY)) return "PRICE_OUT_OF_RANGE";
  return undefined;
}

const attentionLine = (lineNo: number, reason: AttentionReason, line: MarketplaceLine): repo.NewAttentionLine => ({
  lineNo,
  reason,
  // JSON escapes a NUL, so the text column can hold any barcode as it came.
  line: JSON.stringify({ barcode: line.barcode, quantity: line.quantity, unitPrice: line.unitPrice }),
});

function priced(currency: string, lines: readonly ExaminedLine[]): PricedOrder | undefined {
  try {
    const order = priceOrder(currency, lines);
    // Numbered by their place in the marketplace order, like the attention lines beside them.
    return { ...order, items: order.items.map((item, index) => ({ ...item, lineNo: lines[index]?.lineNo ?? item.lineNo })) };
  } catch (error) {
    if (error instanceof AppError && error.code === "ORDER_TOTAL_TOO_LARGE") return undefined;
    throw error;
  }
}

/** Every problem at once (not the first), so an operator sees the whole order's state. */
function examineOrder(input: { lines: readonly MarketplaceLine[]; currency: string }, { key, problem }: OrderKey, quoted: readonly QuotedProduct[]): ExaminedOrder {
  const reasons = new Set<AttentionReason>();
  if (problem) reasons.add(problem);
  const currencyOk = typeof input.currency === "string" && /^[A-Z]{3}$/.test(input.currency);
  if (!currencyOk) reasons.add("INVALID_CURRENCY");
  const currency = currencyOk ? input.currency : NO_CURRENCY;
  if (input.lines.length < 1 || input.lines.length > MAX_LINES) {
    // Lines are not kept one by one past the limit; the raw payload has them all.
    reasons.add("LINE_COUNT_OUT_OF_RANGE");
    return { key, currency, reasons: [...reasons], lines: [], priced: undefined, attentionLines: [] };
  }
  const byBarcode = new Map(quoted.map((product) => [product.barcode, product]));
  const lines: ExaminedOrder["lines"] = [];
  const attentionLines: repo.NewAttentionLine[] = [];
  input.lines.forEach((line, index) => {
    const lineNo = index + 1;
    const product = byBarcode.get(line.barcode);
    const problem = lineProblem(line, product);
    if (problem || !product) {
      reasons.add(problem ?? "UNKNOWN_BARCODE");
      attentionLines.push(attentionLine(lineNo, problem ?? "UNKNOWN_BARCODE", line));
    } else {
      lines.push({ product, quantity: line.quantity, unitPrice: line.unitPrice, lineNo });
    }
  });
  const order = priced(currency, lines);
  if (!order) {
    reasons.add("ORDER_TOTAL_TOO_LARGE");
    const tooLarge = lines.map((line) => attentionLine(line.lineNo, "ORDER_TOTAL_TOO_LARGE", { barcode: line.product.barcode, quantity: line.quantity, unitPrice: line.unitPrice }));
    attentionLines.push(...tooLarge);
    attentionLines.sort((a, b) => a.lineNo - b.lineNo);
    return { key, currency, reasons: [...reasons], lines: [], priced: undefined, attentionLines };
  }
  return { key, currency, reasons: [...reasons], lines, priced: order, attentionLines };
}

interface IntakeStore {
  id: string;
  type: string;
  warehouseIds: string[];
}

export function createIntake(ctx: OrderContext, transitions: Transitions) {
  const { db, log } = ctx;
  const answer = async (row: repo.OrderRow, created: boolean): Promise<IntakeResult> => ({ order: await present(ctx, row, SYSTEM), created });

  /**
   * Reserves a readable order inside `tx` through inventory's reservation statement, bounded by
   * free stock only (the marketplace already sold it). Short is not a refusal: the statement
   * reserved nothing and the order is recorded OVERSOLD with the shortages. `write` records or
   * rewrites the order's rows first.
   */
  async function reserveUnderLocks(store: IntakeStore, examined: ExaminedOrder, orderId: string, externalOrderId: string, write: (tx: Transaction) => Promise<repo.OrderRow | undefined>) {
    const lines = examined.lines.map((line) => ({ product_id: line.product.id, quantity: line.quantity }));
    const outcome = await ctx.locks.withLocks(stockLockKeysOf(examined.lines.map((line) => line.product)), () =>
      db.transaction(async (tx) => {
        const row = await write(tx);
        if (!row) return undefined;
        const { allocations, shortages } = await ctx.inventory.reserveStock(tx, {
          mode: "MARKETPLACE",
          store_id: store.id,
          warehouse_ids: store.warehouseIds,
          lines,
          actor_id: null,
          correlation_id: orderId,
          reason: `${store.type} order ${externalOrderId}`,
          changed_at: new Date().toISOString(),
        });
        if (shortages.length > 0) return { row: await repo.setStatus(tx, orderId, "OVERSOLD", shortages), allocations, shortages };
        await repo.insertAllocations(tx, orderId, allocations);
        return { row, allocations, shortages };
      }),
    );
    if (!outcome) return undefined;
    const total = examined.priced?.total;
    if (outcome.shortages.length > 0) {
      ctx.metrics.outOfStock.inc({ source: "marketplace" });
      log.warn({ orderId, storeId: store.id, externalOrderId, shortages: outcome.shortages }, "marketplace order oversold: recorded without a reservation");
    } else {
      await ctx.inventory.announce({
        productIds: outcome.allocations.map((a) => a.productId),
        warehouseIds: outcome.allocations.map((a) => a.warehouseId),
        correlationId: orderId,
      });
      ctx.metrics.placed.inc({ source: "marketplace" });
      log.info({ orderId, storeId: store.id, externalOrderId, total }, "marketplace order taken in");
    }
    return outcome.row;
  }

  async function record(rawText: string | null, store: IntakeStore, examined: ExaminedOrder): Promise<IntakeResult> {
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
          rawPayload: rawText,
        },
        priced.items,
      );
      return inserted.order;
    });
    if (!row) throw new Error("a new order found no row");
    return answer(row, true);
  }

  /** Nothing is reserved and no lock is needed: the order holds no stock until someone resolves it. */
  async function recordNeedingAttention(rawText: string | null, store: IntakeStore, examined: ExaminedOrder): Promise<IntakeResult> {
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
          rawPayload: rawText,
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

  async function intake(input: MarketplaceOrderInput, storeId: string, rawText: string | null, orderKey: OrderKey): Promise<IntakeResult> {
    const existing = await repo.orderByExternalId(db, storeId, orderKey.key);
    if (existing && existing.status !== "NEEDS_ATTENTION") return answer(existing, false);
    // Past the line limit the order is not read line by line, so its barcodes are not worth a query.
    const barcodes = input.lines.length <= MAX_LINES ? quotableBarcodes(input.lines) : [];
    const quote = await ctx.stores.quoteForOrder(storeId, { productIds: [], barcodes });
    if (!quote) throw new UnknownStore(storeId);
    const store = { id: storeId, type: quote.store.type, warehouseIds: quote.store.warehouseIds };
    // An inactive product is taken in anyway: the marketplace already sold it.
    const examined = examineOrder(input, orderKey, quote.products);
    if (existing) return examined.reasons.length > 0 ? answer(existing, false) : takeIn(existing, store, examined);
    return examined.reasons.length > 0 ? recordNeedingAttention(rawText, store, examined) : record(rawText, store, examined);
  }

  return {
    /** Idempotent on (store, external order id): a repeat answers the recorded order and reserves nothing. */
    async intakeMarketplaceOrder(input: MarketplaceOrderInput): Promise<IntakeResult> {
      const storeId = input.storeId.toLowerCase();
      if (!UUID.test(storeId)) throw new UnknownStore(input.storeId);
      const rawText = rawPayloadText(input.raw);
      const orderKey = orderKeyOf(input.externalOrderId, rawText);
      try {
        return await intake(input, storeId, rawText, orderKey);
      } catch (error) {
        // Two intakes of one order raced past the lookup; the unique index let one in.
        if (!isUniqueViolation(error, EXTERNAL_ID_UNIQUE)) throw error;
        const winner = await repo.orderByExternalId(db, storeId, orderKey.key);
        if (!winner) throw error;
        return answer(winner, false);
      }
    },

    /** Releases a known order's reservation (none for OVERSOLD or NEEDS_ATTENTION); a repeat does nothing, an unknown order is logged. */
    async cancelMarketplaceOrder(input: { storeId: string; externalOrderId: string }): Promise<MarketplaceCancellation> {
      const storeId = input.storeId.toLowerCase();
      // Without an id there is nothing to match a cancellation to (the feed records such an order instead).
      const { key } = orderKeyOf(input.externalOrderId, null);
      const row = UUID.test(storeId) && input.externalOrderId ? await repo.orderByExternalId(db, storeId, key) : undefined;
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
