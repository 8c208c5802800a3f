/**
 * Pazarama's way back in the sandbox, from the fixtures (order-item-status, order-ship, order-read,
 * claims-pull, claim-update):
 * - `PUT /order/updateOrderStatus {orderNumber, item: {orderItemId, status, ...}}`: one listed item
 *   (a V2 unit, or the item on the paged call) moves 3 -> 12, 3 or 12 -> 13, 12 -> 5 with
 *   shippingTrackingNumber and cargoCompanyId (kept); anything else is HTTP 200 success:false;
 * - `POST /order/getRefund`, `POST /order/updateRefund {refundId, status 2 | 3, RefundRejectType,
 *   description, documentObjects}`: refunds of delivered items, answered once from status 1; a
 *   rejection needs a reason, a description, and a photo unless the reason is 10 or 11 (the
 *   Görsel Ekleme page);
 * - control routes `item-status {orderId, orderItemId, status: 11 | 14}` (the carrier delivers or
 *   not), `refund {orderId, orderItemId, reason?}` (the buyer asks to return a delivered item),
 *   `order-state?orderId=` (items with status and tracking, refunds, command calls per kind).
 */
import { Type } from "@sinclair/typebox";
import { parseBody } from "../control-body";
import type { Incoming, Reply } from "../module";
import { countCall, isRecord, jsonObject as json } from "../json-body";
import { view } from "./orders";
import type { PazaramaSandboxState, PzAccount, PzOrder } from "./state";

const DAY_MS = 24 * 60 * 60 * 1000;
const TURKEY_MS = 3 * 60 * 60 * 1000;
const envelope = (success: boolean, message: string | null, data: unknown = null) => ({ data, success, messageCode: success ? "ORD0" : "ORD400", message, userMessage: message, fromCache: false });
const refused = (message: string): Reply => ({ status: 200, body: envelope(false, message) });
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function counted(account: PzAccount, orderNumber: number, kind: string): void {
  countCall(account.fulfilment.calls, orderNumber, kind);
}

/** The order's items as listed (V2 units when `split`), with their current statuses. */
function listed(account: PzAccount, order: PzOrder, split: boolean) {
  return view(account, order, split).items;
}

const KIND: Record<number, string> = { 12: "PICK", 13: "UNSUPPLY", 5: "SHIP" };
/** The statuses an item may move from, per status set (Sipariş Durum Akışı). */
const FROM: Record<number, readonly number[]> = { 12: [3], 13: [3, 12], 5: [12] };

export function updatePzItemStatus(account: PzAccount, text: string, split: boolean): Reply {
  const body = json(text);
  const item = body && isRecord(body.item) ? body.item : undefined;
  if (!body || !item) return refused("orderNumber ve item zorunludur");
  const order = [...account.orders.values()].find((o) => o.orderNumber === Number(body.orderNumber));
  if (!order) return refused("Sipariş bulunamadı");
  const status = Number(item.status);
  if (KIND[status]) counted(account, order.orderNumber, KIND[status] ?? "OTHER");
  const found = listed(account, order, split).find((i) => i.orderItemId === item.orderItemId);
  if (!found) return refused("Sipariş kalemi bulunamadı");
  const from = FROM[status];
  if (!from) return refused(`Statü ${status} bu servisle güncellenemez`);
  if (!from.includes(found.orderItemStatus)) return refused(`Sipariş kalemi ${found.orderItemStatus} statüsünden ${status} statüsüne güncellenemez`);
  if (status === 5) {
    if (typeof item.shippingTrackingNumber !== "string" || item.shippingTrackingNumber === "") return refused("Kargo takip numarası zorunludur");
    if (typeof item.cargoCompanyId !== "string" || !GUID.test(item.cargoCompanyId)) return refused("cargoCompanyId zorunludur");
    account.fulfilment.tracking.set(found.orderItemId, { trackingNumber: item.shippingTrackingNumber, cargoCompanyId: item.cargoCompanyId });
  }
  account.fulfilment.statuses.set(found.orderItemId, status);
  return { status: 200, body: { data: null, success: true, messageCode: null, message: null, userMessage: null } };
}

