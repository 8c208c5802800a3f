import { Jobs, ListingCatalog } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { jobView } from "../jobs/views";
import type { ListingImportService } from "./import-service";

const staffOnly = requireRole("staff", "admin");

/** /api/v1/stores/:id/listings/import: link a store's listings from its marketplace's own catalog. */
export function listingImportController(deps: { imports: ListingImportService; identity: IdentityService }) {
  const { imports } = deps;
  return new Elysia({ name: "listing-import", prefix: "/api/v1/stores", detail: { tags: ["stores"] } })
    .use(identityGuard(deps.identity))
    .post(
      "/:id/listings/import",
      async ({ params, body, caller, set }) => {
        const job = await imports.start(params.id, body ?? {}, caller.userId);
        set.status = 202;
        set.headers.location = `/api/v1/jobs/${job.id}`;
        return jobView(job);
      },
      {
        ...staffOnly,
        params: ListingCatalog.ImportParams,
        body: Type.Optional(ListingCatalog.ImportBody),
        response: { 202: Jobs.Job, ...errors(400, 401, 403, 404, 409, 422) },
        detail: {
          summary:
            "Import the store's listings from its marketplace: a job (202, Location: the job) that links them to products by barcode, then stock code; 409 JOB_ALREADY_RUNNING names the running import",
        },
      },
    )
    .get(
      "/:id/listings/imports/:jobId/rows",
      ({ params, query }) =>
        imports.rows(params.id, params.jobId, {
          outcome: query.outcome,
          limit: query.limit ? Number(query.limit) : 20,
          offset: query.offset ? Number(query.offset) : 0,
        }),
      {
        ...staffOnly,
        params: ListingCatalog.ImportRowsParams,
        query: ListingCatalog.ImportRowsQuery,
        response: { 200: ListingCatalog.ImportRows, ...errors(401, 403, 404, 422) },
        detail: { summary: "What an import found, listing by listing, in reading order (filter by outcome)" },
      },
    );
}
