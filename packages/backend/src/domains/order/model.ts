import { Orders } from "@pazarsync/shared";

/** Request and response schemas of the order routes; shared with clients via @pazarsync/shared. */
export const OrderModel = Orders;
