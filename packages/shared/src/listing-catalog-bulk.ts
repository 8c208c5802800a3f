// Request and response schemas of the bulk listing route and the drift check's start, shared with clients.
import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Uuid } from "./common";
import { ListingPolicyInput, Money } from "./stores";

export const MAX_BULK_BARCODES = 10_000;

export const BulkFilter = Type.Object(
  {
    type: Type.Optional(Type.Union([Type.Literal("SIMPLE"), Type.Literal("SET")], { description: "only products of this type" })),
    skuPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "SKUs starting with this text (% and _ are plain characters)" })),
    barcodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: MAX_BULK_BARCODES, description: "products with these catalog barcodes" })),
    importJobId: Type.Optional(Uuid),
  },
  { additionalProperties: false, description: "products matching every field given (at least one)" },
);
export type BulkFilter = Static<typeof BulkFilter>;

export const BulkSet = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    price: Type.Optional(Nullable(Money)),
    policy: Type.Optional(ListingPolicyInput),
  },
  { additionalProperties: false, description: "what every matching listing gets (at least one field); a listing that does not exist yet is created" },
);
export type BulkSet = Static<typeof BulkSet>;

export const BulkListingsBody = Type.Object(
  { filter: BulkFilter, set: BulkSet },
  { additionalProperties: false, description: "Enable, disable or set overrides for every product matching the filter" },
);
export type BulkListingsBody = Static<typeof BulkListingsBody>;

export const BulkListingsResult = Type.Object(
  {
    matched: Type.Integer({ minimum: 0, description: "products matching the filter" }),
    changed: Type.Integer({ minimum: 0, description: "listings created or changed (these are marked for sync)" }),
  },
  { description: "What the bulk operation did" },
);
export type BulkListingsResult = Static<typeof BulkListingsResult>;

export const DriftCheckStarted = Type.Object(
  {
    jobId: Uuid,
    state: Type.Union([Type.Literal("QUEUED"), Type.Literal("RUNNING"), Type.Literal("SUCCEEDED"), Type.Literal("FAILED")]),
  },
  { description: "The drift check job; follow it at /api/v1/jobs/:id" },
);
export type DriftCheckStarted = Static<typeof DriftCheckStarted>;
