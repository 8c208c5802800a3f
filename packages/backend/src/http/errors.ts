import { Elysia, ValidationError } from "elysia";
import { asDatabaseUnavailable } from "../infra/db-availability";
import { AppError, ServiceUnavailable, ValidationFailed } from "../infra/errors";
import { scrubError } from "../infra/error-scrub";
import type { Logger } from "../infra/logger";
import { SQLSTATE, sqlState } from "../infra/pg-errors";
import type { ErrorReporter } from "../infra/sentry";
import { requestMeta } from "./request-context";

export class PayloadTooLarge extends AppError {
  static override readonly code = "PAYLOAD_TOO_LARGE";
  static override readonly status = 413;
  constructor(limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes`, { limitBytes });
  }
}

export class BodyTooDeep extends ValidationFailed {
  static override readonly code = "BODY_TOO_DEEP";
  constructor(maxDepth: number) {
    super(`The request body nests arrays and objects deeper than ${maxDepth} levels`, { maxDepth });
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

function envelope(code: string, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message, details } };
}

interface FieldProblem {
  in: string;
  path: string;
  message: string;
}

// Enough for a client to fix its request; the answer stays small whatever the body holds.
const MAX_FIELD_PROBLEMS = 20;

/**
 * TypeBox failures as field paths the client can point at ("/items/0/quantity"). The rule, never
 * the value: Elysia's summary ends "but found: <value>", which would send a mistyped password back
 * (and an array of thousands of values as one string).
 */
function fieldProblems(error: Readonly<ValidationError>): { fields: FieldProblem[]; omitted?: number } {
  const all = error.all;
  const fields = all.slice(0, MAX_FIELD_PROBLEMS).map((problem) => ({
    in: error.type,
    path: "path" in problem && problem.path ? problem.path : "/",
    message: (problem.summary ?? ("message" in problem ? String(problem.message) : "is not valid")).replace(/\s*but found:[\s\S]*$/, ""),
  }));
  return all.length > fields.length ? { fields, omitted: all.length - fields.length } : { fields };
}

/**
 * Text Postgres cannot store or compare (a NUL character, which JSON and URLs can carry but
 * Postgres text cannot). Only client input gets there, so it is a 422, not a 500.
 */
const isUnstorableText = (error: unknown): boolean => sqlState(error) === SQLSTATE.UNTRANSLATABLE_CHARACTER;

/**
 * What a client must know about a 503 to a write it sent with an Idempotency-Key: the write may
 * still have happened (a commit whose answer was lost, a handler that finished after the answer),
 * and the same key finds out without doing it twice. A new key could buy twice.
 */
export function retryAdvice(request: Request): { message: string; details: { retry: "same-idempotency-key" } } | undefined {
  if (request.method === "GET" || request.method === "HEAD" || !request.headers.has("idempotency-key")) return undefined;
  return {
    message: "It may still have been carried out: retry with the same Idempotency-Key to get its outcome without repeating it",
    details: { retry: "same-idempotency-key" },
  };
}

function unavailable(request: Request, error: ServiceUnavailable): ErrorBody {
  const advice = retryAdvice(request);
  if (!advice) return envelope(error.code, error.message, error.details);
  return envelope(error.code, `${error.message}. ${advice.message}`, { ...error.details, ...advice.details });
}

/**
 * The single place errors become HTTP answers: domain errors keep their code and status,
 * framework errors get stable codes, and anything unexpected is a 500 INTERNAL that is
 * logged with its stack, reported to Sentry, and never shown to the client outside development.
 */
export function errorHandler(deps: { log: Logger; reporter: ErrorReporter; exposeStack: boolean }) {
  return new Elysia({ name: "error-handler" }).onError({ as: "global" }, ({ code, error, request, set, route }) => {
    // A domain error thrown while the body is read (body-limit.ts) arrives wrapped in Elysia's ParseError.
    // Postgres being away is not our bug nor the client's: a retryable 503, logged without a stack.
    const domain =
      error instanceof AppError ? error : code === "PARSE" && error.cause instanceof AppError ? error.cause : asDatabaseUnavailable(error);
    if (domain) {
      set.status = domain.status;
      if (domain.status === 401) set.headers["www-authenticate"] = 'Bearer realm="pazarsync"';
      if ((domain.status === 429 || domain.status === 503) && "retryAfterSeconds" in domain && domain.retryAfterSeconds !== undefined) {
        set.headers["retry-after"] = String(domain.retryAfterSeconds);
      }
      if (domain instanceof ServiceUnavailable) return unavailable(request, domain);
      return envelope(domain.code, domain.message, domain.details);
    }
    switch (code) {
      case "VALIDATION":
        // Our answer failing its own schema is our bug, not the client's.
        if (error.type === "response") break;
        set.status = 422;
        return envelope("VALIDATION_FAILED", "The request is not valid", fieldProblems(error));
      case "PARSE":
        set.status = 400;
        return envelope("MALFORMED_BODY", "The request body could not be parsed");
      case "NOT_FOUND":
        set.status = 404;
        return envelope("NOT_FOUND", `No route for ${request.method} ${new URL(request.url).pathname}`);
      case "INVALID_COOKIE_SIGNATURE":
        set.status = 400;
        return envelope("BAD_REQUEST", "A cookie signature is not valid");
    }
    if (isUnstorableText(error)) {
      set.status = 422;
      return envelope("INVALID_CHARACTERS", "Text in the request contains a character that cannot be stored (NUL)");
    }
    const meta = requestMeta(request);
    const log = meta?.log ?? deps.log;
    // Scrubbed: a failed query's parameters (emails, password hashes) are in its message.
    const safe = scrubError(error);
    log.error({ err: safe, route }, "unexpected error");
    deps.reporter.capture(safe, { requestId: meta?.requestId, route });
    set.status = 500;
    const details = deps.exposeStack && error instanceof Error ? { stack: error.stack } : {};
    return envelope("INTERNAL", "Something went wrong on our side", details);
  });
}
