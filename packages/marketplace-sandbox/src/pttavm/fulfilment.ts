/**
 * PttAVM's way back in the sandbox, from the fixtures (order-invoice, order-detail,
 * warehouse-list, create-barcode, claims-pull):
 * - `POST /api/v1/orders/{id}/invoice {lineItemId[], url | content}`: each named line marked
 *   isInvoice, the link kept; an unknown line, a cancelled one or no invoice is `success:false`;
 * - `GET /api/v1/orders/{id}`: the order as Sipariş Detay answers it (an array of one);
 * - `POST /api/v1/get-warehouse`, `POST /api/v1/create-barcode {orders: [{order_id, warehouse_id}]}`:
 *   a barcode for an order awaiting shipment from a listed warehouse (kargoBarkod), a tracking_id;
 *   else 422 as the page lists it;
 * - control routes `order-state?orderId=` (status per line, invoice link, barcode, returns, calls
 *   per kind), `line-status {orderId, status}` (PTT moves the lines on: gonderilmiş, tamamlandi)
 *   and `return-line {orderId, lineItemId}` (a delivered line becomes `iade`).
 */
import { Type } from "@sinclair/typebox";
import { PTTAVM_AWAITING_SHIPMENT, PTTAVM_CANCELLED_LINE, PTTAVM_RETURNED_LINE } from "@pazarsync/backend/src/domains/marketplace/pttavm/facts";
import { parseBody } from "../control-body";
import type { Incoming, Reply } from "../module";
import { countCall, isRecord, parseJson as json } from "../json-body";
import type { PttAccount, PttOrder, PttavmSandboxState } from "./state";

const refused = (message: string): Reply => ({ status: 200, body: { success: false, error_Message: message } });
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);

function counted(account: PttAccount, orderId: string, kind: string): void {
  countCall(account.fulfilment.calls, orderId, kind);
}

export function pttInvoice(account: PttAccount, orderId: string, text: string, now: number): Reply {
  const order = account.orders.get(orderId);
  if (!order) return { status: 404, body: { success: false, error_Message: "Sipariş bulunamadı" } };
  counted(account, orderId, "INVOICE");
  const body = json(text);
  if (!isRecord(body) || !Array.isArray(body.lineItemId) || body.lineItemId.length === 0) return refused("lineItemId zorunludur");
  const url = typeof body.url === "string" && body.url !== "" ? body.url : undefined;
  const content = typeof body.content === "string" && body.content !== "" ? body.content : undefined;
  if (!url && !content) return refused("Fatura url veya içerik (Base64 pdf) zorunludur");
  const lines = body.lineItemId.map((id) => order.siparisUrunler.find((line) => line.lineItemId === Number(id)));
  if (lines.some((line) => line === undefined)) return refused("lineItemId siparişe ait değil");
  if (lines.some((line) => PTTAVM_CANCELLED_LINE.has(line?.siparisDurumu ?? ""))) return refused("İptal edilen ürüne fatura yüklenemez");
  for (const line of lines) if (line) line.isInvoice = true;
  account.fulfilment.invoiceUrls.set(orderId, url ?? "(pdf content)");
  order.islemTarihi = stamp(now);
  return { status: 200, body: { success: true, error_Message: null } };
}

export function pttOrderDetail(account: PttAccount, orderId: string): Reply {
  const order = account.orders.get(orderId);
  if (!order) return { status: 404, body: { success: false, message: "Sipariş bulunamadı" } };
  return { status: 200, body: [{ kargoBarkod: null, barcodes: [], ...order, siparisUrunler: order.siparisUrunler.map((line) => ({ isInvoice: false, ...line })) }] };
}

export function pttWarehouses(account: PttAccount): Reply {
  return { status: 200, body: { data: account.fulfilment.warehouses, error: false, msg: null, status: true } };
}

