// What staff ask of a marketplace about an order, and how far each request got: shared with clients.
import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Timestamp, Uuid } from "./common";

// Literals spelled out (not mapped from an array) so the unions keep their members in Elysia's types.
export const CommandKind = Type.Union(
  [
    Type.Literal("PICK"),
    Type.Literal("INVOICE"),
    Type.Literal("SHIP"),
    Type.Literal("UNSUPPLY"),
    Type.Literal("CANCEL"),
    Type.Literal("APPROVE_RETURN"),
    Type.Literal("REJECT_RETURN"),
  ],
  { description: "the step the marketplace is told about" },
);
export type CommandKind = Static<typeof CommandKind>;

export const CommandState = Type.Union(
  [
    Type.Literal("PENDING"),
    Type.Literal("SENDING"),
    Type.Literal("SENT"),
    Type.Literal("CONFIRMED"),
    Type.Literal("FAILED"),
    Type.Literal("NOT_SUPPORTED"),
    Type.Literal("OVERTAKEN"),
  ],
  {
    description:
      "PENDING: recorded, not sent yet; SENDING: being sent (or sent with no answer yet: checked against the marketplace before any second send); SENT: the marketplace accepted it, its effect not seen yet; CONFIRMED: the marketplace shows it done; FAILED: refused, with the marketplace's reason (a dead letter for staff); NOT_SUPPORTED: the marketplace documents no such call, none was made; OVERTAKEN: the marketplace's own state had already passed it, nothing sent",
  },
);
export type CommandState = Static<typeof CommandState>;

export const UnsupplyReason = Type.Union(
  [Type.Literal("OUT_OF_STOCK"), Type.Literal("DEFECTIVE"), Type.Literal("PRICE_ERROR"), Type.Literal("INTEGRATION_ERROR")],
  { description: "why the seller cannot supply units; each marketplace gets its own reason code for it" },
);
export type UnsupplyReason = Static<typeof UnsupplyReason>;

const LineNo = Type.Integer({ minimum: 1, maximum: 9999, description: "the order line's lineNo (1-based, as in the order's items)" });

/** Lines a step names, by lineNo; absent: every open line of the order. */
export const StepLines = Type.Array(LineNo, {
  minItems: 1,
  maxItems: 100,
  uniqueItems: true,
  description: "the lines (lineNo) the step is about; absent: all of the order's open lines. Only where the marketplace takes part of a package (409 COMMAND_LINES_NOT_PARTIAL otherwise)",
});

export const PickBody = Type.Object({ lines: Type.Optional(StepLines) }, { additionalProperties: false, description: "Staff picked (all or some of) the order's lines" });
export type PickBody = Static<typeof PickBody>;

export const InvoiceBody = Type.Object(
  {
    invoiceNumber: Type.String({ minLength: 1, maxLength: 100, pattern: "^[^\\u0000-\\u001f]+$", description: "the invoice's number as issued" }),
    invoiceLink: Type.Optional(Type.String({ maxLength: 2000, pattern: "^https://[^\\s]+$", description: "where the buyer can read the invoice (https)" })),
    lines: Type.Optional(StepLines),
  },
  { additionalProperties: false, description: "The order (or some lines) was invoiced" },
);
export type InvoiceBody = Static<typeof InvoiceBody>;

export const ShipBody = Type.Object(
  {
    carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: "^[^\\u0000-\\u001f]+$" })),
    trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: "^[^\\u0000-\\u001f]+$" })),
    lines: Type.Optional(StepLines),
  },
  { additionalProperties: false, description: "The order (or some lines) left the warehouse" },
);
export type ShipBody = Static<typeof ShipBody>;

export const UnsupplyLine = Type.Object(
  {
    productId: Type.Optional(Uuid),
    barcode: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    quantity: Type.Integer({ minimum: 1, maximum: 9999 }),
  },
  { additionalProperties: false, description: "so many units of the line ordering this product (by id or barcode: exactly one of them)" },
);

export const UnsupplyBody = Type.Object(
  { lines: Type.Array(UnsupplyLine, { minItems: 1, maxItems: 100 }), reason: UnsupplyReason },
  { additionalProperties: false, description: "Units the seller cannot supply: released, the rest of the order stays" },
);
export type UnsupplyBody = Static<typeof UnsupplyBody>;

export const CancelBody = Type.Object(
  { reason: Type.Optional(UnsupplyReason) },
  { additionalProperties: false, description: "Why staff cancel a marketplace order (default OUT_OF_STOCK); ignored for web orders" },
);
export type CancelBody = Static<typeof CancelBody>;

export const CommandLine = Type.Object({ lineNo: Type.Integer(), quantity: Type.Integer() }, { description: "units of one order line the command names" });

export const Command = Type.Object(
  {
    id: Uuid,
    orderId: Uuid,
    storeId: Uuid,
    kind: CommandKind,
    state: CommandState,
    seq: Type.Integer({ description: "place among the order's commands: sent in this order" }),
    lines: Type.Array(CommandLine),
    reason: Nullable(Type.String({ description: "FAILED: the marketplace's reason; NOT_SUPPORTED: the source; OVERTAKEN: what was seen" })),
    httpStatus: Nullable(Type.Integer({ description: "the marketplace's last HTTP status" })),
    attempts: Type.Integer(),
    createdAt: Timestamp,
    sentAt: Nullable(Timestamp),
    confirmedAt: Nullable(Timestamp),
  },
  { description: "What the marketplace is told about an order, and how far it got" },
);
export type Command = Static<typeof Command>;

export const CommandListQuery = Type.Object({
  state: Type.Optional(CommandState),
  storeId: Type.Optional(Type.String({ pattern: Uuid.pattern, maxLength: 36, description: "only this store's commands" })),
  limit: Type.Optional(Type.String({ pattern: "^(100|[1-9][0-9]?)$", maxLength: 3, description: "1..100, default 50" })),
});
export type CommandListQuery = Static<typeof CommandListQuery>;

export const CommandList = Type.Object({ items: Type.Array(Command) }, { description: "Commands, latest change first" });
export type CommandList = Static<typeof CommandList>;

export const CommandParams = Type.Object({ id: Uuid });
