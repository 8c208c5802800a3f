/**
 * Hepsiburada's order push as the sandbox plays it (fixtures hepsiburada/order-push and
 * order-cancel-push). Hepsiburada has no registration API (the seller sends a base URL and Basic
 * credentials to its integration team); here the control route stands in for that:
 * - `PUT /__sandbox/marketplaces/hepsiburada/{account}/push` `{ url, username, password }` sets the
 *   merchant's base URL, `DELETE` removes it, `GET` shows it (without the password) and the deliveries;
 * - a new order is POSTed to `{url}/orders` as `{ items: [line] }`, and every cancelled record is
 *   PUT to `{url}/lineitems/{lineItemId}/cancel` with the record's own cancelDate, so a receiver
 *   can tell the push and the pulled record apart from none.
 * One merchant's pushes go out one after another, in the order they happened. A push answered
 * other than 2xx (or not at all) is sent again a few times, every 60 s scaled: Hepsiburada
 * publishes no interval or count (the sandbox's choice).
 */
import { type Static, Type } from "@sinclair/typebox";
import { parseBody } from "../control-body";
import type { Incoming, Reply } from "../module";
import { problem } from "../reply";
import { localTime } from "./orders";
import type { HepsiburadaCancelledLine, HepsiburadaOpenLine } from "./state";

export interface HepsiburadaPushTarget {
  url: string;
  username: string;
  password: string;
}

export interface HepsiburadaPushDelivery {
  kind: "order" | "cancel";
  orderNumber: string;
  /** The cancelled line (cancellations). */
  lineItemId?: string;
  attempts: number;
  delivered: boolean;
  /** The receiver's last HTTP status; null when it did not answer. */
  lastHttpStatus: number | null;
}

const RETRIES = 3;
const RETRY_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const DAY = 24 * 60 * 60 * 1000;

const TargetBody = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2000, pattern: "^https?://" }), username: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

const lira = (amount: number) => Math.round(amount * 100) / 100;
const money = (amount: number) => ({ currency: "TRY", amount: lira(amount) });

/** A Create Order item from an open line; values the open list does not keep are the sandbox's. */
export function pushedLine(line: HepsiburadaOpenLine, orderedAt: number) {
  const vatRate = 20;
  return {
    dueDate: localTime(orderedAt + 2 * DAY),
    lastStatusUpdateDate: line.lastStatusUpdateDate,
    id: line.id,
    name: `Sandbox product ${line.merchantSKU}`,
    sku: line.sku,
    merchantSKU: line.merchantSKU,
    productImageUrlFormat: "https://productimages.sandbox.invalid/s/1/{size}/sandbox.jpg",
    quantity: line.quantity,
    merchantId: line.merchantId,
    orderNumber: line.orderNumber,
    orderDate: line.orderDate,
    status: line.status,
    customerName: "SANDBOX CUSTOMER",
    totalPrice: money(line.totalPrice.amount),
    unitPrice: money(line.unitPrice.amount),
    hbDiscount: { totalPrice: money(0), unitPrice: money(0) },
    vat: money((line.totalPrice.amount * vatRate) / (100 + vatRate)),
    vatRate,
    discountPriceToBeInvoicedHb: money(0),
  };
}

/** An Order Cancel body from a cancelled record. */
export function pushedCancellation(record: HepsiburadaCancelledLine) {
  return {
    cancelDate: record.cancelDate,
    merchantId: record.merchantId,
    id: record.lineItemId,
    quantity: record.quantity,
    cancelledBy: record.cancelledBy,
    orderNumber: record.orderNumber,
    cancelReasonCode: record.cancelReasonCode,
    isUnpackedLine: false,
  };
}

export class HepsiburadaPusher {
  private readonly targets = new Map<string, HepsiburadaPushTarget>();
  private readonly log: HepsiburadaPushDelivery[] = [];
  private readonly queues = new Map<string, Promise<void>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** `scaled` turns a marketplace duration into the sandbox's (divided by the time scale). */
  constructor(private readonly scaled: (ms: number) => number) {}

  /** The control route: PUT sets the target, DELETE removes it, GET shows it and the deliveries. */
  control(account: string, incoming: Incoming): Reply {
    if (incoming.method === "GET") {
      const target = this.targets.get(account);
      return { status: 200, body: { target: target ? { url: target.url, username: target.username } : null, deliveries: this.log.map((d) => ({ ...d })) } };
    }
    if (incoming.method === "DELETE") {
      this.targets.delete(account);
      return { status: 204 };
    }
    if (incoming.method !== "PUT") return problem(405, "METHOD_NOT_ALLOWED", "Method not allowed");
    const body = parseBody<Static<typeof TargetBody>>(TargetBody, incoming.body);
    if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
    const url = body.url.replace(/\/+$/, "");
    this.targets.set(account, { ...body, url });
    return { status: 200, body: { url, username: body.username } };
  }

  /** Pushes a new order's lines, if the merchant has a target. */
  order(account: string, lines: readonly HepsiburadaOpenLine[], orderedAt: number): void {
    const first = lines[0];
    if (!first) return;
    this.send(account, { kind: "order", orderNumber: first.orderNumber }, "POST", "/orders", { items: lines.map((line) => pushedLine(line, orderedAt)) });
  }

  /** Pushes one cancelled record, if the merchant has a target. */
  cancellation(account: string, record: HepsiburadaCancelledLine): void {
    const path = `/lineitems/${encodeURIComponent(record.lineItemId)}/cancel`;
    this.send(account, { kind: "cancel", orderNumber: record.orderNumber, lineItemId: record.lineItemId }, "PUT", path, pushedCancellation(record));
  }

  /** Forgets pending retries (the sandbox is stopping). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private send(account: string, what: Pick<HepsiburadaPushDelivery, "kind" | "orderNumber" | "lineItemId">, method: string, path: string, body: unknown): void {
    const target = this.targets.get(account);
    if (!target) return;
    const delivery: HepsiburadaPushDelivery = { ...what, attempts: 0, delivered: false, lastHttpStatus: null };
    this.log.push(delivery);
    const request = { url: `${target.url}${path}`, method, auth: `Basic ${Buffer.from(`${target.username}:${target.password}`).toString("base64")}`, body: JSON.stringify(body) };
    // After the merchant's earlier pushes: a cancellation never overtakes its order.
    const queued = (this.queues.get(account) ?? Promise.resolve()).then(() => this.attempt(request, delivery));
    this.queues.set(account, queued);
  }

  private async attempt(request: { url: string; method: string; auth: string; body: string }, delivery: HepsiburadaPushDelivery): Promise<void> {
    delivery.attempts += 1;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: { "content-type": "application/json", authorization: request.auth },
        body: request.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      delivery.lastHttpStatus = response.status;
      await response.arrayBuffer();
      delivery.delivered = response.ok;
    } catch {
      delivery.lastHttpStatus = null;
    }
    if (delivery.delivered || delivery.attempts > RETRIES) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(request, delivery);
    }, this.scaled(RETRY_MS));
    timer.unref?.();
    this.timers.add(timer);
  }
}
