/**
 * Pazarama's side of orders flowing back (fixtures pazarama/order-item-status, order-ship,
 * order-read, claims-pull, claim-update). Items move one by one with `PUT
 * /order/updateOrderStatus`: 12 preparing (our PICK), 13 not supplied (UNSUPPLY, and CANCEL for
 * every item), 5 shipped with the seller's tracking number (SHIP). Refunds are listed with
 * `getRefund` and answered with `updateRefund` (2 approve, 3 reject). No invoice call is
 * documented. Each send reads the order first and moves only the items not there yet, so sending
 * again after an unanswered send is harmless.
 */
import { MarketplaceCommandIncomplete } from "../errors";
import { idText, isRecord } from "../json";
import type { ClaimPage, CommandKind, CommandObservation, CommandSupport, CommandTarget, OrderCommand, OrderCommandPort } from "../order-commands";
import { PAZARAMA, pazaramaPaths } from "./facts";
import { pazaramaRequest, type PazaramaTransport } from "./http";
import { REFUND_STATUS, claimStateOf, refundPage } from "./refunds";

export const PAZARAMA_COMMAND_GROUP = "order-commands";

/** OrderItemStatus (Siparişler page). */
const ITEM = { received: 3, preparing: 12, notSupplied: 13, shipped: 5 } as const;
/** Past the seller's shipment: in transit, delivered, at a store or pick-up point, not delivered, in return. */
const SHIPPED_OR_LATER = new Set([5, 11, 14, 16, 19, 7, 8, 9, 10]);
/** Cancelled, not supplied, cancellation requested. */
const ENDED = new Set([6, 13, 18]);

/** Refund rejections carry one of twelve reasons; staff's text goes as 12 (Diğer) with it as description. */
export const PAZARAMA_REJECT_OTHER = 12;

const SUPPORTED: Partial<Record<CommandKind, CommandSupport>> = {
  PICK: { supported: true, repeatSafe: true, partial: true, requires: [] },
  UNSUPPLY: { supported: true, repeatSafe: true, partial: true, requires: [] },
  CANCEL: { supported: true, repeatSafe: true, partial: false, requires: [] },
  // "Statü 3'ten sonra kargoya verilecekse önce statü 12 yapılmalıdır".
  SHIP: { supported: true, repeatSafe: true, partial: true, requires: ["PICK"] },
  APPROVE_RETURN: { supported: true, repeatSafe: false, partial: true, requires: [] },
  REJECT_RETURN: { supported: true, repeatSafe: false, partial: true, requires: [] },
};
const NO_INVOICE =
  "Pazarama's integration pages (isortagim.pazarama.com/auth/integration: siparisler, kargo-takip-durumu-bildirme, iadeler, iade-durum-guncelleme) and the published clients read 2026-12-06 document no invoice call";

const notSent = (reason: string, permanent: boolean) => new MarketplaceCommandIncomplete("PAZARAMA", [reason], { permanent });

export interface PazaramaCommandSettings {
  /** The store's order call (getOrdersForApiV2 or getOrdersForApi): its item ids are the lines'. */
  ordersPath: string;
  /** Pazarama's id of the store's own carrier, for SHIP (no source lists them). */
  cargoCompanyId?: string;
  now: () => number;
}

/** `yyyy-MM-ddTHH:mm` in Turkey's time, as the order-number example writes dates. */
const turkishMinute = (at: number) => new Date(at + PAZARAMA.turkeyOffsetMs).toISOString().slice(0, 16);
const turkishDay = (at: number) => new Date(at + PAZARAMA.turkeyOffsetMs).toISOString().slice(0, 10);
const DAY = 24 * 60 * 60 * 1000;

type Items = Map<string, { status: number; quantity: number }>;

function itemsIn(body: unknown): Items {
  const items: Items = new Map();
  const orders = isRecord(body) && Array.isArray(body.data) ? body.data.filter(isRecord) : [];
  for (const order of orders) {
    for (const item of Array.isArray(order.items) ? order.items.filter(isRecord) : []) {
      const id = idText(item.orderItemId);
      if (id !== undefined) items.set(id, { status: Number(item.orderItemStatus), quantity: Number(item.quantity) || 1 });
    }
  }
  return items;
}

