/**
 * Marketplace orders: recorded once per (store, marketplace order id), reserved like any order,
 * OVERSOLD when short, NEEDS_ATTENTION (nothing reserved, raw payload and reasons kept) when intake
 * cannot read them. A NEEDS_ATTENTION order that arrives again readable (its product was created
 * since) is taken in then: the marketplace keeps sending a package while it is open, and a sale
 * that can be reserved automatically should not wait for an operator. A marketplace that delivers
 * an order package by package (Trendyol) names the package too: a new package of a known order
 * and a cancelled package are handled in marketplace-packages.ts.
 *
 * Top to bottom: reading the order (order-examination.ts), then recording it, with its
 * reservation through inventory's reservation statement (marketplace-reservation.ts).
 */
import { randomUUID } from "node:crypto";
import { Orders, Uuid } from "@pazarsync/shared";
import { isUniqueViolation } from "../../infra/pg-errors";
import { stockLockKeysOf, type Transaction } from "../inventory/service";
import { dispatchInstant, moveDispatchBy } from "./dispatch-deadlines";
import { UnknownStore } from "./errors";
import type { MarketplaceProgress } from "../marketplace/service";
import { createPackageIntake } from "./marketplace-packages";
import { createProgressIntake } from "./marketplace-progress";
import { partitionOf } from "./package-partition";
import { type ReservingStore, reportReservation, reserveMarketplaceLines } from "./marketplace-reservation";
import { examineOrder, type ExaminedOrder, MAX_LINES, type MarketplaceLine, type OrderKey, orderKeyOf, quotableBarcodes, rawPayloadText, storable } from "./order-examination";
import * as repo from "./repository";
import type { MarketplacePackage } from "./schema";
import type { OrderContext } from "./service";
import { INTAKE_TAKES_IN } from "./status";
import { present, SYSTEM, type Transitions } from "./transitions";

const EXTERNAL_ID_UNIQUE = "orders_store_external_unique";
/** Adapters pass ids through as strings; a malformed one must not reach Postgres as a uuid. */
const UUID = new RegExp(Uuid.pattern ?? "^$");
const MAX_PACKAGE_ID = 200;

export interface MarketplaceOrderInput {
  storeId: string;
  /** The marketplace's order id (Trendyol: orderNumber). Undefined (or empty) when it sent none: the order is keyed on a digest of `raw`. */
  externalOrderId: string | undefined;
  /** Marketplaces that deliver an order package by package (Trendyol): this package's id. */
  packageId?: string;
  /** The package's status as the marketplace sent it (kept with the package). */
  marketplaceStatus?: string;
  /** Marketplaces whose packages partition the order's lines (package-partition.ts): whether this package holds the units it lists. */
  partition?: { holds: boolean };
  /** What the marketplace charged, minor units VAT included, per unit; `lineId`: the marketplace's order line id, if any. */
  lines: readonly MarketplaceLine[];
  currency: string;
  /** The package as the marketplace sent it, kept with the order (and all an operator has when it cannot be read). */
  raw?: unknown;
  /** ISO: the marketplace's dispatch deadline, where it gives one; stored, and moved when it moves. */
  dispatchBy?: string;
  /** The number the marketplace's own calls name the order by (Pazarama's orderNumber), kept for the commands. */
  marketplaceOrderNumber?: string;
  /** How far the marketplace says the package (or order) has gone: the order follows, never back (marketplace-progress.ts). */
  progress?: MarketplaceProgress;
}

export interface IntakeResult {
  order: Orders.Order;
  /**
   * False when the order was already known and nothing changed: nothing was reserved again.
   * True when it was recorded now, a NEEDS_ATTENTION order was taken in now, or a new package
   * brought lines the order did not hold.
   */
  created: boolean;
}

export type MarketplaceCancellation =
  | { outcome: "CANCELLED" | "ALREADY_CANCELLED"; order: Orders.Order }
  | { outcome: "UNKNOWN" };

