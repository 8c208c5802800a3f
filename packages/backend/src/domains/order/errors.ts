import type { Orders } from "@pazarsync/shared";
import { Conflict, NotFound, ValidationFailed } from "../../infra/errors";

/** Someone else's order answers like a missing one: order ids are not probeable. */
export const orderNotFound = (orderId: string) => new NotFound("No such order", { orderId }, "ORDER_NOT_FOUND");

export const outOfStock = (shortages: readonly Orders.Shortage[]) =>
  new Conflict("OUT_OF_STOCK", "Not enough stock for this order; nothing was reserved", { shortages: [...shortages] });

export const unknownStore = (storeId: string) => new ValidationFailed("No such store", { storeId }, "UNKNOWN_STORE");

export const unknownProducts = (productIds: readonly string[], barcodes: readonly string[]) =>
  new ValidationFailed("Some lines name products that do not exist", { productIds: [...productIds], barcodes: [...barcodes] }, "UNKNOWN_PRODUCT");

/** A line problem in the same shape as the schema's own 422s, so clients show it the same way. */
export const invalidLine = (index: number, message: string) =>
  new ValidationFailed("The request is not valid", { fields: [{ in: "body", path: `/items/${index}`, message }] });
