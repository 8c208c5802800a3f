import { PTTAVM_AWAITING_SHIPMENT, PTTAVM_ORDER_WINDOW_MS } from "@pazarsync/backend/src/domains/marketplace/pttavm/facts";
import type { Incoming, Reply, SandboxOrderInput } from "../module";
import type { PttAccount, PttavmSandboxState, PttOrder } from "./state";

const refused = (message: string): Reply => ({ status: 400, body: { success: false, message } });

/** The sandbox writes and reads order-search times as UTC without a zone, the adapter's default reading (pttavm/facts.ts). */
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);

function instant(value: string | undefined): number {
  if (!value || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value)) return Number.NaN;
  return Date.parse(value.includes("T") ? `${value}Z` : `${value}T00:00:00Z`);
}

/**
 * A marketplace order as the order search answers it (fixture order-pull): every line awaiting
 * shipment. It does not change the quantities the account shows: the seller's system reserves the
 * stock and pushes the new truth. Returns the order and its id (siparisNo).
 */
export function createPttOrder(state: PttavmSandboxState, account: PttAccount, input: SandboxOrderInput, now: number): PttOrder {
  const siparisNo = state.nextOrderId();
  const order: PttOrder = {
    siparisNo,
    islemTarihi: stamp(now),
    kargoTutari: 0,
    siparisUrunler: input.lines.map((line) => {
      const total = line.unitPrice * line.quantity;
      return {
        lineItemId: state.nextLineItemId(),
        urunId: 0,
        urunBarkod: line.code,
        variantBarkod: null,
        siparisDurumu: PTTAVM_AWAITING_SHIPMENT,
        toplamIslemAdedi: line.quantity,
        kdvOrani: 20,
        kdvHaricToplamTutar: Math.round(total / 1.2) / 100,
        kdvDahilToplamTutar: total / 100,
      };
    }),
  };
  account.orders.set(siparisNo, order);
  return order;
}

/** Every line cancelled ("iptal"), and the order's islemTarihi moved to now so a later search finds it. */
export function cancelPttOrder(account: PttAccount, orderId: string, now: number): boolean {
  const order = account.orders.get(orderId);
  if (!order) return false;
  for (const line of order.siparisUrunler) line.siparisDurumu = "iptal";
  order.islemTarihi = stamp(now);
  return true;
}

/** The named lines cancelled ("iptal"), the order's islemTarihi moved to now; false when the order or a line is unknown. */
export function cancelPttLines(account: PttAccount, orderId: string, lineIds: readonly string[], now: number): boolean {
  const order = account.orders.get(orderId);
  if (!order || !lineIds.every((id) => order.siparisUrunler.some((line) => String(line.lineItemId) === id))) return false;
  for (const line of order.siparisUrunler) if (lineIds.includes(String(line.lineItemId))) line.siparisDurumu = "iptal";
  order.islemTarihi = stamp(now);
  return true;
}

/**
 * GET /orders/search?startDate&endDate&isActiveOrders (all three required): orders whose
 * islemTarihi is in [startDate, endDate], at most 40 days apart, end not before start; with
 * isActiveOrders=true only orders with a line awaiting shipment. A bare array, no paging.
 */
export function searchPttOrders(account: PttAccount, incoming: Incoming): Reply {
  const start = instant(incoming.query.startDate);
  const end = instant(incoming.query.endDate);
  const active = incoming.query.isActiveOrders;
  if (Number.isNaN(start) || Number.isNaN(end)) return refused("startDate ve endDate zorunludur (YYYY-MM-DDTHH:mm:ss)");
  if (active !== "true" && active !== "false") return refused("isActiveOrders zorunludur (true veya false)");
  if (end < start) return refused("Bitiş tarihi başlangıç tarihinden önce olamaz");
  // A data range, not a wait: not time-scaled.
  if (end - start > PTTAVM_ORDER_WINDOW_MS) return refused("Başlangıç ve bitiş tarihleri arasındaki süre en fazla 40 gün olabilir");
  const matching = [...account.orders.values()]
    .filter((order) => {
      const at = instant(order.islemTarihi);
      return at >= start && at <= end && (active === "false" || order.siparisUrunler.some((line) => line.siparisDurumu === PTTAVM_AWAITING_SHIPMENT));
    })
    .sort((a, b) => a.islemTarihi.localeCompare(b.islemTarihi) || a.siparisNo.localeCompare(b.siparisNo));
  return { status: 200, body: matching };
}
