/** What every staff step shares: the order's channel to its marketplace, its open units, and recording the command. */
import type { Transaction } from "../inventory/service";
import type { CommandKind, CommandSupport } from "../marketplace/order-commands";
import { type CommandRow, commandsOf, recordCommand } from "./command-records";
import { type CommandChannel, supportOf } from "./command-ports";
import { CommandLinesNotPartial } from "./errors";
import type * as repo from "./repository";
import type { OrderContext } from "./service";
import type { OrderStatus } from "./status";

/** Steps a marketplace may need first that carry no data of their own: recorded on the way when missing. */
const DATA_FREE: ReadonlySet<CommandKind> = new Set(["PICK"]);

export const openUnits = (item: repo.ItemRow) => item.quantity - item.cancelledQuantity;
export const lineStatus = (item: repo.ItemRow, order: repo.OrderRow): OrderStatus => item.status ?? order.status;
/** The order's channel to its marketplace; undefined for a web order (it gets no command). */
export async function channelOf(ctx: OrderContext, row: repo.OrderRow): Promise<CommandChannel | undefined> {
  if (row.externalOrderId === null) return undefined;
  return ctx.commands.ports(row.storeId);
}

/** 409 COMMAND_LINES_NOT_PARTIAL when the marketplace takes the step only for every line. */
export function assertPartialAllowed(orderId: string, kind: CommandKind, channel: CommandChannel | undefined, support: CommandSupport | undefined, part: boolean): void {
  if (part && channel && support?.supported && !support.partial) throw new CommandLinesNotPartial(orderId, kind, channel.marketplace);
}

/**
 * Records the command (and first each step the marketplace needs before it that carries no data
 * and was not recorded yet). Under the order's row lock, in the transaction of the change.
 */
export async function recordStep(
  tx: Transaction,
  channel: CommandChannel,
  row: repo.OrderRow,
  kind: CommandKind,
  payload: Record<string, unknown>,
  createdBy: string | null,
): Promise<CommandRow[]> {
  const support = supportOf(channel, kind);
  const recorded: CommandRow[] = [];
  if (support.supported && support.requires.length > 0) {
    const existing = await commandsOf(tx, row.id);
    for (const earlier of support.requires) {
      if (!DATA_FREE.has(earlier) || existing.some((command) => command.kind === earlier)) continue;
      const lines = payload.lines;
      recorded.push(await recordCommand(tx, { orderId: row.id, storeId: row.storeId, kind: earlier, payload: { lines }, support: supportOf(channel, earlier), createdBy }));
    }
  }
  recorded.push(await recordCommand(tx, { orderId: row.id, storeId: row.storeId, kind, payload, support, createdBy }));
  return recorded;
}