/** "Sipariş numaraları aynı olup, depo numaraları farklı olamaz"; an order not awaiting shipment gets no barcode. */
export function pttCreateBarcode(state: PttavmSandboxState, account: PttAccount, text: string): Reply {
  const unprocessable = (message: string): Reply => ({ status: 422, body: { success: false, error: true, code: 422, message } });
  const body = json(text);
  const orders = isRecord(body) && Array.isArray(body.orders) ? body.orders.filter(isRecord) : [];
  if (orders.length === 0) return unprocessable("orders zorunludur");
  const made: PttOrder[] = [];
  for (const item of orders) {
    const order = account.orders.get(String(item.order_id));
    if (order) counted(account, order.siparisNo, "SHIP");
    if (!order) return unprocessable(`Sipariş bulunamadı: ${String(item.order_id)}`);
    if (!account.fulfilment.warehouses.some((w) => w.id === Number(item.warehouse_id))) return unprocessable(`Depo bulunamadı: ${String(item.warehouse_id)}`);
    if (!order.siparisUrunler.some((line) => line.siparisDurumu === PTTAVM_AWAITING_SHIPMENT)) return unprocessable("Sipariş kargo yapılması bekleniyor durumunda değil");
    made.push(order);
  }
  const trackingId = state.nextBarcodeJob();
  for (const order of made) {
    order.kargoBarkod ??= state.nextBarcode();
    order.barcodes = [{ barcode: order.kargoBarkod, type: "KARGO" }];
  }
  account.fulfilment.barcodeJobs.set(trackingId, made.map((o) => o.siparisNo));
  return { status: 200, body: { tracking_id: trackingId, count: made.length, code: 200, success: true, message: "", error: false } };
}

const StatusBody = Type.Object({ orderId: Type.String({ minLength: 1 }), status: Type.Union([Type.Literal("gonderilmiş"), Type.Literal("tamamlandi")]) }, { additionalProperties: false });
const ReturnBody = Type.Object({ orderId: Type.String({ minLength: 1 }), lineItemId: Type.Integer() }, { additionalProperties: false });

/** One of the control routes above; undefined for another `what`. */
export function pttFulfilmentControl(account: PttAccount, what: string, incoming: Incoming, now: number): Reply | undefined {
  if (what === "order-state") {
    const order = account.orders.get(incoming.query.orderId ?? "");
    if (!order) return { status: 404, body: { message: "No such order" } };
    return {
      status: 200,
      body: {
        orderId: order.siparisNo,
        lines: order.siparisUrunler.map((line) => ({ lineItemId: line.lineItemId, status: line.siparisDurumu, invoiced: line.isInvoice === true })),
        invoiceUrl: account.fulfilment.invoiceUrls.get(order.siparisNo) ?? null,
        trackingNumber: order.kargoBarkod ?? null,
        returns: order.siparisUrunler.filter((line) => line.siparisDurumu === PTTAVM_RETURNED_LINE).map((line) => line.lineItemId),
        commandCalls: account.fulfilment.calls.get(order.siparisNo) ?? {},
      },
    };
  }
  if (what === "line-status") {
    const body = parseBody<{ orderId: string; status: string }>(StatusBody, incoming.body);
    if (typeof body === "string") return { status: 400, body: { message: body } };
    const order = account.orders.get(body.orderId);
    if (!order) return { status: 404, body: { message: "No such order" } };
    if (!order.kargoBarkod) return { status: 409, body: { message: "PTT moves an order on only once it has its shipment barcode" } };
    for (const line of order.siparisUrunler) if (!PTTAVM_CANCELLED_LINE.has(line.siparisDurumu)) line.siparisDurumu = body.status;
    order.islemTarihi = stamp(now);
    return { status: 200, body: order };
  }
  if (what === "return-line") {
    const body = parseBody<{ orderId: string; lineItemId: number }>(ReturnBody, incoming.body);
    if (typeof body === "string") return { status: 400, body: { message: body } };
    const line = account.orders.get(body.orderId)?.siparisUrunler.find((l) => l.lineItemId === body.lineItemId);
    if (!line) return { status: 404, body: { message: "No such order line" } };
    // A buyer returns what was delivered.
    if (line.siparisDurumu !== "tamamlandi") return { status: 409, body: { message: "Only a delivered (tamamlandi) line can be returned" } };
    line.siparisDurumu = PTTAVM_RETURNED_LINE;
    return { status: 200, body: account.orders.get(body.orderId) };
  }
  return undefined;
}
