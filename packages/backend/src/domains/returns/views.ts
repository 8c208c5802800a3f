/** Return rows as the API shows them. */
import type { Returns } from "@pazarsync/shared";
import type { CommandRow } from "../order/service";
import type { LineRow, ReturnRow } from "./repository";

function toLine(row: LineRow): Returns.ReturnLine {
  return {
    lineNo: row.lineNo,
    orderLineNo: row.orderLineNo,
    orderedProductId: row.orderedProductId,
    productId: row.productId,
    barcode: row.barcode,
    claimLineId: row.claimLineId,
    quantityClaimed: row.quantityClaimed,
    quantityReceived: row.quantityRestocked + row.quantityQuarantined,
    quantityRestocked: row.quantityRestocked,
    quantityQuarantined: row.quantityQuarantined,
    reason: row.reason,
    attention: row.attention,
    receipts: row.receipts,
  };
}

function toClaim(row: ReturnRow): Returns.ReturnClaim | null {
  if (row.externalClaimId === null) return null;
  return {
    claimId: row.externalClaimId,
    orderNumber: row.externalOrderNumber ?? "",
    state: row.claimState ?? "OTHER",
    marketplaceStatus: row.marketplaceStatus ?? "",
    lastModifiedAt: row.claimModifiedAt?.toISOString() ?? null,
    raw: row.rawClaim ?? "",
  };
}

export function toReturn(row: ReturnRow, lines: readonly LineRow[], commands: readonly CommandRow[]): Returns.Return {
  return {
    id: row.id,
    storeId: row.storeId,
    orderId: row.orderId,
    source: row.source,
    status: row.status,
    attentionReasons: row.attentionReasons,
    decision: row.decision,
    decisionReason: row.decisionReason,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    claim: toClaim(row),
    lines: lines.filter((line) => line.returnId === row.id).map(toLine),
    commands: commands
      .filter((command) => command.returnId === row.id)
      .map((command) => ({ id: command.id, kind: command.kind, state: command.state, reason: command.reason, createdAt: command.createdAt.toISOString() })),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
