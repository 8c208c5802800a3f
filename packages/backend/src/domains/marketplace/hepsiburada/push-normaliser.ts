/**
 * Hepsiburada's order push read into the pull's deliveries (fixtures hepsiburada/order-push and
 * order-cancel-push), so a pushed order and the same order pulled are one order:
 * - `POST {base}/orders` `{ items: [line] }`: each item is one open line (`id` the line id,
 *   `orderNumber`, `quantity`, `unitPrice {amount}`); grouped by orderNumber into the delivery the
 *   open list gives (package `open-list`, lines named by their ids), so the pull reading the same
 *   lines later reserves nothing again. The merchant SKU is spelled `merchantSKU` in the one
 *   client that shows it (the official excerpt stops before it); without it the line is named by
 *   `sku`, Hepsiburada's own SKU, which matches no product: the order waits for an operator, who
 *   maps the line.
 * - `PUT {base}/lineitems/{lineItemId}/cancel` `{ cancelDate, id, quantity, orderNumber, ... }`:
 *   one cancellation of units of one line, read as the cancelled list's record of it (same
 *   package `cancelled:{lineId}:{cancelDate}`), so the push and the pulled record release once.
 */
import type { NormalisedOrder } from "../types";
import { isRecord } from "../json";
import { HEPSIBURADA } from "./facts";
import { cancelledOrdersOf, groupLines, hepsiburadaTime, idOf, type LineGroups, minorUnits, OPEN_LIST_PACKAGE, orderOf, readLine, text } from "./order-normaliser";

/** A pushed line: the open list's fields, with the merchant SKU read as the pull reads it and `sku` behind it. */
function readPushedLine(raw: unknown, offsetMinutes: number) {
  const record = isRecord(raw) ? raw : {};
  const at = hepsiburadaTime(record.orderDate, offsetMinutes) ?? hepsiburadaTime(record.lastStatusUpdateDate, offsetMinutes);
  return readLine(raw, text(record.merchantSKU) ?? text(record.merchantSku) ?? record.sku, minorUnits(record.unitPrice), at, record.id, hepsiburadaTime(record.dueDate, offsetMinutes));
}

/**
 * The orders of one order push, one delivery per order number (a line naming none is an order of
 * its own without an id, recorded for an operator). A push without lines is one delivery without
 * an id or lines, so it is recorded too rather than lost.
 */
export function pushedOrdersOf(items: readonly unknown[] | undefined, body: unknown, received: Date, offsetMinutes = HEPSIBURADA.orderTimeZoneOffsetMinutes): NormalisedOrder[] {
  const window = { from: received, to: received };
  if (!items || items.length === 0) {
    return [{ externalId: undefined, packageId: OPEN_LIST_PACKAGE, status: "CREATED", marketplaceStatus: "Open", lines: [], currency: "TRY", lastModifiedAt: received.toISOString(), raw: body }];
  }
  const groups: LineGroups = new Map();
  groupLines(
    groups,
    items.map((raw) => readPushedLine(raw, offsetMinutes)),
  );
  return [...groups.values()].map((group) => orderOf(group, { status: "CREATED", packageId: OPEN_LIST_PACKAGE }, window));
}

/**
 * A cancellation push as the cancelled list's record of it. The line is the one the path names;
 * a body naming another line (`id`) leaves it unclear which units were cancelled, so the record
 * goes on without a line id (recorded for an operator, nothing released), as a pulled record
 * without one does.
 */
export function pushedCancellationOf(pathLineId: string, body: unknown, received: Date, offsetMinutes = HEPSIBURADA.orderTimeZoneOffsetMinutes): NormalisedOrder {
  const record = isRecord(body) ? body : {};
  const named = idOf(record.id);
  const lineItemId = named === undefined || named === pathLineId ? pathLineId : undefined;
  const [order] = cancelledOrdersOf([{ ...record, lineItemId }], offsetMinutes, { from: received, to: received });
  if (!order) throw new Error("a cancelled record gave no delivery");
  return order;
}
