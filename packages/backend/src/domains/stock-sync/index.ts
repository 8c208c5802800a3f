import { Elysia } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import { StoreNotFound } from "../catalog/errors";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { DeadLetterNotFound } from "./errors";
import type { FlushResult } from "./flush";
import { StockSyncModel as M } from "./model";
import type { StockSync } from "./service";

const staffOnly = requireRole("staff", "admin");

function flushView(storeId: string, result: FlushResult | null) {
  if (!result) return { storeId, outcome: "busy" as const, sent: 0, batches: 0, skipped: 0 };
  return { ...result, waitMs: result.waitMs === undefined ? undefined : Math.max(0, Math.round(result.waitMs)) };
}

/** /api/v1/stock-sync: what the sync engine is doing, and the two levers staff have. */
export function stockSyncController(deps: { sync: StockSync; identity: IdentityService; storeExists(id: string): Promise<boolean> }) {
  const { sync } = deps;
  return new Elysia({ name: "stock-sync", prefix: "/api/v1/stock-sync", detail: { tags: ["stock-sync"] } })
    .use(identityGuard(deps.identity))
    .get("/status", () => sync.status(), {
      ...staffOnly,
      response: { 200: M.SyncStatus, ...errors(401, 403) },
      detail: { summary: "Per store: backlog, oldest dirty age, last push, last error, circuit state, dead letters" },
    })
    .post(
      "/stores/:id/flush",
      async ({ params }) => {
        if (!(await deps.storeExists(params.id))) throw new StoreNotFound(params.id);
        return flushView(params.id, await sync.flushOne(params.id));
      },
      {
        ...staffOnly,
        params: M.IdParams,
        response: { 200: M.FlushResult, ...errors(401, 403, 404, 422) },
        detail: { summary: "Flush one store now, still within its rate limits and backoff (busy when another replica is flushing it)" },
      },
    )
    .post(
      "/dead-letters/:id/retry",
      async ({ params }) => {
        if (!(await sync.retryDeadLetter(params.id))) throw new DeadLetterNotFound(params.id);
        return { id: params.id, retried: true as const };
      },
      {
        ...staffOnly,
        params: M.IdParams,
        response: { 200: M.RetryResult, ...errors(401, 403, 404, 422) },
        detail: { summary: "Send a dead-lettered listing again: it is marked dirty and goes out with the next flush" },
      },
    );
}
