/**
 * PttAVM's side of orders flowing back (fixtures pttavm/order-invoice, order-detail,
 * warehouse-list, create-barcode, claims-pull). PttAVM documents two seller steps: the invoice
 * (`POST /orders/{id}/invoice`, a PDF link per order lines) and the shipment barcode on its
 * shipment host (`/get-warehouse`, `/create-barcode`: PTT makes the tracking number). It takes no
 * preparing step, no cancellation and no answer to a return: a return is a line whose status
 * becomes `iade` in the order search, which is how pullClaims reads them.
 */
import { MarketplaceCommandIncomplete } from "../errors";
import { idText, isRecord } from "../json";
import type { ClaimPage, CommandKind, CommandObservation, CommandSupport, CommandTarget, NormalisedClaim, OrderCommand, OrderCommandPort } from "../order-commands";
import { PTTAVM_CANCELLED_LINE, PTTAVM_RETURNED_LINE, PTTAVM_SHIPMENT, PTTAVM_SHIPPED_LINE, pttavmPaths } from "./facts";
import { pttavmRequest, type PttavmTransport } from "./http";
import { instantOf, pttavmTimestamp } from "./orders";

export const PTTAVM_COMMAND_GROUP = "order-commands";

const PAGES = "developers.pttavm.com/tr order (Sipariş Entegrasyonu) and cargo (Kargo Entegrasyonu) pages, read 2026-12-06";
const RETURNS = "a return is an order line whose siparisDurumu becomes 'iade' (Alfasoylu/iotomasyon lib/pttavm/client.ts at 28fc81bd: 'Resmî kaynakta ... iade ucu YOK')";
const NOT_SUPPORTED: Partial<Record<CommandKind, string>> = {
  PICK: `PttAVM documents no preparing or accept step: the only seller status changes are the shipment barcode and, for digital goods only, update-no-shipping-order (${PAGES})`,
  UNSUPPLY: `PttAVM documents no call for units the seller cannot supply; lines it cancels come as 'iptal' in the order search (${PAGES})`,
  CANCEL: `PttAVM documents no seller cancellation; cancelled lines come as 'iptal' in the order search (${PAGES})`,
  APPROVE_RETURN: `PttAVM takes no answer to a return: ${RETURNS}; ${PAGES}`,
  REJECT_RETURN: `PttAVM takes no answer to a return: ${RETURNS}; ${PAGES}`,
};

const SUPPORTED: Partial<Record<CommandKind, CommandSupport>> = {
  INVOICE: { supported: true, repeatSafe: false, partial: true, requires: [] },
  // create-barcode takes an order number: the whole order goes.
  SHIP: { supported: true, repeatSafe: false, partial: false, requires: [] },
};

/** A refusal of ours, before anything is sent (no link, no warehouse to name). */
const notSent = (reason: string) => new MarketplaceCommandIncomplete("PTTAVM", [reason]);

const numeric = (id: string): number | string => (/^\d{1,15}$/.test(id) ? Number(id) : id);

interface OrderRead {
  lines: Map<string, { status: string; invoiced: boolean }>;
  barcode: boolean;
}

/** Sipariş Detay answers an array of one order (the page) or the order itself (the client): both are read. */
function orderRead(body: unknown): OrderRead | undefined {
  const order = Array.isArray(body) ? body[0] : body;
  if (!isRecord(order)) return undefined;
  const lines = new Map<string, { status: string; invoiced: boolean }>();
  for (const raw of Array.isArray(order.siparisUrunler) ? order.siparisUrunler : []) {
    const id = isRecord(raw) ? idText(raw.lineItemId) : undefined;
    if (isRecord(raw) && id !== undefined) lines.set(id, { status: typeof raw.siparisDurumu === "string" ? raw.siparisDurumu : "", invoiced: raw.isInvoice === true });
  }
  const barcodes = Array.isArray(order.barcodes) ? order.barcodes.filter((b) => isRecord(b) && typeof b.barcode === "string" && b.barcode !== "") : [];
  return { lines, barcode: (typeof order.kargoBarkod === "string" && order.kargoBarkod !== "") || barcodes.length > 0 };
}

function invoiceSeen(target: CommandTarget, read: OrderRead): CommandObservation {
  const lines = target.lines.map((line) => read.lines.get(line.lineId));
  if (lines.some((line) => line === undefined)) return "UNKNOWN";
  if (lines.every((line) => line?.invoiced)) return "APPLIED";
  return lines.some((line) => PTTAVM_CANCELLED_LINE.has(line?.status ?? "")) ? "PASSED" : "NOT_APPLIED";
}

function shipSeen(read: OrderRead): CommandObservation {
  if (read.barcode) return "APPLIED";
  const statuses = [...read.lines.values()].map((line) => line.status);
  if (statuses.length === 0) return "UNKNOWN";
  // Shipped or cancelled without a barcode of ours: the order went past this step another way.
  return statuses.some((status) => PTTAVM_SHIPPED_LINE.has(status)) || statuses.every((status) => PTTAVM_CANCELLED_LINE.has(status)) ? "PASSED" : "NOT_APPLIED";
}

