/** POST /api/v1/stores/:id/listings/bulk and .../drift-check: a store's listings changed, or checked, many at a time. */
import { ListingBulk, Uuid } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { bulkListings, type BulkDeps } from "./bulk";
import { requestDriftCheck, type DriftRequestDeps } from "./drift-schedule";

const staffOnly = requireRole("staff", "admin");
const StoreParams = Type.Object({ id: Uuid });

export function listingBulkController(deps: { bulk: BulkDeps; drift: DriftRequestDeps; identity: IdentityService }) {
  return new Elysia({ name: "listing-bulk", prefix: "/api/v1/stores", detail: { tags: ["stores"] } })
    .use(identityGuard(deps.identity))
    .post("/:id/listings/bulk", ({ params, body }) => bulkListings(deps.bulk, params.id.toLowerCase(), body), {
      ...staffOnly,
      params: StoreParams,
      body: ListingBulk.BulkListingsBody,
      response: { 200: ListingBulk.BulkListingsResult, ...errors(400, 401, 403, 404, 422) },
      detail: { summary: "Enable, disable or set overrides for every product matching a filter; only changed listings are marked for sync" },
    })
    .post(
      "/:id/listings/drift-check",
      async ({ params, caller, set }) => {
        const started = await requestDriftCheck(deps.drift, params.id.toLowerCase(), caller.userId);
        set.status = 202;
        set.headers.location = `/api/v1/jobs/${started.jobId}`;
        return started;
      },
      {
        ...staffOnly,
        params: StoreParams,
        response: { 202: ListingBulk.DriftCheckStarted, ...errors(401, 403, 404, 409, 422) },
        detail: { summary: "Queue a check of what the marketplace really shows against what it was told (409 while one is queued or running)" },
      },
    );
}
