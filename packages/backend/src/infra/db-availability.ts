/**
 * How long a statement may wait for Postgres, and what a request sees when it is away.
 *
 * postgres.js keeps a statement waiting while it reconnects: a refused connection is retried
 * forever (the request hung until its own timeout), an accepted one that never answers waits
 * connect_timeout per attempt. So every statement the app sends is bounded here: one that got no
 * connection within the connect timeout is abandoned, one running far past the server's
 * statement_timeout too, and either marks Postgres down. While it is down, statements fail at once
 * (no pile of waiters) and one probe at a time asks whether it is back.
 */
import type { Sql } from "postgres";
import { spanEnd, spanStart } from "./bench-spans";
import { DatabaseUnavailable } from "./errors";
import type { Logger } from "./logger";
import { throttledWarn } from "./redis";

export interface DatabaseBounds {
  connectTimeoutMs: number;
  /** Postgres's own statement_timeout; 0 when none. The client's last resort comes later. */
  statementTimeoutMs: number;
}

/** Raised by the bounds themselves; the cause chain of a failed Drizzle query carries it. */
export class DatabaseWaitTimeout extends Error {
  constructor(readonly phase: "connection" | "statement" | "known-down", readonly ms: number) {
    super(
      phase === "known-down"
        ? "Postgres is unavailable: statements fail at once until a probe reaches it"
        : `no ${phase === "connection" ? "connection to" : "answer from"} Postgres within ${ms} ms`,
    );
    this.name = "DatabaseWaitTimeout";
  }
}

// postgres.js's connection error codes, and socket errors it passes through.
const CONNECTION_CODES = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "EAI_AGAIN",
]);
// SQLSTATE: class 08 (connection exception), the server shutting down or starting, no free slots.
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/** "unreachable" / "timeout" when the error (or one it wraps) says Postgres was away; undefined otherwise. */
export function databaseOutage(error: unknown): "unreachable" | "timeout" | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current instanceof DatabaseWaitTimeout) return current.phase === "statement" ? "timeout" : "unreachable";
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (CONNECTION_CODES.has(code) || code.startsWith("08") || UNAVAILABLE_STATES.has(code)) return "unreachable";
      // statement_timeout: Postgres is too slow to answer now.
      if (code === "57014") return "timeout";
    }
    current = current.cause;
  }
  return undefined;
}

/** The outage as the answer a client gets (503 DATABASE_UNAVAILABLE), or undefined for any other error. */
export function asDatabaseUnavailable(error: unknown): DatabaseUnavailable | undefined {
  const outage = databaseOutage(error);
  return outage ? new DatabaseUnavailable(outage) : undefined;
}

/** A statement's span (bench-spans.ts): its first words, enough to tell the app's statements apart. */
function spanName(text: unknown): string {
  return `sql: ${typeof text === "string" ? text.replace(/\s+/g, " ").trim().slice(0, 60) : "?"}`;
}

/** What Drizzle does with a postgres.js query: chooses row arrays, then awaits it. */
interface PendingQuery extends PromiseLike<unknown> {
  values(): PendingQuery;
  /** Null until the query is written to a connection. */
  readonly state?: unknown;
}

const PROBE_RETRY_MS = 250;
// How far past statement_timeout a statement may go before the client stops waiting for it.
const STATEMENT_SLACK_MS = 1000;

export interface BoundedClient {
  client: Sql;
  /** False while Postgres is known to be away. */
  readonly available: boolean;
  /** Stops probing (the pool is being closed). */
  close(): void;
}

/**
 * The postgres.js client Drizzle is given: `unsafe` (every statement) and `begin` (transactions)
 * bounded and short-circuited while Postgres is down; everything else passes through.
 */