/** Every `iade` line of one order-search answer, as a claim keyed `{siparisNo}/{lineItemId}`. */
export function returnedLines(body: unknown): NormalisedClaim[] {
  if (!Array.isArray(body)) return [];
  return body.filter(isRecord).flatMap((order) => {
    const orderNumber = idText(order.siparisNo);
    const lines = Array.isArray(order.siparisUrunler) ? order.siparisUrunler.filter(isRecord) : [];
    return lines.flatMap((line): NormalisedClaim[] => {
      const lineId = idText(line.lineItemId);
      if (orderNumber === undefined || lineId === undefined || line.siparisDurumu !== PTTAVM_RETURNED_LINE) return [];
      return [{
        claimId: `${orderNumber}/${lineId}`,
        orderNumber,
        // PttAVM shows `iade` once the return is done; nothing is asked of the seller.
        state: "APPROVED",
        marketplaceStatus: PTTAVM_RETURNED_LINE,
        lines: [{ claimLineId: lineId, lineId, barcode: typeof line.urunBarkod === "string" ? line.urunBarkod : "", quantity: Number(line.toplamIslemAdedi) || 0 }],
        // The search knows only the order's date, not when the line became `iade`.
        lastModifiedAt: instantOf(order.islemTarihi) ?? new Date(0).toISOString(),
        raw: order,
      }];
    });
  });
}

export interface PttavmCommandSettings {
  shipmentBaseUrl: string;
  /** The warehouse barcodes are made for; unset: the one warehouse PttAVM lists (several: SHIP refused). */
  warehouseId?: number;
  ordersPath: string;
  maxOrderWindowMs: number;
}

export function pttavmOrderCommands(transport: PttavmTransport, settings: PttavmCommandSettings): OrderCommandPort {
  const shipment: PttavmTransport = { ...transport, baseUrl: settings.shipmentBaseUrl };

  async function detail(orderNumber: string): Promise<OrderRead | undefined> {
    const { body } = await pttavmRequest(transport, { method: "GET", path: pttavmPaths.orderDetail(orderNumber), callType: "GET_ORDERS", itemCount: 0 });
    return orderRead(body);
  }

  async function warehouse(): Promise<number | string> {
    if (settings.warehouseId !== undefined) return settings.warehouseId;
    const { body } = await pttavmRequest(shipment, { method: "POST", path: PTTAVM_SHIPMENT.warehouses, body: "{}", callType: "OTHER", itemCount: 0 });
    const listed = isRecord(body) && Array.isArray(body.data) ? body.data.filter(isRecord).map((w) => idText(w.id)).filter((id) => id !== undefined) : [];
    if (listed.length !== 1 || listed[0] === undefined) throw notSent(`PttAVM lists ${listed.length} warehouses for this store; set the store's warehouseId`);
    return numeric(listed[0]);
  }

  return {
    support: (kind) => SUPPORTED[kind] ?? { supported: false, source: NOT_SUPPORTED[kind] ?? "not documented by PttAVM" },
    groupOf: () => PTTAVM_COMMAND_GROUP,

    async send(command: OrderCommand) {
      if (command.kind === "INVOICE") {
        if (!command.invoiceLink) throw notSent("PttAVM takes the invoice itself (a PDF link), not its number; this step has no link");
        await pttavmRequest(transport, {
          method: "POST",
          path: pttavmPaths.orderInvoice(command.target.orderNumber),
          body: JSON.stringify({ lineItemId: command.target.lines.map((line) => numeric(line.lineId)), url: command.invoiceLink }),
          callType: "ORDER_COMMAND",
          itemCount: command.target.lines.length,
        });
        return { outcome: "CONFIRMED" };
      }
      if (command.kind === "SHIP") {
        const warehouseId = await warehouse();
        const { body } = await pttavmRequest(shipment, {
          method: "POST",
          path: PTTAVM_SHIPMENT.createBarcode,
          body: JSON.stringify({ orders: [{ order_id: command.target.orderNumber, warehouse_id: warehouseId }] }),
          callType: "ORDER_COMMAND",
          itemCount: 1,
          batchIdFrom: (answer) => (isRecord(answer) ? idText(answer.tracking_id) : undefined),
        });
        // The barcode comes later: the order detail shows it (observe, the pull).
        const trackingId = isRecord(body) ? idText(body.tracking_id) : undefined;
        return { outcome: "ACCEPTED", ...(trackingId === undefined ? {} : { reference: trackingId }) };
      }
      throw notSent(`PttAVM does not take ${command.kind}`);
    },

    async observe(command: OrderCommand) {
      if (command.kind !== "INVOICE" && command.kind !== "SHIP") return "UNKNOWN";
      const read = await detail(command.target.orderNumber);
      if (!read) return "UNKNOWN";
      return command.kind === "INVOICE" ? invoiceSeen(command.target, read) : shipSeen(read);
    },

    async pullClaims({ since, until, page }): Promise<ClaimPage> {
      // One order-search window per page (at most 40 days, no paging): the page token is its start.
      const from = page === undefined ? since.getTime() : Number(page);
      const end = until.getTime();
      if (!Number.isSafeInteger(from) || from >= end) return { claims: [], next: null };
      const to = Math.min(from + settings.maxOrderWindowMs, end);
      const { body } = await pttavmRequest(transport, {
        method: "GET",
        path: settings.ordersPath,
        query: { startDate: pttavmTimestamp(from), endDate: pttavmTimestamp(to), isActiveOrders: "false" },
        callType: "GET_CLAIMS",
        itemCount: 0,
      });
      return { claims: returnedLines(body), next: to < end ? String(to) : null };
    },
  };
}
