/**
 * The bodies of Hepsiburada's order commands and the shapes read back, each as its fixture shows it
 * (package-create, package-invoice, package-intransit, line-cancel, package-labels).
 */
import { isRecord } from "../json";
import type { CommandTarget, ShippingLabel, UnsupplyReason } from "../order-commands";
import { HEPSIBURADA } from "./facts";
import { text } from "./order-normaliser";

/** The store-account model's in-transit fields the command does not carry (all mandatory, official). */
export interface StoreAccountShipping {
  /** The carrier's tracking page; `{trackingNumber}` is replaced by the package's tracking number. */
  trackingUrlTemplate: string;
  trackingPhoneNumber: string;
  estimatedArrivalDays: number;
  deci: number;
}

/**
 * Our reasons as Hepsiburada's cancel reason ids. The official page documents one id, 83 "Ürün
 * tedarik edilemedi" (the product could not be supplied), which is what each of ours is to the buyer.
 */
export const CANCEL_REASON_IDS: Record<UnsupplyReason, number> = {
  OUT_OF_STOCK: HEPSIBURADA.cancelReasonId,
  DEFECTIVE: HEPSIBURADA.cancelReasonId,
  PRICE_ERROR: HEPSIBURADA.cancelReasonId,
  INTEGRATION_ERROR: HEPSIBURADA.cancelReasonId,
};

/** The package number our order knows a package by: `package:{n}` (the packages list pull) or the number itself (a PICK's reference). */
export function packageNumberOf(packageId: string | undefined): string | undefined {
  if (!packageId) return undefined;
  const named = /^package:(.+)$/.exec(packageId)?.[1];
  if (named) return named === "unnumbered" ? undefined : named;
  // The open list and cancelled records are not packages.
  return /^[A-Za-z0-9_-]+$/.test(packageId) && packageId !== "open-list" ? packageId : undefined;
}

export function packBody(target: CommandTarget) {
  return { lineItemRequests: target.lines.map((line) => ({ id: line.lineId, quantity: line.quantity })) };
}

/**
 * The link (required; "the other fields may be left empty", official) and, when the number has the
 * e-invoice form (3 series characters, then the year and sequence: 16 in all), its series as
 * serialNumber and the rest as rowNumber; a number of another form is not split by guesswork.
 */
export function invoiceBody(invoiceLink: string, invoiceNumber: string) {
  const einvoice = /^([A-Za-z0-9]{3})(\d{13})$/.exec(invoiceNumber.trim());
  return { invoiceLink, ...(einvoice ? { serialNumber: einvoice[1], rowNumber: einvoice[2] } : {}) };
}

/** Every mandatory in-transit field; tax and cost "0 gönderilmelidir" (official). */
export function intransitBody(shipping: StoreAccountShipping, trackingNumber: string, now: number) {
  return {
    shippedDate: new Date(now).toISOString(),
    estimatedArrivalDate: new Date(now + shipping.estimatedArrivalDays * 24 * 60 * 60 * 1000).toISOString(),
    trackingUrl: shipping.trackingUrlTemplate.replaceAll("{trackingNumber}", encodeURIComponent(trackingNumber)),
    trackingNumber,
    trackingPhoneNumber: shipping.trackingPhoneNumber,
    tax: 0,
    cost: 0,
    deci: shipping.deci,
  };
}

/**
 * `{data: string[], format}`: no source says how `data` is encoded, so it is handed over as the text
 * it is, one entry a line, typed by the format the answer names (ZPL is printer text).
 */
export function labelOf(body: unknown): ShippingLabel | undefined {
  if (!isRecord(body) || !Array.isArray(body.data)) return undefined;
  const parts = body.data.filter((part): part is string => typeof part === "string" && part.length > 0);
  if (parts.length === 0) return undefined;
  const format = text(body.format)?.toLowerCase();
  const contentType = format === "zpl" ? "application/zpl" : `text/plain; charset=utf-8${format ? `; format=${format}` : ""}`;
  return { contentType, body: new TextEncoder().encode(parts.join("\n")) };
}
