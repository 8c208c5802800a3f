import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Uuid } from "./common";
import { OffsetQueryFields } from "./jobs";

export const ImportParams = Type.Object({ id: Uuid });

export const ImportBody = Type.Object(
  {
    enable: Type.Optional(Type.Boolean({ description: "whether listings the import creates are enabled (default true); existing listings keep theirs" })),
  },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;

export const ImportOutcome = Type.Union([Type.Literal("LINKED"), Type.Literal("UNLINKED"), Type.Literal("CONFLICT")]);
export type ImportOutcome = Static<typeof ImportOutcome>;

/** The answer of a finished import (also its progress counts while it runs). */
export const ImportResult = Type.Object({
  read: Type.Integer({ minimum: 0 }),
  linked: Type.Integer({ minimum: 0 }),
  unlinked: Type.Integer({ minimum: 0 }),
  conflicting: Type.Integer({ minimum: 0 }),
});
export type ImportResult = Static<typeof ImportResult>;

export const ImportRow = Type.Object(
  {
    remoteKey: Type.String({ description: "the marketplace's id of the listing, else its stock code, else its barcode" }),
    position: Type.Integer({ minimum: 0, description: "reading order" }),
    barcode: Nullable(Type.String()),
    stockCode: Nullable(Type.String()),
    marketplaceProductId: Nullable(Type.String()),
    quantity: Nullable(Type.Integer({ description: "what the marketplace shows" })),
    fulfilledByMarketplace: Type.Boolean(),
    locked: Type.Boolean(),
    outcome: ImportOutcome,
    productId: Nullable(Uuid),
    reason: Nullable(
      Type.String({
        description: "UNLINKED: NO_MATCH; CONFLICT: BARCODE_AND_STOCK_CODE_DISAGREE, AMBIGUOUS, TAKEN (the product is linked to another remote listing), DUPLICATE_REMOTE (another remote listing of this import took the product)",
      }),
    ),
    candidates: Nullable(Type.Array(Uuid, { description: "the products a CONFLICT could be" })),
  },
  { description: "One remote listing an import read, and what became of it" },
);
export type ImportRow = Static<typeof ImportRow>;

export const ImportRowsParams = Type.Object({ id: Uuid, jobId: Uuid });

export const ImportRowsQuery = Type.Object({ outcome: Type.Optional(ImportOutcome), ...OffsetQueryFields });

export const ImportRows = Type.Object(
  { items: Type.Array(ImportRow), limit: Type.Integer(), offset: Type.Integer(), total: Type.Integer() },
  { description: "An import's rows in reading order" },
);
export type ImportRows = Static<typeof ImportRows>;
