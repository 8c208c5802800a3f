import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { products } from "../catalog/schema";
import { jobs } from "../jobs/schema";

export const IMPORT_OUTCOMES = ["LINKED", "UNLINKED", "CONFLICT"] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/**
 * One remote listing as a listing import read it, and what became of it. Keyed by the job and the
 * marketplace's key of the listing, so a page read again after a crash (or twice in one answer)
 * updates its row instead of adding one: re-running is harmless and counts stay exact.
 */
export const listingImportRows = pgTable(
  "listing_import_rows",
  {
    jobId: uuid()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    /** The marketplace's key of the listing (its listing/product id, else stock code, else barcode). */
    remoteKey: text().notNull(),
    /** Reading order, for a stable page of rows. */
    position: integer().notNull(),
    barcode: text(),
    stockCode: text(),
    marketplaceProductId: text(),
    /** The quantity the marketplace shows. */
    quantity: integer(),
    fulfilledByMarketplace: boolean().notNull().default(false),
    locked: boolean().notNull().default(false),
    outcome: text({ enum: IMPORT_OUTCOMES }).notNull(),
    /** LINKED: the product linked; CONFLICT: the first product it could be (see reason). */
    productId: uuid().references(() => products.id, { onDelete: "set null" }),
    /** Why UNLINKED or CONFLICT (a stable code: NO_MATCH, AMBIGUOUS, BARCODE_AND_STOCK_CODE_DISAGREE, TAKEN...). */
    reason: text(),
    /** The products a CONFLICT could be. */
    candidates: jsonb().$type<string[]>(),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.remoteKey] }),
    index("listing_import_rows_outcome_idx").on(t.jobId, t.outcome, t.position),
    // The match's "another remote listing of this import linked the product" check, once per listing read:
    // without it each check walks every row the job linked so far, and an import grows quadratically.
    index("listing_import_rows_linked_product_idx").on(t.jobId, t.productId).where(sql`${t.outcome} = 'LINKED'`),
    check("listing_import_rows_outcome_known", sql`${t.outcome} in ('LINKED', 'UNLINKED', 'CONFLICT')`),
  ],
);
