/**
 * A recorded command as the marketplace must hear it, resolved when it is sent: the payload names
 * our lines (lineNo, units); the marketplace's order number, package and line ids are read from
 * the order as it is now, because a package may have been replaced since (Trendyol's unsupplied
 * units leave the rest in a NEW package of the same order number).
 */
import { Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { Database } from "../../infra/db";
import type { StoreService } from "../catalog/service";
import type { ClaimTarget, CommandTarget, OrderCommand, UnsupplyReason } from "../marketplace/order-commands";
import type { CommandRow } from "./command-records";
import * as repo from "./repository";
import type { MarketplacePackage } from "./schema";

const Lines = Type.Array(Type.Object({ lineNo: Type.Integer(), quantity: Type.Integer({ minimum: 1 }) }));
const Claim = Type.Object({ claimId: Type.String(), orderNumber: Type.String(), claimLineIds: Type.Array(Type.String()) });
const REASONS: readonly string[] = ["OUT_OF_STOCK", "DEFECTIVE", "PRICE_ERROR", "INTEGRATION_ERROR"];

/** Why a command cannot be built from what the order holds now: it is failed with this reason, never sent. */
export class UnresolvableCommand extends Error {}

const text = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);
const reasonOf = (value: unknown): UnsupplyReason => (typeof value === "string" && REASONS.includes(value) ? (value as UnsupplyReason) : "OUT_OF_STOCK");

/** The package holding the lines: the latest live one listing one of them, else the latest not cancelled, else the latest. */
export function packageFor(packages: readonly MarketplacePackage[] | null, lineIds: readonly string[]): string | undefined {
  const list = [...(packages ?? [])].reverse();
  const live = list.filter((p) => !p.cancelled && p.holds !== false);
  return (
    live.find((p) => p.lines?.some((line) => lineIds.includes(line.lineId)))?.packageId ??
    live[0]?.packageId ??
    list.find((p) => !p.cancelled)?.packageId ??
    list[0]?.packageId
  );
}

async function targetOf(db: Database, stores: Pick<StoreService, "quoteForOrder">, row: CommandRow, order: repo.OrderRow): Promise<CommandTarget> {
  const lines = row.payload.lines;
  if (!Value.Check(Lines, lines)) throw new UnresolvableCommand("the command names no readable lines");
  const items = await repo.itemsOf(db, [order.id]);
  const named = lines.map((line) => {
    const item = items.find((i) => i.lineNo === line.lineNo);
    if (!item) throw new UnresolvableCommand(`the order has no line ${line.lineNo}`);
    return { item, quantity: line.quantity };
  });
  return targetOfItems(stores, order, named);
}

/** Every line of the order, whole: what a call about the order itself (its shipping label) names. */
export async function wholeOrderTarget(db: Database, stores: Pick<StoreService, "quoteForOrder">, order: repo.OrderRow): Promise<CommandTarget> {
  const items = await repo.itemsOf(db, [order.id]);
  return targetOfItems(
    stores,
    order,
    items.map((item) => ({ item, quantity: item.quantity })),
  );
}

async function targetOfItems(stores: Pick<StoreService, "quoteForOrder">, order: repo.OrderRow, named: { item: repo.ItemRow; quantity: number }[]): Promise<CommandTarget> {
  const quote = await stores.quoteForOrder(order.storeId, { productIds: [...new Set(named.map(({ item }) => item.productId))], barcodes: [] });
  const barcodeOf = (productId: string) => quote?.products.find((p) => p.id === productId)?.barcode ?? "";
  const target: CommandTarget = {
    orderNumber: order.externalOrderId ?? "",
    ...(order.marketplaceOrderNumber !== null && { marketplaceOrderNumber: order.marketplaceOrderNumber }),
    lines: named.map(({ item, quantity }) => ({ lineId: item.externalLineId ?? "", barcode: barcodeOf(item.productId), quantity })),
  };
  if (order.marketplaceOrderNumber !== null) target.marketplaceOrderNumber = order.marketplaceOrderNumber;
  const packageId = packageFor(order.packages, target.lines.map((line) => line.lineId));
  if (packageId !== undefined) target.packageId = packageId;
  return target;
}

/** The command to send for this row, from the order as it is now. */
export async function resolveCommand(db: Database, stores: Pick<StoreService, "quoteForOrder">, row: CommandRow): Promise<OrderCommand> {
  const order = await repo.orderRow(db, row.orderId);
  if (!order || order.externalOrderId === null) throw new UnresolvableCommand("the order is gone or is not a marketplace order");
  const payload = row.payload;
  switch (row.kind) {
    case "PICK":
      return { kind: "PICK", target: await targetOf(db, stores, row, order) };
    case "INVOICE": {
      const invoiceNumber = text(payload.invoiceNumber);
      if (!invoiceNumber) throw new UnresolvableCommand("the invoice command has no invoice number");
      const invoiceLink = text(payload.invoiceLink);
      return { kind: "INVOICE", target: await targetOf(db, stores, row, order), invoiceNumber, ...(invoiceLink && { invoiceLink }) };
    }
    case "SHIP": {
      const carrier = text(payload.carrier);
      const trackingNumber = text(payload.trackingNumber);
      return { kind: "SHIP", target: await targetOf(db, stores, row, order), ...(carrier && { carrier }), ...(trackingNumber && { trackingNumber }) };
    }
    case "UNSUPPLY":
      return { kind: "UNSUPPLY", target: await targetOf(db, stores, row, order), reason: reasonOf(payload.reason) };
    case "CANCEL":
      return { kind: "CANCEL", target: await targetOf(db, stores, row, order), reason: reasonOf(payload.reason) };
    case "APPROVE_RETURN":
    case "REJECT_RETURN": {
      // Recorded by the returns work with the claim as the marketplace keys it.
      const claim: unknown = payload.claim;
      if (!Value.Check(Claim, claim)) throw new UnresolvableCommand("the return command names no claim");
      const target: ClaimTarget = { claimId: claim.claimId, orderNumber: claim.orderNumber, claimLineIds: [...claim.claimLineIds] };
      return row.kind === "APPROVE_RETURN" ? { kind: "APPROVE_RETURN", claim: target } : { kind: "REJECT_RETURN", claim: target, reason: text(payload.reason) ?? "" };
    }
  }
}
