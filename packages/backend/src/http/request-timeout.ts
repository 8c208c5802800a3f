import { Elysia } from "elysia";
import { retryAdvice, type ErrorBody } from "./errors";
import type { Logger } from "../infra/logger";
import { requestMeta } from "./request-context";
import { pathOf } from "./security-headers";

type Handle = (request: Request) => Response | Promise<Response>;

/**
 * A request still running after `timeoutMs` is answered 503 REQUEST_TIMEOUT with the envelope.
 * JavaScript cannot stop the handler: it may still finish and commit after this answer, which is
 * why writes are idempotent (orders take an Idempotency-Key; a retry replays the committed result
 * instead of doing the work twice). Nothing that committed is rolled back or lost.
 *
 * Elysia's wrap() is the only hook around the whole handler (routing, hooks, errors) that can
 * answer before it ends; @elysiajs/opentelemetry uses it the same way.
 */
export function requestTimeoutPlugin(options: {
  timeoutMs: number;
  log: Logger;
  /** The security and CORS headers the hooks would have set, for an answer built out here. */
  headersFor: (request: Request) => Record<string, string>;
}) {
  const { timeoutMs } = options;

  function timedOut(request: Request): Response {
    const meta = requestMeta(request);
    (meta?.log ?? options.log).warn({ method: request.method, path: pathOf(request.url), timeoutMs }, "request timed out");
    const advice = retryAdvice(request);
    const message = `The request did not finish within ${timeoutMs} ms`;
    const body: ErrorBody = {
      error: advice
        ? { code: "REQUEST_TIMEOUT", message: `${message}. ${advice.message}`, details: { timeoutMs, ...advice.details } }
        : { code: "REQUEST_TIMEOUT", message, details: { timeoutMs } },
    };
    const headers: Record<string, string> = { ...options.headersFor(request), "content-type": "application/json" };
    if (meta) headers["x-request-id"] = meta.requestId;
    return new Response(JSON.stringify(body), { status: 503, headers });
  }

  return new Elysia({ name: "request-timeout" }).wrap((fn, request) => {
    const handle = fn as unknown as Handle;
    const withDeadline: Handle = (incoming) => {
      const answer = handle(incoming);
      if (!(answer instanceof Promise)) return answer;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<Response>((resolve) => {
        timer = setTimeout(() => resolve(timedOut(request)), timeoutMs);
      });
      return Promise.race([answer, deadline]).finally(() => clearTimeout(timer));
    };
    return withDeadline as unknown as ReturnType<typeof fn>;
  });
}
