/**
 * Starting a listing import and reading what it found: the job is created here (one per store at
 * a time: the job table's unique index answers a second with 409 JOB_ALREADY_RUNNING) and run by
 * the job worker (import.ts).
 */
import type { ListingCatalog, Stores } from "@pazarsync/shared";
import { and, asc, count, eq } from "drizzle-orm";
import type { Database } from "../../infra/db";
import { StoreNotFound } from "../catalog/errors";
import { JobNotFound } from "../jobs/errors";
import type { JobRow } from "../jobs/runner";
import type { JobService } from "../jobs/service";
import { listings } from "../catalog/schema";
import { ListingImportNotSupported } from "./errors";
import { importRefusal, type ListingAdapterFor } from "./import";
import { type ImportOutcome, listingImportRows } from "./schema";

export interface ListingImportServiceDeps {
  db: Database;
  jobs: Pick<JobService, "create" | "find">;
  findStore(id: string): Promise<Stores.Store | undefined>;
  adapterFor: ListingAdapterFor;
}

export function createListingImportService(deps: ListingImportServiceDeps) {
  const { db } = deps;
  return {
    async start(storeId: string, body: ListingCatalog.ImportBody, userId: string | null): Promise<JobRow> {
      const store = await deps.findStore(storeId);
      if (!store) throw new StoreNotFound(storeId);
      // Built now so a store that cannot import is told at once, not by a failed job.
      const adapter = store.type === "WEB" ? undefined : await deps.adapterFor(store);
      const refusal = importRefusal(store, adapter);
      if (refusal) throw new ListingImportNotSupported(storeId, refusal);
      return deps.jobs.create({ kind: "LISTING_IMPORT", storeId, params: { enable: body.enable ?? true }, createdBy: userId });
    },

    /** An import's rows in reading order; 404 for a job that is not this store's import. */
    async rows(storeId: string, jobId: string, query: { outcome?: ImportOutcome; limit: number; offset: number }): Promise<ListingCatalog.ImportRows> {
      const job = await deps.jobs.find(jobId);
      if (!job || job.storeId !== storeId || job.kind !== "LISTING_IMPORT") throw new JobNotFound(jobId);
      const where = and(eq(listingImportRows.jobId, jobId), query.outcome ? eq(listingImportRows.outcome, query.outcome) : undefined);
      const [items, [counted]] = await Promise.all([
        db.select().from(listingImportRows).where(where).orderBy(asc(listingImportRows.position)).limit(query.limit).offset(query.offset),
        db.select({ total: count() }).from(listingImportRows).where(where),
      ]);
      return {
        items: items.map(({ jobId: _job, ...row }) => ({ ...row, candidates: row.candidates ?? null })),
        limit: query.limit,
        offset: query.offset,
        total: counted?.total ?? 0,
      };
    },

    /** Products whose listing in the store this import created or changed. */
    async changedBy(storeId: string, jobId: string): Promise<string[]> {
      const rows = await db
        .select({ productId: listings.productId })
        .from(listings)
        // Disabled ones are not pushed until the seller enables them (as the import's own marks).
        .where(and(eq(listings.storeId, storeId), eq(listings.importJobId, jobId), eq(listings.enabled, true)));
      return rows.map((row) => row.productId);
    },
  };
}

export type ListingImportService = ReturnType<typeof createListingImportService>;

