// What staff ask of a marketplace about an order, and how far each request got: shared with clients.
import { Type, type Static } from "@sinclair/typebox";

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
