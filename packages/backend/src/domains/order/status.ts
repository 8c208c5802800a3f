import type { Orders } from "@pazarsync/shared";
import { Conflict } from "../../infra/errors";

export type OrderStatus = Orders.OrderStatus;

export const ORDER_STATUSES: readonly OrderStatus[] = ["CREATED", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED", "RETURNED", "OVERSOLD"];

/**
 * Every status change an order may make. OVERSOLD is only ever entered at marketplace intake
 * (never through a transition); an operator resolves it by cancelling, which releases nothing
 * because an OVERSOLD order holds no stock. CANCELLED and RETURNED are final.
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  CREATED: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED", "RETURNED"],
  DELIVERED: ["RETURNED"],
  CANCELLED: [],
  RETURNED: [],
  OVERSOLD: ["CANCELLED"],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** 409 INVALID_TRANSITION with { from, to } when the table does not allow the change. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new Conflict("INVALID_TRANSITION", `An order in ${from} cannot become ${to}`, { from, to });
  }
}
