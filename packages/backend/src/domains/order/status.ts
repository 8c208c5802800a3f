import type { Orders } from "@pazarsync/shared";
import { InvalidTransition } from "./errors";

export type OrderStatus = Orders.OrderStatus;

export const ORDER_STATUSES: readonly OrderStatus[] = ["CREATED", "CONFIRMED", "PICKING", "INVOICED", "SHIPPED", "DELIVERED", "CANCELLED", "RETURNED", "OVERSOLD", "NEEDS_ATTENTION"];

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
  CREATED: ["CONFIRMED", "PICKING", "INVOICED", "CANCELLED"],
  CONFIRMED: ["PICKING", "INVOICED", "SHIPPED", "CANCELLED"],
  PICKING: ["INVOICED", "SHIPPED", "CANCELLED"],
  INVOICED: ["SHIPPED", "CANCELLED"],
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

/** How far along the way to the buyer each status is: an order's status is the least advanced of its open lines'. */
export const PROGRESS: Readonly<Partial<Record<OrderStatus, number>>> = { CREATED: 0, CONFIRMED: 1, PICKING: 2, INVOICED: 3, SHIPPED: 4, DELIVERED: 5 };

/** The least advanced of the statuses (those PROGRESS ranks); undefined when none is ranked. */
export function leastAdvanced(statuses: readonly OrderStatus[]): OrderStatus | undefined {
  let least: OrderStatus | undefined;
  for (const status of statuses) {
    const rank = PROGRESS[status];
    if (rank === undefined) continue;
    if (least === undefined || rank < (PROGRESS[least] ?? 0)) least = status;
  }
  return least;
}
