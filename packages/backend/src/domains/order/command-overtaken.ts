/**
 * Commands the marketplace's own state answers (intake, from the order pull and webhooks): a step
 * the marketplace already shows for every line the command names is CONFIRMED (an accepted SENT
 * command's effect seen, or staff's step matching what the seller did in the panel), one it has
 * gone past is OVERTAKEN; an UNSUPPLY or CANCEL for lines the marketplace cancelled is CONFIRMED
 * when we sent it, OVERTAKEN when we had not, and OVERTAKEN for lines it already shipped. Either
 * way the worker never sends it, nor retries it.
 * Only PENDING and SENT commands: a SENDING one is with a worker, which observes it. Clearing the
 * lease makes a worker holding a SENT one for a look write nothing (command-queue.ts settle).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Transaction } from "../inventory/service";
import type { CommandKind } from "../marketplace/order-commands";
import { type CommandRow, commandsOf } from "./command-records";
import type * as repo from "./repository";
import { orderCommands } from "./schema";

/** Where each step leaves a line, ranked as marketplace-progress.ts ranks the marketplace's state. */
export const STEP_RANK: Partial<Record<CommandKind, number>> = { PICK: 2, INVOICE: 3, SHIP: 4 };
const SHIPPED_RANK = 4;

export interface MarketplaceView {
  /** How far the marketplace shows the line (0: created, nothing more). */
  rankOf(item: repo.ItemRow): number;
  /** Whether a package the marketplace cancelled names the line. */
  cancelled(item: repo.ItemRow): boolean;
}

type Settled = { state: "CONFIRMED" | "OVERTAKEN"; reason: string };

function linesOf(command: CommandRow, items: readonly repo.ItemRow[]): repo.ItemRow[] | undefined {
  const lines = (command.payload as { lines?: unknown }).lines;
  if (!Array.isArray(lines) || lines.length === 0) return undefined;
  const named = lines.map((line) => items.find((item) => typeof line === "object" && line !== null && item.lineNo === (line as { lineNo?: unknown }).lineNo));
  return named.every((item) => item !== undefined) ? (named as repo.ItemRow[]) : undefined;
}

function settledBy(command: CommandRow, items: readonly repo.ItemRow[], view: MarketplaceView): Settled | undefined {
  const named = linesOf(command, items);
  if (!named) return undefined;
  const least = Math.min(...named.map((item) => view.rankOf(item)));
  const step = STEP_RANK[command.kind];
  if (step !== undefined) {
    if (least < step) return undefined;
    return least === step
      ? { state: "CONFIRMED", reason: "the marketplace's order shows this step done" }
      : { state: "OVERTAKEN", reason: "the marketplace's order is already past this step" };
  }
  if (command.kind !== "UNSUPPLY" && command.kind !== "CANCEL") return undefined;
  if (named.every((item) => view.cancelled(item))) {
    return command.state === "SENT"
      ? { state: "CONFIRMED", reason: "the marketplace's order shows these lines cancelled" }
      : { state: "OVERTAKEN", reason: "the marketplace cancelled these lines before this was sent" };
  }
  if (least >= SHIPPED_RANK) return { state: "OVERTAKEN", reason: "the marketplace shipped these lines: nothing left to give up" };
  return undefined;
}

/** Settles the order's open commands the marketplace's state answers; under the order's row lock. Answers how many. */
export async function settleOvertaken(tx: Transaction, orderId: string, items: readonly repo.ItemRow[], view: MarketplaceView, now: Date): Promise<number> {
  const open = (await commandsOf(tx, orderId)).filter((command) => command.state === "PENDING" || command.state === "SENT");
  let settled = 0;
  for (const command of open) {
    const outcome = settledBy(command, items, view);
    if (!outcome) continue;
    const rows = await tx
      .update(orderCommands)
      .set({ state: outcome.state, reason: outcome.reason, leaseUntil: null, nextAttemptAt: now, updatedAt: now, ...(outcome.state === "CONFIRMED" && { confirmedAt: now }) })
      .where(and(eq(orderCommands.id, command.id), inArray(orderCommands.state, ["PENDING", "SENT"])))
      .returning({ id: orderCommands.id });
    settled += rows.length;
  }
  return settled;
}
