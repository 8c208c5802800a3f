/**
 * Hepsiburada's claims (returns), fixtures hepsiburada/claim-list, claim-accept and claim-reject
 * (published client's spec of Hepsiburada's "Talep Entegrasyonu", oms-external):
 * - `GET /claims/merchantId/{merchantId}?beginDate&endDate&offset&limit` (capital I in the path)
 *   answers a bare array of claims created in [beginDate, endDate] (`yyyy-MM-dd HH:mm`), limit 1..100;
 *   each claim is one order line: `number` (what accept/reject take), `orderNumber`, `lineItemId`,
 *   `sku` / `MerchantSku`, `quantity`, `status` (a closed set), `claimDate`, `Reason`, `explanation`.
 * - `POST /claims/number/{claimNumber}/accept` and `.../reject` answer 204.
 * The list filters on creation, so it yields new claims; the state of one we answered is read back
 * by `claimState` (the same list over recent days).
 */
import { MarketplaceOutcomeUnknown, MarketplacePageInvalid, MarketplaceWindowInvalid } from "../errors";
import { isRecord } from "../json";
import type { ClaimPage, NormalisedClaim } from "../order-commands";
import { hepsiburadaPaths } from "./facts";
import { hepsiburadaRequest, type HepsiburadaTransport } from "./http";
import { hepsiburadaTime, idOf, text } from "./order-normaliser";
import { hepsiburadaDate } from "./orders";

export interface HepsiburadaClaimSettings {
  merchantId: string;
  pageSize: number;
  maxPages: number;
  offsetMinutes: number;
  /** How far back `claimState` looks for a claim we answered (its creation date is not in the command). */
  lookBackMs: number;
  now: () => number;
}

const MINUTE = 60_000;

/** The closed status set (published client): what each means for the outbox and staff. */
const STATES: Record<string, NormalisedClaim["state"]> = {
  NewRequest: "OPEN",
  AwaitingAction: "OPEN",
  AwaitingPreApproval: "OPEN",
  Accepted: "APPROVED",
  Refunded: "APPROVED",
  // A dispute follows the merchant's rejection: the rejection was taken.
  InDispute: "REJECTED",
  Rejected: "REJECTED",
  Cancelled: "OTHER",
};

/** One listed claim as every adapter hands it over; undefined when it names no claim number. */
export function claimOf(raw: unknown, offsetMinutes: number, fallbackAt: string): NormalisedClaim | undefined {
  const record = isRecord(raw) ? raw : {};
  const number = idOf(record.number);
  if (number === undefined) return undefined;
  const status = text(record.status) ?? "";
  const lineId = idOf(record.lineItemId);
  const reason = text(record.Reason) ?? text(record.explanation);
  const quantity = typeof record.quantity === "number" && Number.isInteger(record.quantity) ? record.quantity : 0;
  return {
    claimId: number,
    orderNumber: idOf(record.orderNumber) ?? "",
    state: STATES[status] ?? "OTHER",
    marketplaceStatus: status,
    // The merchant's SKU is what our products carry; Hepsiburada's own sku stands in when it is missing.
    lines: [{ claimLineId: number, ...(lineId ? { lineId } : {}), barcode: text(record.MerchantSku) ?? text(record.sku) ?? "", quantity, ...(reason ? { reason } : {}) }],
    lastModifiedAt: hepsiburadaTime(record.claimDate, offsetMinutes) ?? fallbackAt,
    raw,
  };
}

function decodeOffset(page: string): number {
  if (!/^\d{1,9}$/.test(page)) throw new MarketplacePageInvalid(page);
  return Number(page);
}

export function createHepsiburadaClaims(transport: HepsiburadaTransport, settings: HepsiburadaClaimSettings) {
  async function listPage(since: number, until: number, offset: number): Promise<unknown[]> {
    const begin = hepsiburadaDate(Math.floor(since / MINUTE) * MINUTE, settings.offsetMinutes);
    const end = hepsiburadaDate(Math.ceil(until / MINUTE) * MINUTE, settings.offsetMinutes);
    const query = `beginDate=${encodeURIComponent(begin)}&endDate=${encodeURIComponent(end)}&offset=${offset}&limit=${settings.pageSize}`;
    const { status, body } = await hepsiburadaRequest(transport, {
      service: "orders",
      method: "GET",
      path: `${hepsiburadaPaths.claims(settings.merchantId)}?${query}`,
      callType: "GET_CLAIMS",
      itemCount: 0,
    });
    if (!Array.isArray(body)) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the claim list is not an array");
    return body;
  }

  return {
    /** Claims created in [since, until), a page at a time; a full page means another may follow (the count is only in headers). */
    async pullClaims({ since, until, page }: { since: Date; until: Date; page?: string }): Promise<ClaimPage> {
      if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) throw new MarketplaceWindowInvalid();
      const offset = page === undefined ? 0 : decodeOffset(page);
      const items = await listPage(since.getTime(), until.getTime(), offset);
      const fallback = since.toISOString();
      const claims = items.flatMap((raw) => claimOf(raw, settings.offsetMinutes, fallback) ?? []);
      return { claims, next: items.length >= settings.pageSize ? String(offset + items.length) : null };
    },

    /** The claim's state now, read from the list over the look-back; undefined when not found within it. */
    async claimState(claimNumber: string): Promise<NormalisedClaim["state"] | undefined> {
      const until = settings.now();
      const since = until - settings.lookBackMs;
      for (let pageNo = 0, offset = 0; pageNo < settings.maxPages; pageNo += 1) {
        const items = await listPage(since, until, offset);
        const found = items.map((raw) => claimOf(raw, settings.offsetMinutes, "")).find((claim) => claim?.claimId === claimNumber);
        if (found) return found.state;
        if (items.length < settings.pageSize) return undefined;
        offset += items.length;
      }
      return undefined;
    },

    async answer(claimNumber: string, answer: "accept" | "reject", body: Record<string, string>): Promise<void> {
      await hepsiburadaRequest(transport, {
        service: "orders",
        method: "POST",
        path: hepsiburadaPaths.claim(claimNumber, answer),
        body: JSON.stringify(body),
        callType: "ORDER_COMMAND",
        itemCount: 1,
        answer: "optional",
      });
    },
  };
}