function orderNumberOf(target: CommandTarget): number {
  const text = target.marketplaceOrderNumber ?? target.orderNumber;
  // The order is keyed by orderId; Pazarama's calls take the numeric orderNumber.
  if (!/^\d{1,17}$/.test(text)) throw notSent(`Pazarama's calls take the order's orderNumber; order ${target.orderNumber} has none on record yet`, false);
  return Number(text);
}

/** What each step wants of an item: the status it sets, the statuses it moves from, and those that mean it is done. */
function stepOf(command: OrderCommand): { to: number; from: ReadonlySet<number>; done: ReadonlySet<number> } | undefined {
  if (command.kind === "PICK") return { to: ITEM.preparing, from: new Set([ITEM.received]), done: new Set([ITEM.preparing]) };
  if (command.kind === "UNSUPPLY" || command.kind === "CANCEL") return { to: ITEM.notSupplied, from: new Set([ITEM.received, ITEM.preparing]), done: new Set([ITEM.notSupplied]) };
  if (command.kind === "SHIP") return { to: ITEM.shipped, from: new Set([ITEM.preparing]), done: SHIPPED_OR_LATER };
  return undefined;
}

export function pazaramaOrderCommands(transport: PazaramaTransport, settings: PazaramaCommandSettings): OrderCommandPort {
  async function itemsOf(target: CommandTarget): Promise<Items> {
    const now = settings.now();
    const { body } = await pazaramaRequest(transport, {
      method: "POST",
      path: settings.ordersPath,
      body: JSON.stringify({ orderNumber: orderNumberOf(target), startDate: turkishMinute(now - PAZARAMA.maxOrderWindowMs), endDate: turkishMinute(now + DAY) }),
      callType: "GET_ORDERS",
      itemCount: 0,
    });
    return itemsIn(body);
  }

  async function setItem(orderNumber: number, item: Record<string, unknown>): Promise<void> {
    await pazaramaRequest(transport, { method: "PUT", path: pazaramaPaths.itemStatus, body: JSON.stringify({ orderNumber, item }), callType: "ORDER_COMMAND", itemCount: 1 });
  }

  async function moveItems(command: Extract<OrderCommand, { target: CommandTarget }>): Promise<void> {
    const step = stepOf(command);
    if (!step) throw notSent(`Pazarama does not take ${command.kind}`, true);
    const orderNumber = orderNumberOf(command.target);
    const items = await itemsOf(command.target);
    const lineIds = command.kind === "CANCEL" && command.target.lines.length === 0 ? [...items.keys()] : command.target.lines.map((line) => line.lineId);
    const extra = command.kind === "SHIP" ? shipment(command) : {};
    for (const lineId of lineIds) {
      const item = items.get(lineId);
      if (!item) throw notSent(`Pazarama lists no item ${lineId} in order ${orderNumber}`, false);
      const asked = command.target.lines.find((line) => line.lineId === lineId)?.quantity ?? item.quantity;
      if (asked < item.quantity && command.kind !== "PICK") throw notSent(`Pazarama moves whole items: item ${lineId} holds ${item.quantity}, not ${asked}`, true);
      if (step.done.has(item.status)) continue;
      if (!step.from.has(item.status)) throw notSent(`item ${lineId} is in status ${item.status}, not one ${command.kind} moves on from`, true);
      await setItem(orderNumber, { orderItemId: lineId, status: step.to, ...extra });
    }
  }

  function shipment(command: Extract<OrderCommand, { kind: "SHIP" }>): Record<string, unknown> {
    if (!command.trackingNumber) throw notSent("Pazarama's shipment notice needs the carrier's tracking number", true);
    if (!settings.cargoCompanyId) throw notSent("Pazarama's shipment notice needs the store's cargoCompanyId setting (Pazarama's id of its carrier)", true);
    return { deliveryType: 1, shippingTrackingNumber: command.trackingNumber, cargoCompanyId: settings.cargoCompanyId };
  }

  /** The claim's refund as listed now, looked for over the last month of requests. */
  async function refundStatus(refundId: string): Promise<number | undefined> {
    const now = settings.now();
    for (let pageNumber = 1; pageNumber <= 20; pageNumber += 1) {
      const { body } = await pazaramaRequest(transport, {
        method: "POST",
        path: pazaramaPaths.refunds,
        body: JSON.stringify({ pageSize: PAZARAMA.refundPageSize, pageNumber, SplitItems: true, requestStartDate: turkishDay(now - PAZARAMA.maxOrderWindowMs), requestEndDate: turkishDay(now + DAY) }),
        callType: "GET_CLAIMS",
        itemCount: 0,
      });
      const page = refundPage(body, new Date(now));
      const found = page.claims.find((claim) => claim.claimId === refundId);
      if (found) return Number((found.raw as Record<string, unknown>).refundStatus);
      if (!page.more) return undefined;
    }
    return undefined;
  }

  return {
    support: (kind) => SUPPORTED[kind] ?? { supported: false, source: NO_INVOICE },
    groupOf: () => PAZARAMA_COMMAND_GROUP,

    async send(command: OrderCommand) {
      if (command.kind === "APPROVE_RETURN" || command.kind === "REJECT_RETURN") {
        for (const refundId of command.claim.claimLineIds) {
          const body = command.kind === "APPROVE_RETURN"
            ? { refundId, status: REFUND_STATUS.approve }
            : { refundId, status: REFUND_STATUS.reject, RefundRejectType: PAZARAMA_REJECT_OTHER, description: command.reason };
          await pazaramaRequest(transport, { method: "POST", path: pazaramaPaths.refundUpdate, body: JSON.stringify(body), callType: "ORDER_COMMAND", itemCount: 1 });
        }
        return { outcome: "CONFIRMED" };
      }
      if (command.kind === "INVOICE") throw notSent(NO_INVOICE, true);
      await moveItems(command);
      // success:true answers each item: the step is done.
      return { outcome: "CONFIRMED" };
    },

    async observe(command: OrderCommand): Promise<CommandObservation> {
      if (command.kind === "APPROVE_RETURN" || command.kind === "REJECT_RETURN") {
        const refundId = command.claim.claimLineIds[0];
        const status = refundId === undefined ? undefined : await refundStatus(refundId);
        if (status === undefined) return "UNKNOWN";
        const state = claimStateOf(status);
        if (state === "OPEN") return "NOT_APPLIED";
        return state === (command.kind === "APPROVE_RETURN" ? "APPROVED" : "REJECTED") ? "APPLIED" : "PASSED";
      }
      const step = stepOf(command);
      if (!step || command.kind === "INVOICE") return "UNKNOWN";
      const items = await itemsOf(command.target);
      const statuses = command.target.lines.map((line) => items.get(line.lineId)?.status);
      if (statuses.length === 0 || statuses.some((status) => status === undefined)) return "UNKNOWN";
      if (statuses.every((status) => step.done.has(status ?? -1))) return "APPLIED";
      if (statuses.some((status) => step.from.has(status ?? -1))) return "NOT_APPLIED";
      return statuses.some((status) => ENDED.has(status ?? -1) || SHIPPED_OR_LATER.has(status ?? -1)) ? "PASSED" : "UNKNOWN";
    },

    async pullClaims({ since, until, page }): Promise<ClaimPage> {
      // Slices of at most a month of request dates, paged from 1: the token is "sliceStart:page".
      const [fromText, pageText] = (page ?? `${since.getTime()}:1`).split(":");
      const from = Number(fromText);
      const pageNumber = Number(pageText);
      const end = until.getTime();
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(pageNumber) || pageNumber < 1 || from >= end) return { claims: [], next: null };
      const to = Math.min(from + PAZARAMA.maxOrderWindowMs, end);
      const { body } = await pazaramaRequest(transport, {
        method: "POST",
        path: pazaramaPaths.refunds,
        body: JSON.stringify({ pageSize: PAZARAMA.refundPageSize, pageNumber, SplitItems: true, requestStartDate: turkishDay(from), requestEndDate: turkishDay(to) }),
        callType: "GET_CLAIMS",
        itemCount: 0,
      });
      const read = refundPage(body, new Date(from));
      const next = read.more ? `${from}:${pageNumber + 1}` : to < end ? `${to}:1` : null;
      return { claims: read.claims, next };
    },
  };
}