export function boundedClient(raw: Sql, bounds: DatabaseBounds, log: Logger): BoundedClient {
  const warn = throttledWarn(log.child({ component: "database" }), 10_000);
  // Without a statement_timeout (scripts) a statement may run as long as it needs.
  const hardLimitMs = bounds.statementTimeoutMs > 0 ? bounds.connectTimeoutMs + bounds.statementTimeoutMs + STATEMENT_SLACK_MS : undefined;
  let down = false;
  let closed = false;
  // When Postgres last answered anything (a row or an error of its own).
  let answeredAt = Date.now();
  const answered = () => void (answeredAt = Date.now());

  /**
   * A wait that ran out while other statements were being answered is a saturated pool, not an
   * outage: that one statement is refused (load shedding), but the rest are not failed fast.
   */
  function waitedTooLong(error: DatabaseWaitTimeout): void {
    if (Date.now() - answeredAt >= bounds.connectTimeoutMs) markDown(error);
  }

  function markDown(error: unknown): void {
    if (down || closed) return;
    down = true;
    warn({ err: error instanceof Error ? error.message : String(error) }, "postgres unavailable: failing statements fast until it answers");
    void probeUntilBack();
  }

  async function probeUntilBack(): Promise<void> {
    // On the raw client: a probe stuck in postgres.js's reconnect loop completes once Postgres is back.
    while (down && !closed) {
      try {
        await raw.unsafe("select 1");
        answered();
        down = false;
        log.info({ component: "database" }, "postgres available again");
      } catch {
        await new Promise((resolve) => setTimeout(resolve, PROBE_RETRY_MS));
      }
    }
  }

  const failFast = () => Promise.reject(new DatabaseWaitTimeout("known-down", 0));
  const failedQuery = (): PendingQuery => {
    const query: PendingQuery = { values: () => query, then: (onFulfilled, onRejected) => failFast().then(onFulfilled, onRejected) };
    return query;
  };

  /** Settles like the query, or rejects when it waited too long for a connection or an answer. */
  function bounded(query: PendingQuery, waitsForConnection: boolean, span: () => string): PendingQuery {
    const started = spanStart();
    let settled: Promise<unknown> | undefined;
    const race = () =>
      (settled ??= new Promise<unknown>((resolve, reject) => {
        const fail = (error: DatabaseWaitTimeout) => {
          clearTimeout(connectionTimer);
          clearTimeout(hardTimer);
          waitedTooLong(error);
          reject(error);
        };
        // A query left behind stays queued in postgres.js and may still run once Postgres is back:
        // like a request timeout, the caller's answer is then "unknown", which is why writes are idempotent.
        const connectionTimer = waitsForConnection
          ? setTimeout(() => !query.state && fail(new DatabaseWaitTimeout("connection", bounds.connectTimeoutMs)), bounds.connectTimeoutMs)
          : undefined;
        const hardTimer = hardLimitMs === undefined ? undefined : setTimeout(() => fail(new DatabaseWaitTimeout("statement", hardLimitMs)), hardLimitMs);
        query.then(
          (value) => {
            clearTimeout(connectionTimer);
            clearTimeout(hardTimer);
            spanEnd(span, started);
            answered();
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(connectionTimer);
            clearTimeout(hardTimer);
            if (databaseOutage(error) === "unreachable") markDown(error);
            else answered();
            reject(error);
          },
        );
      }));
    const wrapper: PendingQuery = {
      values() {
        query.values();
        return wrapper;
      },
      then: (onFulfilled, onRejected) => race().then(onFulfilled, onRejected),
    };
    return wrapper;
  }

  function wrap(sql: Sql, inTransaction: boolean): Sql {
    return new Proxy(sql, {
      get(target, property, receiver) {
        if (property === "unsafe") {
          return (...args: Parameters<Sql["unsafe"]>) => {
            if (down && !inTransaction) return failedQuery();
            return bounded(target.unsafe(...args) as unknown as PendingQuery, !inTransaction, () => spanName(args[0]));
          };
        }
        if (property === "begin" && !inTransaction) return begin(target);
        return Reflect.get(target, property, receiver);
      },
    });
  }

  /** A transaction that got no connection within the connect timeout is given up; if it starts later, it rolls back at once. */
  function begin(target: Sql) {
    return (...args: unknown[]) => {
      if (down) return failFast();
      const body = args.pop() as (tx: Sql) => unknown;
      let abandoned = false;
      let started = false;
      const running = (target.begin as (...a: unknown[]) => Promise<unknown>)(...args, (tx: Sql) => {
        if (abandoned) throw new DatabaseWaitTimeout("connection", bounds.connectTimeoutMs);
        started = true;
        return body(wrap(tx, true));
      });
      return new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (started) return;
          abandoned = true;
          const error = new DatabaseWaitTimeout("connection", bounds.connectTimeoutMs);
          waitedTooLong(error);
          reject(error);
        }, bounds.connectTimeoutMs);
        running.then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            if (databaseOutage(error) === "unreachable") markDown(error);
            reject(error);
          },
        );
      });
    };
  }

  return {
    client: wrap(raw, false),
    get available() {
      return !down;
    },
    close() {
      closed = true;
    },
  };
}
