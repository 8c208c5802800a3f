/**
 * A marketplace's claim (return request) recorded as a return, idempotent on (store, claim id):
 * the same claim read twice is one return, a claim read again with news updates it (status text,
 * state, the marketplace's own decision), an older reading than the one kept changes nothing.
 * Nothing is dropped: a claim naming an order we do not know is kept NEEDS_ATTENTION with its order
 * number (matched when read again once the order is in), a line we cannot match is kept for staff.
 * Its lines are rebuilt from each reading until something has been received, then kept.
 */
import { isUniqueViolation } from "../../infra/pg-errors";
import type { NormalisedClaim } from "../marketplace/order-commands";
import { marketplaceOrder } from "../order/service";
import * as repo from "./repository";
import { attentionOf, claimLines, receivedOf, statusOf } from "./return-lines";
import type { ReturnsContext } from "./service";

export type ClaimOutcome = "CREATED" | "UPDATED" | "UNCHANGED" | "STALE";

/** The raw claim as JSON text; what JSON cannot say (a cycle, a bigint) is kept as its string form. */
function rawText(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

function modifiedAt(claim: NormalisedClaim): Date | null {
  const at = new Date(claim.lastModifiedAt);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The marketplace's own decision on its claim, taken over as the return's. */
function decisionOf(claim: NormalisedClaim): "APPROVED" | "REJECTED" | undefined {
  return claim.state === "APPROVED" || claim.state === "REJECTED" ? claim.state : undefined;
}

const signature = (lines: readonly Pick<repo.NewLine, "productId" | "claimLineId" | "quantityClaimed" | "orderLineNo">[]) =>
  JSON.stringify(lines.map((l) => [l.orderLineNo ?? null, l.productId ?? null, l.claimLineId ?? null, l.quantityClaimed]));

/** `keptRaw`: the raw claim as stored already (a claim rebuilt from its return), kept as it is. */
export async function recordClaim(
  ctx: ReturnsContext,
  storeId: string,
  claim: NormalisedClaim,
  keptRaw?: string,
): Promise<{ returnId: string; outcome: ClaimOutcome }> {
  const order = await marketplaceOrder(ctx.db, storeId, claim.orderNumber);
  const lines = await claimLines(ctx.products, order, claim);
  const orderId = order?.id ?? null;
  const at = modifiedAt(claim);
  const decision = decisionOf(claim);
  const claimFields = {
    externalOrderNumber: claim.orderNumber,
    claimState: claim.state,
    marketplaceStatus: claim.marketplaceStatus,
    claimModifiedAt: at,
    rawClaim: keptRaw ?? rawText(claim.raw),
  };
  const decided = (current: string) =>
    decision && decision !== current ? { decision, decisionReason: `the marketplace shows ${claim.marketplaceStatus}`, decidedBy: null, decidedAt: new Date() } : {};

  const attempt = () =>
    ctx.db.transaction(async (tx): Promise<{ returnId: string; outcome: ClaimOutcome }> => {
      const existing = await repo.lockClaim(tx, storeId, claim.claimId);
      if (!existing) {
        const row = await repo.insertReturn(
          tx,
          {
            storeId,
            orderId,
            source: "MARKETPLACE",
            externalClaimId: claim.claimId,
            status: statusOf(orderId, lines),
            attentionReasons: attentionOf(orderId, lines),
            ...claimFields,
            ...decided("PENDING"),
          },
          lines,
        );
        return { returnId: row.id, outcome: "CREATED" };
      }
      if (existing.claimModifiedAt && at && at < existing.claimModifiedAt) return { returnId: existing.id, outcome: "STALE" };
      const kept = await repo.linesOf(tx, [existing.id]);
      const frozen = kept.some((line) => receivedOf(line) > 0);
      const nextOrderId = existing.orderId ?? orderId;
      const nextLines = frozen ? kept : lines;
      const same =
        existing.orderId === nextOrderId &&
        existing.claimState === claim.state &&
        existing.marketplaceStatus === claim.marketplaceStatus &&
        existing.rawClaim === claimFields.rawClaim &&
        (frozen || signature(kept) === signature(lines));
      if (same) return { returnId: existing.id, outcome: "UNCHANGED" };
      if (!frozen) await repo.replaceLines(tx, existing.id, lines);
      await repo.updateReturn(tx, existing.id, {
        orderId: nextOrderId,
        ...claimFields,
        status: statusOf(nextOrderId, nextLines),
        attentionReasons: attentionOf(nextOrderId, nextLines),
        ...decided(existing.decision),
      });
      return { returnId: existing.id, outcome: "UPDATED" };
    });

  let recorded: { returnId: string; outcome: ClaimOutcome };
  try {
    recorded = await attempt();
  } catch (error) {
    // Two readers of a new claim at once: the other's insert won; this reading updates its row.
    if (!isUniqueViolation(error, "returns_store_claim_unique")) throw error;
    recorded = await attempt();
  }
  if (recorded.outcome === "CREATED" || recorded.outcome === "UPDATED") {
    ctx.log.info({ storeId, claimId: claim.claimId, returnId: recorded.returnId, outcome: recorded.outcome, orderId, state: claim.state }, "marketplace claim recorded");
  }
  if (orderId === null && recorded.outcome === "CREATED") {
    ctx.log.warn({ storeId, claimId: claim.claimId, orderNumber: claim.orderNumber }, "a claim names an order we do not know: kept for staff");
  }
  return recorded;
}

const CLAIM_STATES: readonly NormalisedClaim["state"][] = ["OPEN", "APPROVED", "REJECTED", "OTHER"];
/** Waiting claims looked at per store and run: the oldest first, the rest next run. */
const REMATCH_BATCH = 50;

/**
 * Claims kept without their order, read again from what their returns stored: an order that came in
 * since is found without the marketplace listing the claim again (it lists only modified claims).
 * Answers how many found their order.
 */
export async function rematchWaitingClaims(ctx: ReturnsContext, storeId: string): Promise<number> {
  let matched = 0;
  for (const row of await repo.waitingClaims(ctx.db, storeId, REMATCH_BATCH)) {
    if (row.externalClaimId === null || row.externalOrderNumber === null) continue;
    if (!(await marketplaceOrder(ctx.db, storeId, row.externalOrderNumber))) continue;
    const lines = await repo.linesOf(ctx.db, [row.id]);
    const claim: NormalisedClaim = {
      claimId: row.externalClaimId,
      orderNumber: row.externalOrderNumber,
      state: CLAIM_STATES.find((state) => state === row.claimState) ?? "OTHER",
      marketplaceStatus: row.marketplaceStatus ?? "",
      lines: lines.map((line) => ({ claimLineId: line.claimLineId ?? "", barcode: line.barcode ?? "", quantity: line.quantityClaimed, ...(line.reason === null ? {} : { reason: line.reason }) })),
      lastModifiedAt: row.claimModifiedAt?.toISOString() ?? "",
      raw: null,
    };
    if ((await recordClaim(ctx, storeId, claim, row.rawClaim ?? "")).outcome === "UPDATED") matched += 1;
  }
  return matched;
}
