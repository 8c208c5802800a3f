/**
 * Domain errors carry a stable code and an HTTP status; the global handler in
 * http/errors.ts renders them as `{ error: { code, message, details } }`.
 */
export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends AppError {
  constructor(message = "The request could not be read", details: ErrorDetails = {}, code = "BAD_REQUEST") {
    super(code, 400, message, details);
  }
}

export class Unauthenticated extends AppError {
  constructor(message = "Authentication is required", code = "UNAUTHENTICATED", details: ErrorDetails = {}) {
    super(code, 401, message, details);
  }
}

export class Forbidden extends AppError {
  constructor(message = "You are not allowed to do this", details: ErrorDetails = {}) {
    super("FORBIDDEN", 403, message, details);
  }
}

export class NotFound extends AppError {
  constructor(message = "Not found", details: ErrorDetails = {}, code = "NOT_FOUND") {
    super(code, 404, message, details);
  }
}

export class Conflict extends AppError {
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(code, 409, message, details);
  }
}

export class ValidationFailed extends AppError {
  constructor(message: string, details: ErrorDetails = {}, code = "VALIDATION_FAILED") {
    super(code, 422, message, details);
  }
}

export class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number, message = "Too many requests") {
    super("RATE_LIMITED", 429, message, { retryAfterSeconds });
  }
}

export class ServiceUnavailable extends AppError {
  /** Sent as Retry-After when set: how soon trying again makes sense. */
  readonly retryAfterSeconds?: number;

  constructor(code: string, message: string, details: ErrorDetails = {}, retryAfterSeconds?: number) {
    super(code, 503, message, details);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Postgres could not be reached (or answer) in time: nothing about the request was wrong. */
export class DatabaseUnavailable extends ServiceUnavailable {
  constructor(reason: "unreachable" | "timeout") {
    super("DATABASE_UNAVAILABLE", "The database is unavailable, try again shortly", { reason }, 2);
  }
}

/** Redis could not be used for the stock locks, and the Postgres fallback lock was not taken either. */
export class LocksUnavailable extends ServiceUnavailable {
  constructor(keys: readonly string[], waitMs: number) {
    super("LOCKS_UNAVAILABLE", "The stock locks are unavailable (Redis unreachable, and the database lock was not taken in time), try again shortly", { keys: [...keys], waitMs }, 1);
  }
}

/** A lock could not be taken in time: the caller may retry. */
export class LockTimeout extends ServiceUnavailable {
  constructor(keys: readonly string[]) {
    super("LOCK_TIMEOUT", "The resource is busy, try again", { keys: [...keys] });
  }
}