const dayText = (at: number) => {
  const d = new Date(at + TURKEY_MS);
  const months = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${d.toISOString().slice(11, 16)}`;
};
const STATUS_NAMES: Record<number, string> = { 1: "İade Onayı Bekliyor", 2: "Tedarikçi Tarafından Onaylandı", 3: "Tedarikçi Tarafından Reddedildi" };

/** Requested in [start day, end day] (Turkish days, both included), paged from 1; SplitItems changes nothing here: every refund is one unit. */
export function listPzRefunds(account: PzAccount, text: string): Reply {
  const body = json(text);
  const day = (value: unknown) => (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) - TURKEY_MS : Number.NaN);
  const start = day(body?.requestStartDate);
  const end = day(body?.requestEndDate);
  const page = Number(body?.pageNumber);
  const size = Number(body?.pageSize);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return refused("requestStartDate ve requestEndDate yyyy-MM-dd olmalı");
  if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(size) || size < 1 || size > 100) return refused("pageNumber >= 1 ve 1 <= pageSize <= 100 olmalı");
  const wanted = body?.refundStatus === undefined || body.refundStatus === null ? undefined : Number(body.refundStatus);
  const all = [...account.fulfilment.refunds.values()]
    .filter((r) => r.requestedAt >= start && r.requestedAt < end + DAY_MS && (wanted === undefined || r.refundStatus === wanted))
    .sort((a, b) => a.requestedAt - b.requestedAt || a.refundNumber - b.refundNumber);
  const order = (r: { orderNumber: number }) => [...account.orders.values()].find((o) => o.orderNumber === r.orderNumber);
  const refundList = all.slice((page - 1) * size, page * size).map((r, i) => ({
    id: (page - 1) * size + i + 1,
    refundId: r.refundId,
    orderNumber: r.orderNumber,
    orderDate: dayText(order(r)?.placedAt ?? r.requestedAt),
    refundNumber: r.refundNumber,
    refundType: r.refundType,
    refundStatus: r.refundStatus,
    refundStatusName: STATUS_NAMES[r.refundStatus] ?? String(r.refundStatus),
    refundDate: dayText(r.requestedAt),
    productCode: r.productCode,
    productName: `Product ${r.productCode}`,
    quantity: 1,
  }));
  return { status: 200, body: envelope(true, null, { responsePage: { pageSize: size, pageIndex: page, totalCount: all.length, totalPages: Math.ceil(all.length / size) }, refundList }) };
}

export function updatePzRefund(account: PzAccount, text: string): Reply {
  const body = json(text);
  const refund = account.fulfilment.refunds.get(String(body?.refundId ?? ""));
  if (!body || !refund) return refused("İade talebi bulunamadı");
  const status = Number(body.status);
  counted(account, refund.orderNumber, status === 2 ? "APPROVE_RETURN" : status === 3 ? "REJECT_RETURN" : "OTHER");
  if (status !== 2 && status !== 3) return refused("Güncelleme işlemi için sadece Onaylama (2) ve Ret (3) statüleri kullanılabilir");
  if (refund.refundStatus !== 1) return refused("İade talebi onay beklemiyor");
  if (status === 3) {
    const reason = Number(body.RefundRejectType ?? body.refundRejectType);
    if (!Number.isSafeInteger(reason) || reason < 1 || reason > 12) return refused("Ret için RefundRejectType zorunludur");
    if (typeof body.description !== "string" || body.description.trim() === "") return refused("Ret için açıklama zorunludur");
    const photos = Array.isArray(body.documentObjects) ? body.documentObjects.length : 0;
    if (photos === 0 && reason !== 10 && reason !== 11) return refused("Bu ret sebebi için görsel yüklenmesi zorunludur");
    refund.rejectType = reason;
    refund.description = body.description;
  }
  refund.refundStatus = status;
  return { status: 200, body: envelope(true, null, { orderNumber: refund.orderNumber, requestNo: 0, refundId: refund.refundId, orderItemId: refund.orderItemId, refundType: refund.refundType, refundStatus: STATUS_NAMES[status] }) };
}

const ItemStatusBody = Type.Object({ orderId: Type.String({ minLength: 1 }), orderItemId: Type.String({ minLength: 1 }), status: Type.Union([Type.Literal(11), Type.Literal(14)]) }, { additionalProperties: false });
const RefundBody = Type.Object({ orderId: Type.String({ minLength: 1 }), orderItemId: Type.String({ minLength: 1 }), reason: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false });

/** The control routes above; undefined for another `what`. */
export function pzFulfilmentControl(state: PazaramaSandboxState, account: PzAccount, what: string, incoming: Incoming, now: number, split: boolean): Reply | undefined {
  if (what === "item-status") {
    const body = parseBody<{ orderId: string; orderItemId: string; status: number }>(ItemStatusBody, incoming.body);
    if (typeof body === "string") return { status: 400, body: { message: body } };
    const order = account.orders.get(body.orderId);
    const item = order ? listed(account, order, split).find((i) => i.orderItemId === body.orderItemId) : undefined;
    if (!item) return { status: 404, body: { message: "No such order item" } };
    if (item.orderItemStatus !== 5) return { status: 409, body: { message: "Only a shipped (5) item is delivered or not" } };
    account.fulfilment.statuses.set(item.orderItemId, body.status);
    return { status: 200, body: { orderItemId: item.orderItemId, status: body.status } };
  }
  if (what === "refund") {
    const body = parseBody<{ orderId: string; orderItemId: string; reason?: string }>(RefundBody, incoming.body);
    if (typeof body === "string") return { status: 400, body: { message: body } };
    const order = account.orders.get(body.orderId);
    const item = order ? listed(account, order, split).find((i) => i.orderItemId === body.orderItemId) : undefined;
    if (!order || !item) return { status: 404, body: { message: "No such order item" } };
    // "Teslim Edildi (11) sonrası alıcı iade süreci başlatabilir".
    if (item.orderItemStatus !== 11) return { status: 409, body: { message: "Only a delivered (11) item can be returned" } };
    const refund = { refundId: crypto.randomUUID(), orderNumber: order.orderNumber, orderItemId: item.orderItemId, refundNumber: state.nextRefundNumber(), refundStatus: 1, refundType: body.reason ?? "Ürünün parçası eksik", requestedAt: now, productCode: item.product.code };
    account.fulfilment.refunds.set(refund.refundId, refund);
    account.fulfilment.statuses.set(item.orderItemId, 7);
    return { status: 201, body: refund };
  }
  if (what === "order-state") {
    const order = account.orders.get(incoming.query.orderId ?? "");
    if (!order) return { status: 404, body: { message: "No such order" } };
    const refunds = [...account.fulfilment.refunds.values()].filter((r) => r.orderNumber === order.orderNumber);
    return {
      status: 200,
      body: {
        orderNumber: order.orderNumber,
        items: listed(account, order, split).map((i) => ({ orderItemId: i.orderItemId, status: i.orderItemStatus, trackingNumber: i.cargo.trackingNumber })),
        invoiceNumber: null,
        claims: refunds.map((r) => ({ refundId: r.refundId, orderItemId: r.orderItemId, status: r.refundStatus, rejectType: r.rejectType ?? null })),
        commandCalls: account.fulfilment.calls.get(order.orderNumber) ?? {},
      },
    };
  }
  return undefined;
}
