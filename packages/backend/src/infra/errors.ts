/**
 * Errors a client may see. Each class declares its stable `code` and HTTP `status` once, as
 * statics, and every instance carries them; the global handler in http/errors.ts renders any of
 * them as `{ error: { code, message, details } }`. A domain declares its own classes in its
 * `errors.ts` on top of these (`class StoreNotFound extends NotFound`), so a throw reads
 * `throw new StoreNotFound(storeId)`.
 */
export type ErrorDetails = Record<string, unknown>;

interface ErrorKind {
  readonly code: string;
  readonly status: number;
}

export abstract class AppError extends Error {
  static readonly code: string = "INTERNAL";
  static readonly status: number = 500;
  readonly code: string;
  readonly status: number;

  constructor(
    message: string,
    readonly details: ErrorDetails = {},
    /** Only for an answer given before and thrown again as it was (a replayed idempotent request). */
    as?: ErrorKind,
  ) {
    super(message);
    const kind: ErrorKind = as ?? (new.target as unknown as ErrorKind);
    this.code = kind.code;
    this.status = kind.status;
    this.name = new.target.name;
  }
}

/** The kinds below are also the generic codes, thrown as they are where no domain code says more. */
export class BadRequest extends AppError {
  static override readonly code: string = "BAD_REQUEST";
  static override readonly status: number = 400;
  constructor(message = "The request could not be read", details: ErrorDetails = {}) {
    super(message, details);
  }
}

export class Unauthenticated extends AppError {
  static override readonly code: string = "UNAUTHENTICATED";
  static override readonly status: number = 401;
  constructor(message = "Authentication is required", details: ErrorDetails = {}) {
    super(message, details);
  }
}

export class Forbidden extends AppError {
  static override readonly code: string = "FORBIDDEN";
  static override readonly status: number = 403;
  constructor(message = "You are not allowed to do this", details: ErrorDetails = {}) {
    super(message, details);
  }
}

export class NotFound extends AppError {
  static override readonly code: string = "NOT_FOUND";
  static override readonly status: number = 404;
  constructor(message = "Not found", details: ErrorDetails = {}) {
    super(message, details);
  }
}

/** Every conflict has a domain code of its own. */
export abstract class Conflict extends AppError {
  static override readonly status: number = 409;
}

export class ValidationFailed extends AppError {
  static override readonly code: string = "VALIDATION_FAILED";
  static override readonly status: number = 422;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details);
  }
}

export interface FieldProblem {
  in: "body" | "query" | "params" | "headers";
  path: string;
  message: string;
}

/** A rule the schema cannot say, reported in the same shape as the schema's own 422s so clients show it the same way. */
export class InvalidField extends ValidationFailed {
  constructor(problem: FieldProblem) {
    super("The request is not valid", { fields: [problem] });
  }
}

export class RateLimited extends AppError {
  static override readonly code: string = "RATE_LIMITED";
  static override readonly status: number = 429;
  constructor(
    readonly retryAfterSeconds: number,
    message = "Too many requests",
  ) {
    super(message, { retryAfterSeconds });
  }
}

/** Every 503 has a code of its own; the handler adds the retry advice for idempotent writes. */
export abstract class ServiceUnavailable extends AppError {
  static override readonly status: number = 503;

  constructor(
    message: string,
    details: ErrorDetails = {},
    /** Sent as Retry-After when set: how soon trying again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, details);
  }
}

/** Postgres could not be reached (or answer) in time: nothing about the request was wrong. */
export class DatabaseUnavailable extends ServiceUnavailable {
  static override readonly code: string = "DATABASE_UNAVAILABLE";
  constructor(reason: "unreachable" | "timeout") {
    super("The database is unavailable, try again shortly", { reason }, 2);
  }
}

/** Redis could not be used for the stock locks, and the Postgres fallback lock was not taken either. */
export class LocksUnavailable extends ServiceUnavailable {
  static override readonly code: string = "LOCKS_UNAVAILABLE";
  constructor(keys: readonly string[], waitMs: number) {
    super("The stock locks are unavailable (Redis unreachable, and the database lock was not taken in time), try again shortly", { keys: [...keys], waitMs }, 1);
  }
}

/** A lock could not be taken in time: the caller may retry. */
export class LockTimeout extends ServiceUnavailable {
  static override readonly code: string = "LOCK_TIMEOUT";
  constructor(keys: readonly string[]) {
    super("The resource is busy, try again", { keys: [...keys] });
  }
}

/** Work queued behind a lock when the process began to stop. */
export class ShuttingDown extends ServiceUnavailable {
  static override readonly code: string = "SHUTTING_DOWN";
  constructor() {
    super("The service is shutting down");
  }
}
