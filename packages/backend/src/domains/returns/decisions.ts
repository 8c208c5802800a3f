/**
 * Approving or rejecting a return. A marketplace return records what the marketplace must be told
 * (APPROVE_RETURN / REJECT_RETURN) in the order's command sequence, in the transaction of the
 * decision, with the order row locked; the command worker sends it. A step the store's adapter
 * does not document (or an adapter with no command port yet) is recorded NOT_SUPPORTED with the
 * reason and never sent. A web return answers nobody: no command.
 */
import type { CommandSupport } from "../marketplace/order-commands";
import { OrderNotFound } from "../order/errors";
import { lockReturnableOrder, recordCommand } from "../order/service";
import { ReturnAlreadyDecided, ReturnNotFound, ReturnWithoutOrder } from "./errors";
import * as repo from "./repository";
import type { ReturnsContext } from "./service";

export type Decision = "APPROVED" | "REJECTED";

/** Why a marketplace return's command is not sent when the store's adapter offers no port. */
export const NO_PORT = "this store's marketplace adapter has no order command port: the marketplace must be answered in its own panel";

export async function decide(
  ctx: ReturnsContext,
  actorId: string | null,
  returnId: string,
  decision: Decision,
  reason: string | null,
): Promise<{ row: repo.ReturnRow; changed: boolean; sendable: boolean }> {
  const current = await repo.returnRow(ctx.db, returnId);
  if (!current) throw new ReturnNotFound(returnId);
  const orderId = current.orderId;
  const marketplace = current.source === "MARKETPLACE";
  if (marketplace && !orderId) throw new ReturnWithoutOrder(returnId, current.externalOrderNumber);
  const kind = decision === "APPROVED" ? "APPROVE_RETURN" : "REJECT_RETURN";
  // Resolved before the transaction: building the port reads the store's credentials.
  const port = marketplace ? await ctx.portFor(current.storeId) : undefined;
  const support: CommandSupport = port ? port.support(kind) : { supported: false, source: NO_PORT };
  const outcome = await ctx.db.transaction(async (tx) => {
    // recordCommand needs the order's row locked; a web return takes the same lock, so decisions and receipts of one order queue.
    if (orderId && !(await lockReturnableOrder(tx, orderId))) throw new OrderNotFound(orderId);
    const row = await repo.lockReturn(tx, returnId);
    if (!row) throw new ReturnNotFound(returnId);
    if (row.decision === decision) return { row, changed: false, sendable: false };
    if (row.decision !== "PENDING") throw new ReturnAlreadyDecided(returnId, row.decision);
    if (marketplace && orderId && row.externalClaimId) {
      const lines = await repo.linesOf(tx, [returnId]);
      const claimLineIds = [...new Set(lines.flatMap((line) => (line.claimLineId === null ? [] : [line.claimLineId])))];
      await recordCommand(tx, {
        orderId,
        storeId: row.storeId,
        kind,
        payload: { claim: { claimId: row.externalClaimId, orderNumber: row.externalOrderNumber ?? "", claimLineIds }, ...(reason === null ? {} : { reason }) },
        support,
        returnId,
        createdBy: actorId,
      });
    }
    const decided = await repo.updateReturn(tx, returnId, { decision, decisionReason: reason, decidedBy: actorId, decidedAt: new Date() });
    return { row: decided, changed: true, sendable: marketplace && support.supported };
  });
  // After commit, like the order steps: the worker sends the command now rather than at its next poll.
  if (outcome.sendable) ctx.commandsRecorded?.();
  if (outcome.changed) ctx.log.info({ returnId, orderId, decision, actorId, command: marketplace ? (support.supported ? "PENDING" : "NOT_SUPPORTED") : "none" }, "return decided");
  return outcome;
}
