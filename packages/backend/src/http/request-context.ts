import { randomBytes, randomUUID } from "node:crypto";
import { Elysia } from "elysia";
import { spanEnd, spansOn } from "../infra/bench-spans";
import type { Logger } from "../infra/logger";
import type { Metrics } from "../infra/metrics";

export interface RequestMeta {
  requestId: string;
  startedAt: number;
  log: Logger;
  /** When the handler began and ended: kept only while bench spans are on. */
  handlerAt?: { start: number; end?: number };
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
      spanEnd("http: request, server side", meta.startedAt);
      const seconds = (performance.now() - meta.startedAt) / 1000;
      const status = statusOf(set.status);
      const template = route || UNMATCHED_ROUTE;
      deps.metrics.httpRequestDuration.observe({ method: request.method, route: template, status: String(status) }, seconds);
      const line = { method: request.method, route: template, status, ms: Math.round(seconds * 10_000) / 10 };
      if (status >= 500) meta.log.error(line, "request failed");
      else meta.log.info(line, "request");
    })
    .use(spansOn() ? handlerSpans() : new Elysia({ name: "request-spans" }));
}

/**
 * Bench spans only: the request's time split at the handler, so edge hooks, auth and body
 * validation (before it) and the answer's checking and sending (after it) are told apart.
 */
function handlerSpans() {
  return new Elysia({ name: "request-spans" })
    .onBeforeHandle({ as: "global" }, ({ request }) => {
      const meta = metaByRequest.get(request);
      if (!meta) return;
      meta.handlerAt = { start: performance.now() };
      spanEnd("http: before the handler (hooks, auth, validation)", meta.startedAt);
    })
    .onAfterHandle({ as: "global" }, ({ request }) => {
      const at = metaByRequest.get(request)?.handlerAt;
      if (!at) return;
      at.end = performance.now();
      spanEnd("http: handler", at.start);
    })
    .onAfterResponse({ as: "global" }, ({ request }) => {
      const end = metaByRequest.get(request)?.handlerAt?.end;
      if (end !== undefined) spanEnd("http: after the handler (answer checked, sent)", end);
    });
}
