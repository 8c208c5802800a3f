import { Orders, Returns } from "@pazarsync/shared";

/** Request and response schemas of the return routes; shared with clients via @pazarsync/shared. */
export const ReturnsModel = { ...Returns, Order: Orders.Order, OrderParams: Orders.OrderParams, ReturnBody: Orders.ReturnBody };
