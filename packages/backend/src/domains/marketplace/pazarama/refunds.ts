/**
 * Pazarama's refunds as every adapter hands claims over (fixture pazarama/claims-pull.json):
 * `POST /order/getRefund` answers `{ data: { responsePage: { pageIndex, totalPages }, refundList:
 * [{ refundId, orderNumber, refundStatus, refundStatusName, refundType, refundDate, productCode,
 * quantity? }] } }`. With SplitItems each refund is one unit; dates are Turkish text
 * ("6 Ekim 2021 19:46", Turkey's time).
 */
import { idText, isRecord } from "../json";
import type { NormalisedClaim } from "../order-commands";
import { PAZARAMA } from "./facts";

/** refundStatus: 1 waiting; 2, 4, 6, 8 approved (by us, back office, automatically, directly); 3, 5 rejected; 7 withdrawn. */
const APPROVED = new Set([2, 4, 6, 8]);
const REJECTED = new Set([3, 5]);
export const REFUND_STATUS = { waiting: 1, approve: 2, reject: 3, withdrawn: 7 } as const;

export function claimStateOf(status: number): NormalisedClaim["state"] {
  if (status === REFUND_STATUS.waiting) return "OPEN";
  if (APPROVED.has(status)) return "APPROVED";
  return REJECTED.has(status) ? "REJECTED" : "OTHER";
}

const MONTHS = ["ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim", "kasım", "aralık"];

/** "6 Ekim 2021 19:46" (Turkey's time) -> ISO; undefined when it reads otherwise. */
export function turkishDateText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const found = /^(\d{1,2}) (\S+) (\d{4})(?: (\d{2}):(\d{2}))?$/.exec(value.trim());
  if (!found) return undefined;
  const [, day, monthName, year, hour = "00", minute = "00"] = found;
  const month = MONTHS.indexOf((monthName ?? "").toLocaleLowerCase("tr"));
  if (month < 0) return undefined;
  const at = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute)) - PAZARAMA.turkeyOffsetMs;
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** The refunds of one page, and whether another page follows. */
export function refundPage(body: unknown, listedFrom: Date): { claims: NormalisedClaim[]; more: boolean } {
  const data = isRecord(body) && isRecord(body.data) ? body.data : {};
  const list = Array.isArray(data.refundList) ? data.refundList.filter(isRecord) : [];
  const page = isRecord(data.responsePage) ? data.responsePage : {};
  const claims = list.flatMap((raw): NormalisedClaim[] => {
    const claimId = idText(raw.refundId);
    const orderNumber = idText(raw.orderNumber);
    if (claimId === undefined || orderNumber === undefined) return [];
    const status = Number(raw.refundStatus);
    const quantity = Number.isSafeInteger(raw.quantity) && Number(raw.quantity) > 0 ? Number(raw.quantity) : 1;
    return [{
      claimId,
      orderNumber,
      state: claimStateOf(status),
      marketplaceStatus: typeof raw.refundStatusName === "string" ? raw.refundStatusName : String(raw.refundStatus ?? ""),
      lines: [{ claimLineId: claimId, barcode: typeof raw.productCode === "string" ? raw.productCode : "", quantity, ...(typeof raw.refundType === "string" ? { reason: raw.refundType } : {}) }],
      lastModifiedAt: turkishDateText(raw.refundDate) ?? listedFrom.toISOString(),
      raw,
    }];
  });
  const index = Number(page.pageIndex);
  const total = Number(page.totalPages);
  // A count when there is one; else a full page may have a next one.
  const more = Number.isFinite(index) && Number.isFinite(total) && total > 0 ? index < total : list.length >= PAZARAMA.refundPageSize;
  return { claims, more };
}
