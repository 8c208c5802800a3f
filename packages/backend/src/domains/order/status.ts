import type { Orders } from "@pazarsync/shared";
import { InvalidTransition } from "./errors";

export type OrderStatus = Orders.OrderStatus;

export const ORDER_STATUSES: readonly OrderStatus[] = ["CREATED", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED", "RETURNED", "OVERSOLD", "NEEDS_ATTENTION"];

/**
 * Every status change an order may make through a transition. OVERSOLD is only ever entered at
 * marketplace intake; an operator resolves it by cancelling, which releases nothing because an
 * OVERSOLD order holds no stock. NEEDS_ATTENTION is entered at intake too and holds no stock
 * either: it is cancelled (by the marketplace or staff), or intake takes the order in when the
 * marketplace sends it again in a form it can read (to CREATED, or OVERSOLD when short), which
 * INTAKE_TAKES_IN names. CANCELLED and RETURNED are final, but for one case outside this table: a
 * Trendyol or N11 order every unit of which its packages cancelled is taken in again when a live
 * package lists some of its units (the cancelled package read first; package-partition.ts).
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  CREATED: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["SHIPPED", "CANCELLED"],
  // Reached once the fulfilment steps are written.
  PICKING: [],
  INVOICED: [],
  SHIPPED: ["DELIVERED", "RETURNED"],
  DELIVERED: ["RETURNED"],
  CANCELLED: [],
  RETURNED: [],
  OVERSOLD: ["CANCELLED"],
  NEEDS_ATTENTION: ["CANCELLED"],
};

/** Where marketplace intake moves a NEEDS_ATTENTION order it can now read (intake.ts), besides the table above. */
export const INTAKE_TAKES_IN: Readonly<Partial<Record<OrderStatus, readonly OrderStatus[]>>> = {
  NEEDS_ATTENTION: ["CREATED", "OVERSOLD"],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** 409 INVALID_TRANSITION with { from, to } when the table does not allow the change. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new InvalidTransition(from, to);
  }
}
