import { Elysia, ValidationError } from "elysia";
import { AppError } from "../infra/errors";
import type { Logger } from "../infra/logger";
import type { ErrorReporter } from "../infra/sentry";
import { requestMeta } from "./request-context";

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

/** TypeBox failures as field paths the client can point at ("/items/0/quantity"). */
function fieldProblems(error: Readonly<ValidationError>): FieldProblem[] {
  return error.all.map((problem) => ({
    in: error.type,
    path: "path" in problem && problem.path ? problem.path : "/",
    message: problem.summary ?? ("message" in problem ? String(problem.message) : "is not valid"),
  }));
}

/**
 * The single place errors become HTTP answers: domain errors keep their code and status,
 * framework errors get stable codes, and anything unexpected is a 500 INTERNAL that is
 * logged with its stack, reported to Sentry, and never shown to the client outside development.
 */
export function errorHandler(deps: { log: Logger; reporter: ErrorReporter; exposeStack: boolean }) {
  return new Elysia({ name: "error-handler" }).onError({ as: "global" }, ({ code, error, request, set, route }) => {
    if (error instanceof AppError) {
      set.status = error.status;
      if (error.status === 401) set.headers["www-authenticate"] = 'Bearer realm="pazarsync"';
      if (error.status === 429 && "retryAfterSeconds" in error) set.headers["retry-after"] = String(error.retryAfterSeconds);
      return envelope(error.code, error.message, error.details);
    }
    switch (code) {
      case "VALIDATION":
        // Our answer failing its own schema is our bug, not the client's.
        if (error.type === "response") break;
        set.status = 422;
        return envelope("VALIDATION_FAILED", "The request is not valid", { fields: fieldProblems(error) });
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
    const meta = requestMeta(request);
    const log = meta?.log ?? deps.log;
    log.error({ err: error, route }, "unexpected error");
    deps.reporter.capture(error, { requestId: meta?.requestId, route });
    set.status = 500;
    const details = deps.exposeStack && error instanceof Error ? { stack: error.stack } : {};
    return envelope("INTERNAL", "Something went wrong on our side", details);
  });
}
