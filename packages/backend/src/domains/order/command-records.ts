/** Recording what a marketplace must be told, inside the transaction that changes the order or its return. */
import { asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../infra/db";
import type { CommandKind, CommandSupport } from "../marketplace/order-commands";
import { orderCommands } from "./schema";

export type CommandRow = typeof orderCommands.$inferSelect;

export interface NewCommand {
  orderId: string;
  storeId: string;
  kind: CommandKind;
  /** Our intent: lines by lineNo with quantities, the invoice number, the reason (never a marketplace id: resolved when sent). */
  payload: Record<string, unknown>;
  /** What the store's adapter says of this kind; a step it does not document is recorded NOT_SUPPORTED and never sent. */
  support: CommandSupport;
  returnId?: string;
  createdBy: string | null;
}

/**
 * Appends a command to the order's sequence. Call it with the order's row locked (repository
 * lockOrder) in the same transaction as the change it reports, so the seq is not raced and the
 * command exists exactly when the change does.
 */
export async function recordCommand(tx: Database, command: NewCommand): Promise<CommandRow> {
  const [last] = await tx
    .select({ seq: sql<number>`coalesce(max(${orderCommands.seq}), -1)`.mapWith(Number) })
    .from(orderCommands)
    .where(eq(orderCommands.orderId, command.orderId));
  const unsupported = command.support.supported ? null : command.support.source;
  const [row] = await tx
    .insert(orderCommands)
    .values({
      orderId: command.orderId,
      storeId: command.storeId,
      returnId: command.returnId,
      kind: command.kind,
      payload: command.payload,
      seq: (last?.seq ?? -1) + 1,
      state: unsupported === null ? "PENDING" : "NOT_SUPPORTED",
      reason: unsupported,
      createdBy: command.createdBy,
    })
    .returning();
  if (!row) throw new Error("order command insert returned nothing");
  return row;
}

/** An order's commands, first recorded first. */
export async function commandsOf(db: Database, orderId: string): Promise<CommandRow[]> {
  return db.select().from(orderCommands).where(eq(orderCommands.orderId, orderId)).orderBy(asc(orderCommands.seq));
}

/** A return's commands (approve, reject), first recorded first. */
export async function commandsOfReturn(db: Database, returnId: string): Promise<CommandRow[]> {
  return db
    .select()
    .from(orderCommands)
    .where(eq(orderCommands.returnId, returnId))
    .orderBy(asc(orderCommands.seq));
}
