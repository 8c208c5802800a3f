/**
 * One order as the sandbox holds it, line by line: open (not packed), packed in a package (with
 * its status), or cancelled. Answers the order detail call (fixture hepsiburada/order-detail) and
 * the `order-state` control route, which adds invoice and tracking numbers, claims and the count
 * of command calls per kind, so tests can assert "exactly once" and "no call made".
 */
import type { Incoming, Reply } from "../module";
import { problem } from "../reply";
import { cancelledUnits } from "./orders";
import type { HepsiburadaAccount } from "./state";

interface ViewLine {
  id: string;
  orderNumber: string;
  merchantSKU: string;
  quantity: number;
  /** Empty while not packed. */
  packageNumber: string;
  isCancellable: boolean;
  status: string;
  dueDate: string;
  dispatchTime: number;
}

/** Every line of the order; empty when the sandbox holds none. */
function linesOf(account: HepsiburadaAccount, orderNumber: string): ViewLine[] {
  const lines: ViewLine[] = [];
  for (const { line } of account.openLines) {
    if (line.orderNumber !== orderNumber) continue;
    const quantity = line.quantity - cancelledUnits(account, line.id);
    lines.push({ id: line.id, orderNumber, merchantSKU: line.merchantSKU, quantity, packageNumber: "", isCancellable: true, status: "Open", dueDate: line.dueDate, dispatchTime: 1 });
  }
  for (const { line: pkg } of account.packages) {
    for (const item of pkg.items) {
      if (item.orderNumber !== orderNumber) continue;
      lines.push({ id: item.lineItemId, orderNumber, merchantSKU: item.merchantSku, quantity: item.quantity, packageNumber: pkg.packageNumber, isCancellable: false, status: pkg.status, dueDate: pkg.dueDate, dispatchTime: 1 });
    }
  }
  const shown = new Set(lines.map((line) => line.id));
  for (const { line } of account.cancelledLines) {
    if (line.orderNumber !== orderNumber || shown.has(line.lineItemId)) continue;
    shown.add(line.lineItemId);
    lines.push({ id: line.lineItemId, orderNumber, merchantSKU: line.merchantSku, quantity: cancelledUnits(account, line.lineItemId), packageNumber: "", isCancellable: false, status: "Cancelled", dueDate: "", dispatchTime: 0 });
  }
  return lines;
}

/** GET /orders/merchantid/{id}/ordernumber/{n}. */
export function orderDetail(account: HepsiburadaAccount, orderNumber: string): Reply {
  const items = linesOf(account, orderNumber);
  if (items.length === 0) return { status: 404, body: { title: "Not Found", status: 404, detail: `order ${orderNumber} not found` } };
  const first = account.openLines.find((entry) => entry.line.orderNumber === orderNumber)?.line.orderDate ?? account.packages.flatMap((entry) => entry.line.items).find((item) => item.orderNumber === orderNumber)?.orderDate ?? "";
  return { status: 200, body: { orderId: `hb-order-${orderNumber}`, orderNumber, orderDate: first, paymentStatus: "Paid", items } };
}

/** Control `GET .../order-state?orderNumber=`: lines, packages (invoice, tracking), claims and command calls per kind. */
export function orderState(account: HepsiburadaAccount, incoming: Incoming): Reply {
  const orderNumber = incoming.query.orderNumber;
  if (!orderNumber) return problem(422, "VALIDATION_FAILED", "orderNumber is required");
  const lines = linesOf(account, orderNumber);
  const packages = account.packages
    .filter((entry) => entry.line.items.some((item) => item.orderNumber === orderNumber))
    .map(({ line }) => {
      const record = account.packageRecords.get(line.packageNumber) ?? {};
      return { packageNumber: line.packageNumber, status: line.status, lineIds: line.items.map((item) => item.lineItemId), invoiceNumber: record.invoiceNumber ?? null, invoiceLink: record.invoiceLink ?? null, trackingNumber: record.trackingNumber ?? null };
    });
  const claims = account.claims.filter((entry) => entry.line.orderNumber === orderNumber).map(({ line }) => ({ number: line.number, lineItemId: line.lineItemId, status: line.status }));
  const calls = account.commandCalls.get(orderNumber) ?? {};
  if (lines.length === 0 && Object.keys(calls).length === 0) return problem(404, "NOT_FOUND", `No order ${orderNumber}`);
  return { status: 200, body: { orderNumber, lines: lines.map(({ id, status, packageNumber, quantity }) => ({ lineId: id, status, packageNumber: packageNumber || null, quantity })), packages, claims, calls } };
}
