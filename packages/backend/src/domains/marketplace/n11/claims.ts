/**
 * N11's returns through its SOAP ReturnService (fixtures n11/claims-list, claims-approve,
 * claims-reject; n11 API Soap Referans Dokümantasyonu v5.2, 3.14): ClaimReturnList pages of 20,
 * searched by request day (dd/mm/yyyy, Turkey's calendar) or by order number; one claim is one
 * product of an order, named by n11's productId only (no order line id, no stock code).
 */
import type { NormalisedClaim } from "../order-commands";
import { N11 } from "./facts";
import { childrenNamed, child, childText, type XmlElement, xmlFields } from "./xml";

/** ClaimReturnStatus: REQUESTED, PENDING (postponement asked), PENDED (postponed) still wait for the seller. */
const OPEN = new Set(["REQUESTED", "PENDING", "PENDED"]);
/** MANUAL_REFUND "Manuel Para İadesi Tamamlandı": the buyer was refunded, the return stands. */
const APPROVED = new Set(["APPROVED", "MANUAL_REFUND"]);

export function n11ClaimState(status: string): NormalisedClaim["state"] {
  if (OPEN.has(status)) return "OPEN";
  if (APPROVED.has(status)) return "APPROVED";
  return status === "DENIED" ? "REJECTED" : "OTHER";
}

/** The Turkish calendar day of an instant, dd/mm/yyyy as the service takes it. */
export function n11Day(at: number): string {
  const day = new Date(at + N11.turkeyOffsetMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(day.getUTCDate())}/${pad(day.getUTCMonth() + 1)}/${day.getUTCFullYear()}`;
}

/** dd/mm/yyyy (a Turkish day) -> the ISO instant it starts; undefined when it reads otherwise. */
export function n11DayStart(text: string | undefined): string | undefined {
  const found = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text ?? "");
  if (!found) return undefined;
  const at = Date.UTC(Number(found[3]), Number(found[2]) - 1, Number(found[1])) - N11.turkeyOffsetMs;
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** ClaimReturnList's fields: every status, by a request-day window or by an order number. */
export function claimListFields(search: { from: number; to: number } | { orderNumber: string }, page: number): string {
  const byOrder = "orderNumber" in search;
  const period = byOrder ? xmlFields([["startDate", ""], ["endDate", ""]]) : xmlFields([["startDate", n11Day(search.from)], ["endDate", n11Day(search.to)]]);
  const searchData = xmlFields([["status", "ALL"], ["executer", ""], ["searchInfoType", byOrder ? "ORDERID" : ""], ["searchQuery", byOrder ? search.orderNumber : ""]]);
  return `<searchData>${searchData}<period>${period}</period></searchData><pagingData>${xmlFields([["currentPage", page]])}</pagingData>`;
}

const DATES = ["requestDate", "pendingRequestDate", "pendedDate", "cancelledDate", "deniedDate", "approvedDate"] as const;

function claimOf(raw: XmlElement, listedFrom: Date): NormalisedClaim | undefined {
  const claimId = childText(raw, "claimReturnId");
  const orderNumber = childText(raw, "orderNumber");
  if (claimId === undefined || orderNumber === undefined) return undefined;
  const status = childText(raw, "status") ?? "";
  const quantity = Number(childText(raw, "quantity"));
  // The latest day anything happened to it (days only: no time of day is given).
  const days = DATES.flatMap((name) => n11DayStart(childText(raw, name)) ?? []).sort();
  const reason = [childText(raw, "returnReasonType"), childText(raw, "returnReasonDescription")].filter(Boolean).join(": ");
  return {
    claimId,
    orderNumber,
    state: n11ClaimState(status),
    marketplaceStatus: status,
    // No stock code or line id in the claim: the returns intake keeps the line for staff to match.
    lines: [{ claimLineId: claimId, barcode: "", quantity: Number.isSafeInteger(quantity) && quantity > 0 ? quantity : 1, ...(reason ? { reason } : {}) }],
    lastModifiedAt: days.at(-1) ?? listedFrom.toISOString(),
    raw: Object.fromEntries(raw.children.map((c) => [c.name, c.text])),
  };
}

/** The claims of one ClaimReturnList answer, and whether another page follows. */
export function claimPage(response: XmlElement, page: number, listedFrom: Date): { claims: NormalisedClaim[]; more: boolean } {
  const rows = childrenNamed(child(response, "claimReturnList"), "claimReturn");
  const claims = rows.flatMap((row) => claimOf(row, listedFrom) ?? []);
  const pageCount = Number(childText(child(response, "pagingData"), "pageCount"));
  // A count when there is one; else a full page may have a next one.
  const more = Number.isFinite(pageCount) && pageCount > 0 ? page + 1 < pageCount : rows.length >= N11.claimPageSize;
  return { claims, more };
}
