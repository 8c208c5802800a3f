/**
 * Trendyol returns (claims): the list (getClaims, fixture trendyol/claims-list.json), approving
 * claim items (claim-approve.json) and opening a rejection request (createClaimIssue,
 * claim-issue.json). A claim item is one returned unit; its status name is the claim's state.
 * The list filters on the claim's creation date (startDate / endDate), pages from 0, and answers
 * newest modification first; a claim already known is re-read by its id to see its state move.
 */
import { MarketplaceCommandIncomplete, MarketplaceOutcomeUnknown, MarketplacePageInvalid } from "../errors";
import { isRecord } from "../json";
import type { ClaimPage, ClaimTarget, CommandObservation, NormalisedClaim } from "../order-commands";
import { TRENDYOL_COMMANDS, trendyolPaths } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";
import { idText } from "./order-packages";

const OPEN = new Set(["Created", "WaitingInAction"]);
/** Approved claims pass a fraud check ("WaitingFraudCheck") before "Accepted". */
const APPROVED = new Set(["Accepted", "WaitingFraudCheck"]);
/** A rejection request makes the claim "Unresolved" (ihtilaflı) until Trendyol decides; 451 sends it to analysis. */
const REJECTED = new Set(["Rejected", "Unresolved", "InAnalysis"]);

interface ClaimItem {
  claimLineId: string;
  status: string;
  lineId?: string;
  barcode: string;
  reason?: string;
}

function itemsOf(claim: Record<string, unknown>): ClaimItem[] {
  const items = Array.isArray(claim.items) ? claim.items : [];
  return items.flatMap((item) => {
    if (!isRecord(item)) return [];
    const orderLine = isRecord(item.orderLine) ? item.orderLine : {};
    const lineId = idText(orderLine.id);
    const barcode = typeof orderLine.barcode === "string" ? orderLine.barcode : "";
    const units = Array.isArray(item.claimItems) ? item.claimItems : [];
    return units.flatMap((unit) => {
      if (!isRecord(unit)) return [];
      const claimLineId = idText(unit.id);
      if (claimLineId === undefined) return [];
      const status = isRecord(unit.claimItemStatus) && typeof unit.claimItemStatus.name === "string" ? unit.claimItemStatus.name : "";
      const reason = isRecord(unit.customerClaimItemReason) && typeof unit.customerClaimItemReason.name === "string" ? unit.customerClaimItemReason.name : undefined;
      return [{ claimLineId, status, barcode, ...(lineId !== undefined && { lineId }), ...(reason !== undefined && { reason }) }];
    });
  });
}

/** One unit still waiting makes the claim OPEN; all approved, APPROVED; one rejected, REJECTED. */
function stateOf(statuses: readonly string[]): NormalisedClaim["state"] {
  if (statuses.length === 0) return "OTHER";
  if (statuses.some((s) => OPEN.has(s))) return "OPEN";
  if (statuses.every((s) => APPROVED.has(s))) return "APPROVED";
  if (statuses.some((s) => REJECTED.has(s))) return "REJECTED";
  return "OTHER";
}

function isoOf(value: unknown): string | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? new Date(value).toISOString() : undefined;
}

export function normaliseTrendyolClaim(raw: unknown, listedAt: Date): NormalisedClaim | undefined {
  if (!isRecord(raw)) return undefined;
  const claimId = idText(raw.claimId) ?? idText(raw.id);
  const orderNumber = idText(raw.orderNumber);
  if (claimId === undefined || orderNumber === undefined) return undefined;
  const items = itemsOf(raw);
  const statuses = items.map((item) => item.status);
  return {
    claimId,
    orderNumber,
    state: stateOf(statuses),
    marketplaceStatus: [...new Set(statuses)].join(","),
    // Each claim item is one unit (each has its own orderLineItemId).
    lines: items.map(({ claimLineId, lineId, barcode, reason }) => ({ claimLineId, barcode, quantity: 1, ...(lineId !== undefined && { lineId }), ...(reason !== undefined && { reason }) })),
    lastModifiedAt: isoOf(raw.lastModifiedDate) ?? isoOf(raw.claimDate) ?? listedAt.toISOString(),
    raw,
  };
}

async function listClaims(transport: TrendyolTransport, sellerId: string, query: Record<string, string>) {
  const { status, body } = await trendyolRequest(transport, {
    method: "GET",
    path: `${trendyolPaths.claims(sellerId)}?${new URLSearchParams(query).toString()}`,
    callType: "GET_CLAIMS",
    itemCount: 0,
  });
  if (!isRecord(body) || !Array.isArray(body.content)) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", status, "the claim list has no content");
  const totalPages = typeof body.totalPages === "number" ? body.totalPages : 0;
  return { content: body.content, totalPages };
}