export interface MarketplaceCancellationInput {
  storeId: string;
  externalOrderId: string;
  /** With a package id and lines carrying line ids, only the units the package names are released. */
  packageId?: string;
  marketplaceStatus?: string;
  lines?: readonly MarketplaceLine[];
  partition?: { holds: boolean };
}

export function createIntake(ctx: OrderContext, transitions: Transitions) {
  const { db, log } = ctx;
  const packages = createPackageIntake(ctx);
  const progress = createProgressIntake(ctx);
  const answer = async (row: repo.OrderRow, created: boolean): Promise<IntakeResult> => ({ order: await present(ctx, row, SYSTEM), created });
  /**
   * The marketplace's lines named by our catalog barcodes where the store's listings recognise
   * them (its own barcode or stock code: catalog listing-identity), in one statement; past the
   * line limit the order is not read line by line, so not identified either.
   */
  const identified = (storeId: string, lines: readonly MarketplaceLine[]): Promise<MarketplaceLine[]> =>
    lines.length > 0 && lines.length <= MAX_LINES ? ctx.stores.identifyLines(storeId, lines) : Promise.resolve([...lines]);

  /**
   * Under the stock locks of the order's products, in one transaction: `write` records or rewrites
   * the order's rows, then its lines are reserved (OVERSOLD with the shortages when short).
   */
  async function reserveUnderLocks(store: ReservingStore, examined: ExaminedOrder, orderId: string, write: (tx: Transaction) => Promise<repo.OrderRow | undefined>) {
    const lines = examined.lines.map((line) => ({ productId: line.product.id, quantity: line.quantity }));
    const outcome = await ctx.locks.withLocks(stockLockKeysOf(examined.lines.map((line) => line.product)), () =>
      db.transaction(async (tx) => {
        const row = await write(tx);
        if (!row) return undefined;
        const reservation = await reserveMarketplaceLines(ctx, tx, store, { id: orderId, externalOrderId: examined.key }, lines);
        if (reservation.shortages.length > 0) return { row: await repo.setStatus(tx, orderId, "OVERSOLD", reservation.shortages), reservation };
        return { row, reservation };
      }),
    );
    if (!outcome) return undefined;
    await reportReservation(ctx, { id: orderId, storeId: store.id, externalOrderId: examined.key, total: examined.priced?.total }, outcome.reservation);
    return outcome.row;
  }

  /** Checked readable in intakeMarketplaceOrder. */
  const deadlineOf = (input: MarketplaceOrderInput): Date | null => (input.dispatchBy === undefined ? null : new Date(input.dispatchBy));

  /** An order already known whose deadline the marketplace moved (or first gave now): the answer shows the new one. */
  async function keepDeadline(result: IntakeResult, deadline: Date | undefined): Promise<IntakeResult> {
    if (!deadline || result.order.dispatchBy === deadline.toISOString()) return result;
    await moveDispatchBy(db, result.order.id, deadline);
    log.info({ orderId: result.order.id, from: result.order.dispatchBy, to: deadline.toISOString() }, "marketplace order's dispatch deadline moved");
    return { ...result, order: { ...result.order, dispatchBy: deadline.toISOString() } };
  }

  /** A known order (recorded before the number was kept, or given it later): the number is written where it differs. */
  async function keepNumber(result: IntakeResult, number: string | undefined): Promise<IntakeResult> {
    if (number !== undefined && !result.created) await repo.setMarketplaceOrderNumber(db, result.order.id, number);
    return result;
  }

  const packagesOf = (input: MarketplaceOrderInput): MarketplacePackage[] | null =>
    input.packageId === undefined ? null : [{ packageId: input.packageId, status: input.marketplaceStatus ?? "", cancelled: false, ...partitionOf(input.lines, input.partition) }];

  async function record(input: MarketplaceOrderInput, rawText: string | null, store: ReservingStore, examined: ExaminedOrder): Promise<IntakeResult> {
    const orderId = randomUUID();
    const priced = examined.priced;
    if (!priced) throw new Error("a readable order has its prices");
    const row = await reserveUnderLocks(store, examined, orderId, async (tx) => {
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
          packages: packagesOf(input),
          dispatchBy: deadlineOf(input),
          marketplaceOrderNumber: input.marketplaceOrderNumber ?? null,
        },
        priced.items,
      );
      return inserted.order;
    });
    if (!row) throw new Error("a new order found no row");
    return answer(row, true);
  }

  /** Nothing is reserved and no lock is needed: the order holds no stock until someone resolves it. */
  async function recordNeedingAttention(input: MarketplaceOrderInput, rawText: string | null, store: ReservingStore, examined: ExaminedOrder): Promise<IntakeResult> {
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
          packages: packagesOf(input),
          dispatchBy: deadlineOf(input),
          marketplaceOrderNumber: input.marketplaceOrderNumber ?? null,
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
  async function takeIn(existing: repo.OrderRow, store: ReservingStore, examined: ExaminedOrder): Promise<IntakeResult> {
    const priced = examined.priced;
    if (!priced) throw new Error("a readable order has its prices");
    const row = await reserveUnderLocks(store, examined, existing.id, async (tx) => {
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

  /**
   * The order this delivery belongs to: by its key, or, for a package, by the package id an order
   * was keyed on before orders were keyed by the marketplace's order number.
   */
  async function findOrder(storeId: string, key: string, packageId: string | undefined): Promise<repo.OrderRow | undefined> {
    const found = await repo.orderByExternalId(db, storeId, key);
    if (found || packageId === undefined || packageId === key) return found;
    return repo.orderByExternalId(db, storeId, packageId);
  }

  /** Only a package of an order that knows its packages goes to the merge; the order's own first package read again is the old take-in. */
  const mergesPackages = (existing: repo.OrderRow, packageId: string | undefined): packageId is string =>
    packageId !== undefined && existing.packages !== null && !(existing.status === "NEEDS_ATTENTION" && existing.packages.every((p) => p.packageId === packageId));

  /** After the order is recorded or merged: it follows what the marketplace did to the package since. */
  async function intake(input: MarketplaceOrderInput, storeId: string, rawText: string | null, orderKey: OrderKey): Promise<IntakeResult> {
    const taken = await takeInOrMerge(input, storeId, rawText, orderKey);
    if (input.progress === undefined) return taken;
    const followed = await progress.follow(taken.order.id, { ...(input.packageId !== undefined && { packageId: input.packageId }), progress: input.progress, lines: input.lines });
    return followed?.changed ? answer(followed.row, taken.created) : taken;
  }

  async function takeInOrMerge(input: MarketplaceOrderInput, storeId: string, rawText: string | null, orderKey: OrderKey): Promise<IntakeResult> {
    const existing = await findOrder(storeId, orderKey.key, input.packageId);
    if (existing && mergesPackages(existing, input.packageId)) {
      const delivery = { packageId: input.packageId, marketplaceStatus: input.marketplaceStatus ?? "", lines: input.lines, currency: input.currency, partition: input.partition };
      const merged = await packages.mergePackage(existing, delivery);
      return answer(merged.row, merged.created);
    }
    if (existing && existing.status !== "NEEDS_ATTENTION") return answer(existing, false);
    // Past the line limit the order is not read line by line, so its barcodes are not worth a query.
    const barcodes = input.lines.length <= MAX_LINES ? quotableBarcodes(input.lines) : [];
    const quote = await ctx.stores.quoteForOrder(storeId, { productIds: [], barcodes });
    if (!quote) throw new UnknownStore(storeId);
    const store = { id: storeId, type: quote.store.type, warehouseIds: quote.store.warehouseIds };
    // An inactive product is taken in anyway: the marketplace already sold it.
    const examined = examineOrder(input, orderKey, quote.products);
    if (existing) return examined.reasons.length > 0 ? answer(existing, false) : takeIn(existing, store, examined);
    return examined.reasons.length > 0 ? recordNeedingAttention(input, rawText, store, examined) : record(input, rawText, store, examined);
  }

  return {
    /**
     * Idempotent on (store, marketplace order id), and for a package on the lines' ids: a repeat
     * answers the recorded order and reserves nothing.
     */
    async intakeMarketplaceOrder(given: MarketplaceOrderInput): Promise<IntakeResult> {
      const storeId = given.storeId.toLowerCase();
      if (!UUID.test(storeId)) throw new UnknownStore(given.storeId);
      const rawText = rawPayloadText(given.raw);
      const orderKey = orderKeyOf(given.externalOrderId, rawText);
      const deadline = dispatchInstant(given.dispatchBy, log, { storeId, externalOrderId: given.externalOrderId });
      // A package id Postgres cannot store names no package: the order is taken as a whole (the raw payload keeps the id).
      const packaged = given.packageId === undefined || storable(given.packageId, MAX_PACKAGE_ID) ? given : { ...given, packageId: undefined };
      const number = given.marketplaceOrderNumber !== undefined && storable(given.marketplaceOrderNumber, MAX_PACKAGE_ID) ? given.marketplaceOrderNumber : undefined;
      const input = { ...packaged, lines: await identified(storeId, given.lines), dispatchBy: deadline?.toISOString(), marketplaceOrderNumber: number };
      try {
        return await keepNumber(await keepDeadline(await intake(input, storeId, rawText, orderKey), deadline), number);
      } catch (error) {
        // Two intakes of one order raced past the lookup; the unique index let one in. The loser
        // goes through intake again, so a second package of the order is merged, not dropped.
        if (!isUniqueViolation(error, EXTERNAL_ID_UNIQUE)) throw error;
        const winner = await repo.orderByExternalId(db, storeId, orderKey.key);
        if (!winner) throw error;
        return keepNumber(await keepDeadline(input.packageId !== undefined ? await intake(input, storeId, rawText, orderKey) : await answer(winner, false), deadline), number);
      }
    },

    /**
     * Releases a known order's reservation (none for OVERSOLD or NEEDS_ATTENTION), or for a
     * cancelled package exactly the units it names; a repeat does nothing, an unknown order is logged.
     */
    async cancelMarketplaceOrder(input: MarketplaceCancellationInput): Promise<MarketplaceCancellation> {
      const storeId = input.storeId.toLowerCase();
      // Without an id there is nothing to match a cancellation to (the feed records such an order instead).
      const { key } = orderKeyOf(input.externalOrderId, null);
      const packageId = input.packageId !== undefined && storable(input.packageId, MAX_PACKAGE_ID) ? input.packageId : undefined;
      const row = UUID.test(storeId) && input.externalOrderId ? await findOrder(storeId, key, packageId) : undefined;
      if (!row) {
        log.info({ storeId: input.storeId, externalOrderId: key }, "cancellation of an unknown marketplace order");
        return { outcome: "UNKNOWN" };
      }
      if (packageId !== undefined && input.lines) {
        const delivery = { packageId, marketplaceStatus: input.marketplaceStatus ?? "", lines: await identified(storeId, input.lines), currency: "", partition: input.partition };
        const cancelled = await packages.cancelPackage(row, delivery);
        if (cancelled) return { outcome: cancelled.changed ? "CANCELLED" : "ALREADY_CANCELLED", order: await present(ctx, cancelled.row, SYSTEM) };
        // A cancelled part (another package id) of an order recorded whole, without line ids, under
        // this very key cannot be released line by line; cancelling it whole would free live stock.
        // It keeps its reservation until the order's own cancellation (the safe side).
        if (row.packages === null && row.externalOrderId === key && packageId !== key) {
          log.warn({ orderId: row.id, packageId }, "a cancelled part of a marketplace order recorded without line ids: kept reserved until the order is cancelled");
          return { outcome: "ALREADY_CANCELLED", order: await present(ctx, row, SYSTEM) };
        }
      }
      const { order, changed } = await transitions.cancel(SYSTEM, row.id, { repeatIsNoop: true });
      return { outcome: changed ? "CANCELLED" : "ALREADY_CANCELLED", order };
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
