// Returns (web returns staff record, marketplace claims) and what came back: shared with clients.
import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Page, PageQueryFields, Timestamp, Uuid } from "./common";
import { CommandKind, CommandState } from "./order-commands";

// Literals spelled out (not mapped from an array) so the unions keep their members in Elysia's types.
export const ReturnStatus = Type.Union(
  [Type.Literal("NEEDS_ATTENTION"), Type.Literal("REQUESTED"), Type.Literal("PARTLY_RECEIVED"), Type.Literal("RECEIVED")],
  {
    description:
      "Where the goods are: REQUESTED (none back yet), PARTLY_RECEIVED, RECEIVED (every claimed unit back); NEEDS_ATTENTION: a marketplace claim naming an order we do not know, or a line we could not match, with nothing received yet (see attentionReasons)",
  },
);
export type ReturnStatus = Static<typeof ReturnStatus>;

export const ReturnDecision = Type.Union([Type.Literal("PENDING"), Type.Literal("APPROVED"), Type.Literal("REJECTED")], {
  description: "Whether the return is accepted (refund); independent of what came back. A marketplace's own decision on its claim is taken over",
});
export type ReturnDecision = Static<typeof ReturnDecision>;

export const ReturnSource = Type.Union([Type.Literal("WEB"), Type.Literal("MARKETPLACE")], {
  description: "WEB: recorded by staff (answering nobody); MARKETPLACE: a claim read from the store's marketplace (approve/reject are sent back to it)",
});
export type ReturnSource = Static<typeof ReturnSource>;

export const ReturnCondition = Type.Union(
  [Type.Literal("UNOPENED"), Type.Literal("OPENED"), Type.Literal("DAMAGED"), Type.Literal("DEFECTIVE")],
  { description: "the state the goods came back in" },
);
export type ReturnCondition = Static<typeof ReturnCondition>;

/** What a received line's destination says instead of a shelf: put aside, counted, never sellable. */
export const QUARANTINE = "QUARANTINE";

export const ReturnReceipt = Type.Object({
  quantity: Type.Integer({ minimum: 1 }),
  to: Type.Union([Type.Literal("SHELF"), Type.Literal("QUARANTINE")]),
  shelfId: Nullable(Uuid),
  warehouseId: Uuid,
  // Null: not stated (the order's return route, which takes only a shelf).
  condition: Nullable(ReturnCondition),
  receivedAt: Timestamp,
  receivedBy: Nullable(Uuid),
});
export type ReturnReceipt = Static<typeof ReturnReceipt>;

export const ReturnLine = Type.Object({
  lineNo: Type.Integer(),
  orderLineNo: Nullable(Type.Integer({ description: "the order line returned; null for a claim line we could not match" })),
  orderedProductId: Nullable(Uuid),
  // What comes back: the ordered product, or one component of an ordered set; null for an unmatched claim line.
  productId: Nullable(Uuid),
  barcode: Nullable(Type.String({ description: "the barcode the marketplace's claim line named" })),
  claimLineId: Nullable(Type.String()),
  quantityClaimed: Type.Integer({ minimum: 0 }),
  quantityReceived: Type.Integer({ minimum: 0 }),
  quantityRestocked: Type.Integer({ minimum: 0, description: "received onto shelves (sellable again)" }),
  quantityQuarantined: Type.Integer({ minimum: 0, description: "received and put aside" }),
  reason: Nullable(Type.String({ description: "the buyer's reason, as the marketplace gave it" })),
  attention: Nullable(Type.String({ description: "why staff must look at this line (UNMATCHED_LINE)" })),
  receipts: Type.Array(ReturnReceipt),
});
export type ReturnLine = Static<typeof ReturnLine>;

export const ReturnCommand = Type.Object({
  id: Uuid,
  kind: CommandKind,
  state: CommandState,
  reason: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type ReturnCommand = Static<typeof ReturnCommand>;

export const ReturnClaim = Type.Object({
  claimId: Type.String(),
  orderNumber: Type.String({ description: "the marketplace's order number" }),
  state: Type.String({ description: "OPEN, APPROVED, REJECTED or OTHER" }),
  marketplaceStatus: Type.String({ description: "the marketplace's own status text" }),
  lastModifiedAt: Nullable(Timestamp),
  raw: Type.String({ description: "the claim as the marketplace sent it (JSON text)" }),
});
export type ReturnClaim = Static<typeof ReturnClaim>;

export const Return = Type.Object(
  {
    id: Uuid,
    storeId: Uuid,
    orderId: Nullable(Uuid),
    source: ReturnSource,
    status: ReturnStatus,
    attentionReasons: Type.Array(Type.String()),
    decision: ReturnDecision,
    decisionReason: Nullable(Type.String()),
    decidedBy: Nullable(Uuid),
    decidedAt: Nullable(Timestamp),
    claim: Nullable(ReturnClaim),
    lines: Type.Array(ReturnLine),
    commands: Type.Array(ReturnCommand, { description: "what the marketplace is told (APPROVE_RETURN, REJECT_RETURN); none for a web return" }),
    createdBy: Nullable(Uuid),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: "A return of an order: what was claimed, what came back and where it went" },
);
export type Return = Static<typeof Return>;

export const ReturnPage = Page(Return, "A page of returns, newest first");
export type ReturnPage = Static<typeof ReturnPage>;

export const ReturnListQuery = Type.Object({
  ...PageQueryFields,
  status: Type.Optional(ReturnStatus),
  storeId: Type.Optional(Type.String({ pattern: Uuid.pattern, maxLength: 36, description: "only this store's returns" })),
  orderId: Type.Optional(Type.String({ pattern: Uuid.pattern, maxLength: 36, description: "only this order's returns" })),
});
export type ReturnListQuery = Static<typeof ReturnListQuery>;

export const ReturnParams = Type.Object({ id: Uuid });
export type ReturnParams = Static<typeof ReturnParams>;

export const MAX_RETURN_LINES = 100;

export const ReceiveLine = Type.Object(
  {
    productId: Type.Optional(Uuid),
    barcode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    quantity: Type.Integer({ minimum: 1, maximum: 9999 }),
    shelfId: Type.Union([Uuid, Type.Literal(QUARANTINE)], { description: "the shelf the units go on (sellable again), or QUARANTINE" }),
    warehouseId: Type.Optional(Uuid),
    condition: ReturnCondition,
  },
  {
    additionalProperties: false,
    description:
      "Units of one returned product (productId or barcode: a component of a set comes back as itself). QUARANTINE puts them aside in warehouseId, by default the one they shipped from",
  },
);
export type ReceiveLine = Static<typeof ReceiveLine>;

export const ReceiveBody = Type.Object(
  { lines: Type.Array(ReceiveLine, { minItems: 1, maxItems: MAX_RETURN_LINES }) },
  { additionalProperties: false },
);
export type ReceiveBody = Static<typeof ReceiveBody>;

export const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, pattern: "\\S", description: "why, for the marketplace and the buyer" }) },
  { additionalProperties: false },
);
export type RejectBody = Static<typeof RejectBody>;

export const CreateReturnBody = Type.Object(
  {
    orderId: Uuid,
    lines: Type.Optional(
      Type.Array(
        Type.Object({ productId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 9999 }) }, { additionalProperties: false }),
        { minItems: 1, maxItems: MAX_RETURN_LINES, description: "ordered products and units coming back (a set: its components); default: every shipped unit" },
      ),
    ),
  },
  { additionalProperties: false, description: "A web return to be received later, line by line" },
);
export type CreateReturnBody = Static<typeof CreateReturnBody>;