export function createTrendyolClaims(transport: TrendyolTransport, sellerId: string) {
  return {
    async pullClaims({ since, until, page }: { since: Date; until: Date; page?: string }): Promise<ClaimPage> {
      if (page !== undefined && !/^\d{1,6}$/.test(page)) throw new MarketplacePageInvalid(page);
      const number = page === undefined ? 0 : Number(page);
      const query = { startDate: String(since.getTime()), endDate: String(until.getTime()), page: String(number), size: String(TRENDYOL_COMMANDS.claimPageSize) };
      const { content, totalPages } = await listClaims(transport, sellerId, query);
      const claims = content.flatMap((raw) => normaliseTrendyolClaim(raw, since) ?? []);
      return { claims, next: number + 1 < totalPages ? String(number + 1) : null };
    },

    async approve(claim: ClaimTarget): Promise<void> {
      await trendyolRequest(transport, {
        method: "PUT",
        path: trendyolPaths.claimApprove(sellerId, claim.claimId),
        body: JSON.stringify({ claimLineItemIdList: claim.claimLineIds, params: {} }),
        callType: "ORDER_COMMAND",
        itemCount: claim.claimLineIds.length,
        emptyAnswer: true,
      });
    },

    /** `reason`: a claimIssueReasonId that needs no files (1651, 451, 2101), then optional free text. */
    async reject(claim: ClaimTarget, reason: string): Promise<void> {
      const { reasonId, description } = rejectionOf(reason);
      const query = new URLSearchParams({ claimIssueReasonId: String(reasonId), claimItemIdList: claim.claimLineIds.join(",") });
      if (description) query.set("description", description);
      await trendyolRequest(transport, {
        method: "POST",
        path: `${trendyolPaths.claimIssue(sellerId, claim.claimId)}?${query.toString()}`,
        callType: "ORDER_COMMAND",
        itemCount: claim.claimLineIds.length,
        emptyAnswer: true,
      });
    },

    /** One claim by id (getClaims' claimIds filter, as observe reads it): its status now, whenever it was created. */
    async readClaim(claimId: string): Promise<NormalisedClaim | undefined> {
      const { content } = await listClaims(transport, sellerId, { claimIds: claimId });
      const found = content.find((raw) => isRecord(raw) && (idText(raw.claimId) ?? idText(raw.id)) === claimId);
      return found === undefined ? undefined : normaliseTrendyolClaim(found, new Date());
    },

    /** What the claim's units named by the command show now. */
    async observe(claim: ClaimTarget, kind: "APPROVE_RETURN" | "REJECT_RETURN"): Promise<CommandObservation> {
      const { content } = await listClaims(transport, sellerId, { claimIds: claim.claimId });
      const found = content.map((raw) => (isRecord(raw) ? raw : {})).find((raw) => (idText(raw.claimId) ?? idText(raw.id)) === claim.claimId);
      if (!found) return "UNKNOWN";
      const items = itemsOf(found);
      const named = items.filter((item) => claim.claimLineIds.includes(item.claimLineId));
      const statuses = (named.length > 0 ? named : items).map((item) => item.status);
      if (statuses.length === 0) return "UNKNOWN";
      if (statuses.some((s) => OPEN.has(s))) return "NOT_APPLIED";
      const done = kind === "APPROVE_RETURN" ? APPROVED : REJECTED;
      return statuses.every((s) => done.has(s)) ? "APPLIED" : "PASSED";
    },
  };
}

function rejectionOf(reason: string): { reasonId: number; description: string } {
  const match = /^\s*(\d+)\s*[:-]?\s*([\s\S]*)$/.exec(reason);
  const reasonId = match ? Number(match[1]) : Number.NaN;
  const allowed: readonly number[] = TRENDYOL_COMMANDS.rejectReasonsWithoutFiles;
  if (!allowed.includes(reasonId)) {
    throw new MarketplaceCommandIncomplete("TRENDYOL", [
      `a Trendyol rejection needs a claimIssueReasonId; without evidence files only ${allowed.join(", ")} can be sent (got "${reason.slice(0, 80)}")`,
    ]);
  }
  const description = (match?.[2] ?? "").trim();
  if (description.length > TRENDYOL_COMMANDS.rejectDescriptionMax) throw new MarketplaceCommandIncomplete("TRENDYOL", [`the description is over ${TRENDYOL_COMMANDS.rejectDescriptionMax} characters`]);
  return { reasonId, description };
}
