import { randomBytes, randomUUID } from "node:crypto";
import { Elysia } from "elysia";
import type { Logger } from "../infra/logger";
import type { Metrics } from "../infra/metrics";

export interface RequestMeta {
  requestId: string;
  startedAt: number;
  log: Logger;
}

// A client's id is echoed only when it is short and plain, so it cannot inject into logs.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UNMATCHED_ROUTE = "unmatched";
// Which replica answered, behind a load balancer (X-Instance): random per process, so it tells
// processes apart without exposing a host name or pid.
const PROCESS_INSTANCE_ID = randomBytes(4).toString("hex");

const metaByRequest = new WeakMap<Request, RequestMeta>();

/** The request's metadata, from any hook or handler that has the Request (the error handler does). */
export function requestMeta(request: Request): RequestMeta | undefined {
  return metaByRequest.get(request);
}

function statusOf(status: number | string | undefined): number {
  return typeof status === "number" ? status : 200;
}

/**
 * Gives every request an id (accepted from X-Request-Id if sane), a child logger carrying it,
 * the X-Instance header naming this process, and one log line plus one histogram observation
 * when the response is done.
 */
export function requestContext(deps: { log: Logger; metrics: Metrics }) {
  return new Elysia({ name: "request-context" })
    .onRequest(({ request, set }) => {
      const offered = request.headers.get("x-request-id");
      const requestId = offered && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
      set.headers["x-request-id"] = requestId;
      set.headers["x-instance"] = PROCESS_INSTANCE_ID;
      metaByRequest.set(request, { requestId, startedAt: performance.now(), log: deps.log.child({ requestId }) });
    })
    .derive({ as: "global" }, ({ request }) => {
      const meta = metaByRequest.get(request);
      return { requestId: meta?.requestId ?? "", log: meta?.log ?? deps.log };
    })
    .onAfterResponse({ as: "global" }, ({ request, route, set }) => {
      const meta = metaByRequest.get(request);
      if (!meta) return;
      const seconds = (performance.now() - meta.startedAt) / 1000;
      const status = statusOf(set.status);
      const template = route || UNMATCHED_ROUTE;
      deps.metrics.httpRequestDuration.observe({ method: request.method, route: template, status: String(status) }, seconds);
      const line = { method: request.method, route: template, status, ms: Math.round(seconds * 10_000) / 10 };
      if (status >= 500) meta.log.error(line, "request failed");
      else meta.log.info(line, "request");
    });
}
