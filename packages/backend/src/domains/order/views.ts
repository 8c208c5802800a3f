/** Order rows as the API shows them. */
import { type OrderCommands, Orders } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { CommandRow } from "./command-records";
import type { AllocationRow, AttentionLineRow, ItemRow, OrderRow } from "./repository";

const ShortageList = Type.Array(Orders.Shortage);
const ReasonList = Type.Array(Orders.AttentionReason);

/** JSON text written by intake; anything unreadable is shown as absent rather than failing the answer. */
function parsed(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The line as intake stored it (its JSON text), fields it cannot read shown as nothing. */
export function attentionLineFields(row: AttentionLineRow): { barcode: string; quantity: number; unitPrice: number; lineId?: string } {
  const line = parsed(row.line);
  const field = (name: string): unknown => (line !== null && typeof line === "object" ? (line as Record<string, unknown>)[name] : undefined);
  const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : Number.NaN);
  const lineId = field("lineId");
  return { barcode: String(field("barcode") ?? ""), quantity: number(field("quantity")), unitPrice: number(field("unitPrice")), ...(typeof lineId === "string" && { lineId }) };
}

function toAttentionLine(row: AttentionLineRow): Orders.AttentionLine {
  const fields = attentionLineFields(row);
  const shown = (value: number) => (Number.isFinite(value) ? value : 0);
  return {
    lineNo: row.lineNo,
    reason: Value.Check(Orders.AttentionReason, row.reason) ? row.reason : "UNKNOWN_BARCODE",
    barcode: fields.barcode,
    quantity: shown(fields.quantity),
    unitPrice: shown(fields.unitPrice),
    ...(fields.lineId !== undefined && { lineId: fields.lineId }),
    ...(row.cancelledQuantity > 0 && { cancelledQuantity: row.cancelledQuantity }),
  };
}

/** The jsonb column is written only by intake; anything else in it is shown as no shortages. */
function shortagesOf(value: unknown): Orders.Shortage[] | null {
  return Value.Check(ShortageList, value) ? value : null;
}

/**
 * Every line shows its number and status (its own where a step named some lines, else the
 * order's); marketplace orders also the marketplace's line id and the units cancelled since, when there are some.
 */
export function toItem(row: ItemRow, marketplace = false, orderStatus?: Orders.OrderStatus): Orders.OrderItem {
  const item: Orders.OrderItem = {
    lineNo: row.lineNo,
    productId: row.productId,
    sku: row.sku,
    name: row.name,
    quantity: row.quantity,
    unitPrice: row.unitPrice,
    lineTotal: row.lineTotal,
    vatRate: row.vatRate,
  };
  const status = row.status ?? orderStatus;
  if (status !== undefined) item.status = status;
  if (!marketplace) return item;
  if (row.externalLineId !== null) item.lineId = row.externalLineId;
  if (row.cancelledQuantity > 0) item.cancelledQuantity = row.cancelledQuantity;
  return item;
}

const PackageList = Type.Array(Orders.MarketplacePackage);

export function toAllocation(row: AllocationRow): Orders.Allocation {
  return { id: row.id, productId: row.productId, warehouseId: row.warehouseId, quantity: row.quantity, state: row.state };
}

/**
 * Allocations and the marketplace's raw payload only when allocations are given (staff views of
 * one order); customers never see warehouses. Attention fields on marketplace orders only.
 */
export function toOrder(
  row: OrderRow,
  items: readonly ItemRow[],
  allocations?: readonly AllocationRow[],
  attentionLines: readonly AttentionLineRow[] = [],
  commands?: readonly CommandRow[],
): Orders.Order {
  const order: Orders.Order = {
    id: row.id,
    number: row.number,
    storeId: row.storeId,
    customerId: row.customerId,
    placedBy: row.placedBy,
    externalOrderId: row.externalOrderId,
    status: row.status,
    currency: row.currency,
    total: row.total,
    vatTotal: row.vatTotal,
    items: items.filter((item) => item.orderId === row.id).map((item) => toItem(item, row.externalOrderId !== null, row.status)),
    shortages: shortagesOf(row.shortages),
    dispatchBy: row.dispatchBy?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  if (allocations) order.allocations = allocations.map(toAllocation);
  if (commands) order.commands = commands.map(toCommand);
  if (row.externalOrderId !== null) {
    order.attentionReasons = Value.Check(ReasonList, row.attentionReasons) ? row.attentionReasons : null;
    order.attentionLines = attentionLines.filter((line) => line.orderId === row.id).map(toAttentionLine);
    if (allocations && row.rawPayload !== null) order.rawPayload = parsed(row.rawPayload);
    if (Value.Check(PackageList, row.packages)) order.packages = row.packages.map(({ packageId, status, cancelled }) => ({ packageId, status, cancelled }));
  }
  return order;
}

const CommandLines = Type.Array(Type.Object({ lineNo: Type.Integer(), quantity: Type.Integer() }));

/** A command as staff see it; its lines are our intent (lineNo and units), whatever the marketplace calls them. */
export function toCommand(row: CommandRow): OrderCommands.Command {
  const lines = row.payload.lines;
  return {
    id: row.id,
    orderId: row.orderId,
    storeId: row.storeId,
    kind: row.kind,
    state: row.state,
    seq: row.seq,
    lines: Value.Check(CommandLines, lines) ? lines.map(({ lineNo, quantity }) => ({ lineNo, quantity })) : [],
    reason: row.reason,
    httpStatus: row.httpStatus,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
  };
}
