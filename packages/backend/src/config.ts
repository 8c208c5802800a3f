import { randomBytes } from "node:crypto";
import { Type, type Static } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { Digits, pickSettings } from "./config-env";
import { loadHttpConfig, type HttpConfig } from "./config-http";
import { jobConfig, jobProblems } from "./config-jobs";
import { orderCommandConfig, orderCommandProblems, type OrderCommandConfig } from "./config-order-commands";
import { defaultDriftConfirmMs, orderPullConfig, orderPullProblems, type OrderPullConfig } from "./config-order-pull";
import type { JobWorkerSettings } from "./domains/jobs/worker";
import { credentialsKeyProblem, jwtSecretProblem } from "./config-secrets";

/**
 * Every environment variable the process reads, parsed once at start. Raw values are
 * strings; numbers are coerced here deliberately. Problems are collected and reported
 * together, by variable name only: a secret's value is never echoed.
 */
const Flag = (description: string) => Type.Optional(Type.String({ pattern: "^(true|false|1|0)$", description }));
const KEY_ID = "[A-Za-z0-9_-]{1,32}";
const KEY_32_BYTES = "([A-Za-z0-9+/]{43}=|[0-9a-fA-F]{64})";

const RawEnv = Type.Object({
  NODE_ENV: Type.Optional(Type.Union([Type.Literal("development"), Type.Literal("test"), Type.Literal("production")])),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  PORT: Digits("HTTP port"),
  LOG_LEVEL: Type.Optional(
    Type.Union(["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l))),
  ),
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://.+" })),
  DATABASE_POOL_MAX: Digits("postgres.js pool size"),
  DATABASE_CONNECT_TIMEOUT_MS: Digits("longest a statement waits for a Postgres connection before the answer is 503 DATABASE_UNAVAILABLE"),
  DATABASE_STATEMENT_TIMEOUT_MS: Digits("Postgres statement_timeout of the app's connections (0: none)"),
  PGLITE_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  MIGRATE_ON_START: Flag("apply migrations at start"),
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://.+" })),
  REDLOCK_URLS: Type.Optional(Type.String({ pattern: "^rediss?://[^,]+(,\\s*rediss?://[^,]+)*$" })),
  REDIS_KEY_PREFIX: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9:_-]{1,64}$" })),
  REDIS_COMMAND_TIMEOUT_MS: Digits("longest a Redis command may wait for its reply on a connection that stopped answering"),
  LOCK_WAIT_MS: Digits("longest a stock writer waits for its locks (Redis, or the Postgres fallback) before a 503"),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  CREDENTIALS_KEY: Type.Optional(Type.String({ pattern: `^${KEY_32_BYTES}$` })),
  CREDENTIALS_KEY_ID: Type.Optional(Type.String({ pattern: `^${KEY_ID}$` })),
  CREDENTIALS_PREVIOUS_KEYS: Type.Optional(
    Type.String({ pattern: `^${KEY_ID}:${KEY_32_BYTES}(\\s*,\\s*${KEY_ID}:${KEY_32_BYTES})*$` }),
  ),
  SENTRY_DSN: Type.Optional(Type.String({ pattern: "^https?://.+" })),
  HEALTH_TIMEOUT_MS: Digits("timeout of each readiness check"),
  SHUTDOWN_TIMEOUT_MS: Digits("how long in-flight requests may take at shutdown"),
  SYNC_INTERVAL_MS: Digits("stock sync flush interval"),
  SYNC_WORKER: Flag("run the stock sync worker in this process (default true)"),
  SYNC_SWEEP_INTERVAL_MS: Digits("ledger-cursor sweep interval"),
  SYNC_RECONCILE_INTERVAL_MS: Digits("full reconciliation interval"),
  SYNC_POLL_DELAY_MS: Digits("first poll of a batch result after sending"),
  SYNC_ATTEMPT_BUDGET: Digits("sends of a retryably failed item before it becomes a dead letter"),
  SYNC_CLAIM_LEASE_MS: Digits("lease of a flush's claim and of the store's sync lock"),
  SYNC_KICK_DELAY_MS: Digits("how long an order's flush waits for more orders to join it"),
  MARKETPLACE_TIMEOUT_MS: Digits("deadline of one marketplace call"),
  LISTING_DRIFT_INTERVAL_MS: Digits("how often every pushing marketplace store's listings are read back and checked for drift (0: never; else at least 60000)"),
  LISTING_DRIFT_CONFIRM_MS: Digits("how long a marketplace must keep showing less than it was told before a drift check restores it (at least 1000)"),
  ORDER_PULL_INTERVAL_MS: Digits("base interval of every marketplace's order pull (at least 5000), unless its own variable is set"),
  ORDER_PULL_INTERVAL_MS_TRENDYOL: Digits("base interval of Trendyol stores' order pull (at least 5000)"),
  ORDER_PULL_INTERVAL_MS_HEPSIBURADA: Digits("base interval of Hepsiburada stores' order pull (at least 5000)"),
  ORDER_PULL_INTERVAL_MS_N11: Digits("base interval of N11 stores' order pull (at least 5000)"),
  ORDER_PULL_INTERVAL_MS_PAZARAMA: Digits("base interval of Pazarama stores' order pull (at least 5000)"),
  ORDER_PULL_INTERVAL_MS_PTTAVM: Digits("base interval of PttAVM stores' order pull (at least 5000)"),
  ORDER_PULL_QUOTA: Type.Optional(Type.Union([Type.Literal("on"), Type.Literal("off")])),
  ORDER_PULL_OVERLAP_MS: Digits("how far before its watermark each order pull reads again"),
  ORDER_COMMAND_POLL_MS: Digits("how often the order command worker looks for due commands without a kick (at least 100)"),
  ORDER_COMMAND_LEASE_MS: Digits("how long a worker holds a claimed order command before another observes what became of it (at least 1000)"),
  ORDER_COMMAND_ATTEMPT_BUDGET: Digits("sends of an order command refused retryably (429) before it is FAILED"),
  ORDER_COMMAND_FAILPOINT: Type.Optional(Type.Union([Type.Literal("after-commit"), Type.Literal("after-accept")])),
  JOB_POLL_MS: Digits("how often the job worker looks for queued jobs without a kick (at least 100)"),
  JOB_LEASE_MS: Digits("how long a worker holds a job without renewing before another may take it over (at least 1000)"),
  ORDER_DISPATCH_WARNING_MS: Digits("how near its marketplace dispatch deadline an open order counts as due soon (orders_dispatch_due_soon)"),
  ORDER_CLAIM_PULL_INTERVAL_MS: Digits("how often every marketplace store's returns (claims) are read (at least 5000)"),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: "^https?://[^\\s/?#]+(/[^\\s?#]*)?$", maxLength: 1000 })),
  WEBHOOK_REPAIR_INTERVAL_MS: Digits("how often every Trendyol store's order webhook is checked and repaired"),
  MARKETPLACE_DUPLICATE_WINDOW_MS: Digits("override of the marketplace's identical-request window (a time-scaled sandbox only)"),
  DEMO: Flag("run the dev demo: marketplace sandbox, demo shop and web orders (default true in development, refused in production)"),
  DEMO_SANDBOX_PORT: Digits("the demo sandbox's port (default 4199)"),
  DEMO_ORDER_EVERY_MS: Digits("how often the demo customer orders"),
  STOCK_LOCKS: Type.Optional(Type.Union([Type.Literal("on"), Type.Literal("off")])),
  BENCH_SPANS_FILE: Type.Optional(Type.String({ minLength: 1, description: "where a benchmark's request timings are written on SIGUSR2 (refused in production)" })),
  TRUST_PROXY: Flag("take the client address from X-Forwarded-For (only behind a proxy you run)"),
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: "^[^@\\s]+@[^@\\s]+$" })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10 })),
  PASSWORD_MEMORY_COST_KIB: Digits("argon2id memory cost in KiB"),
  PASSWORD_TIME_COST: Digits("argon2id passes"),
  ACCESS_TOKEN_TTL_SECONDS: Digits("access token lifetime"),
  REFRESH_TOKEN_TTL_DAYS: Digits("refresh token lifetime"),
  AUTH_FAILURES_PER_ACCOUNT: Digits("failed logins (and registrations) per (IP, email) per window"),
  AUTH_ATTEMPTS_PER_ACCOUNT: Digits("former name of AUTH_FAILURES_PER_ACCOUNT, still read when that is unset"),
  AUTH_FAILURES_PER_IP: Digits("failed logins and sign-ups per IP per window, whatever the email"),
  AUTH_ATTEMPTS_PER_IP: Digits("every login/register attempt per IP per window, successful ones included"),
  AUTH_WINDOW_SECONDS: Digits("rate limit window for login/register"),
});
type RawEnv = Static<typeof RawEnv>;

export type NodeEnv = "development" | "test" | "production";

export interface SyncConfig {
  intervalMs: number;
  /** False runs no sync loops here (a replica that only serves HTTP, or a test driving steps itself). */
  worker: boolean;
  sweepIntervalMs: number;
  reconcileIntervalMs: number;
  pollDelayMs: number;
  attemptBudget: number;
  marketplaceTimeoutMs: number;
  /** How long a crashed flush keeps its claimed marks (and the store's sync lock) before they come back. */
  claimLeaseMs: number;
  /** Unset: each marketplace's documented identical-request window. */
  duplicateWindowMs?: number;
  /** An order's change is flushed this soon (not on the interval); orders within it share one flush. */
  kickDelayMs: number;
}

export interface Config {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  logLevel: string;
  logPretty: boolean;
  databaseUrl?: string;
  databasePoolMax: number;
  databaseConnectTimeoutMs: number;
  databaseStatementTimeoutMs: number;
  pgliteDataDir: string;
  migrateOnStart: boolean;
  redisUrl?: string;
  redlockUrls: string[];
  redisKeyPrefix: string;
  redisCommandTimeoutMs: number;
  lockWaitMs: number;
  jwtSecret: string;
  /** 32 raw bytes for AES-256-GCM. */
  credentialsKey: Buffer;
  /** Names credentialsKey inside every envelope it seals, so the key can be rotated later. */
  credentialsKeyId: string;
  /** Retired keys that may still decrypt until `bun run credentials:rotate` has moved every store off them. */
  credentialsPreviousKeys: { id: string; key: Buffer }[];
  sentryDsn?: string;
  healthTimeoutMs: number;
  shutdownTimeoutMs: number;
  syncIntervalMs: number;
  sync: SyncConfig;
  /** A drift check per pushing marketplace store this often (0: off); queued where the job worker runs. */
  listingDriftIntervalMs: number;
  /**
   * A listing shown lower than it was told is a drift only once two reads this far apart agree
   * (a sale the order pull has not taken in yet looks the same); default max(300000, twice the
   * slowest order pull).
   */
  listingDriftConfirmMs: number;
  /** Marketplace order pull, scheduled per store (runs where the sync worker runs: SYNC_WORKER). */
  orderPull: OrderPullConfig;
  /** The order command worker (runs where the sync worker runs: SYNC_WORKER). */
  orderCommands: OrderCommandConfig;
  /** The job worker (listing imports, drift checks; runs where the sync worker runs: SYNC_WORKER). */
  jobs: JobWorkerSettings;
  /** ORDER_DISPATCH_WARNING_MS: an open order this near its dispatch deadline counts as due soon. */
  orderDispatchWarningMs: number;
  /**
   * Marketplace order webhooks (Trendyol's registered through its API): where marketplaces reach
   * this app (PUBLIC_BASE_URL; unset registers nothing) and how often registrations are repaired.
   */
  webhooks: { publicBaseUrl?: string; repairIntervalMs: number };
  /** The dev demo (src/dev/demo.ts); undefined when off. */
  demo?: { sandboxPort: number; orderEveryMs: number };
  /** False (STOCK_LOCKS=off, never in production) runs stock sections without the lock port: a benchmark's "lock off" arm. */
  stockLocks: boolean;
  /** Set (BENCH_SPANS_FILE, never in production): request timings for a benchmark, infra/bench-spans.ts. */
  benchSpansFile?: string;
  trustProxy: boolean;
  /** The first admin, created at start when no user has this email yet. */
  admin?: { email: string; password: string };
  auth: AuthConfig;
  /** CORS, body limit, timeout, API docs and rate limits (config-http.ts). */
  http: HttpConfig;
}

export interface AuthConfig {
  passwordMemoryCostKib: number;
  passwordTimeCost: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** Failed logins (and registrations) per (IP, email) per window. */
  failuresPerAccount: number;
  /** Failed logins (and registrations) per IP per window, whatever the email. */
  failuresPerIp: number;
  /** The looser ceiling: every login and registration per IP per window, successful ones included. */
  attemptsPerIp: number;
  windowSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const REQUIRED_IN_PRODUCTION = ["DATABASE_URL", "REDIS_URL", "JWT_SECRET", "CREDENTIALS_KEY"] as const;

const HINTS: Record<string, string> = {
  DATABASE_URL: "must be a postgres:// or postgresql:// URL",
  REDIS_URL: "must be a redis:// or rediss:// URL",
  REDLOCK_URLS: "must be comma-separated redis:// or rediss:// URLs",
  JWT_SECRET: "must be at least 32 characters",
  CREDENTIALS_KEY: "must be 32 bytes, as base64 (44 characters) or hex (64 characters)",
  CREDENTIALS_KEY_ID: "must be 1-32 letters, digits, '_' or '-'",
  CREDENTIALS_PREVIOUS_KEYS:
    "must be comma-separated id:key pairs, each id 1-32 letters, digits, '_' or '-' and each key 32 bytes as base64 (44 characters) or hex (64 characters)",
  NODE_ENV: "must be development, test or production",
  LOG_LEVEL: "must be one of fatal, error, warn, info, debug, trace, silent",
  SENTRY_DSN: "must be an http(s) URL",
  ADMIN_EMAIL: "must be an email address",
  ADMIN_PASSWORD: "must be at least 10 characters",
  REDIS_KEY_PREFIX: "must be 1-64 characters of letters, digits, ':', '_' or '-'",
  STOCK_LOCKS: "must be on or off",
  ORDER_PULL_QUOTA: "must be on or off",
  ORDER_COMMAND_FAILPOINT: "must be after-commit or after-accept",

  PUBLIC_BASE_URL: "must be an http(s) URL without a query or fragment (where marketplaces reach this app, e.g. https://sync.example.com)",
};

function describeProblems(raw: Record<string, string | undefined>): string[] {
  const problems = new Set<string>();
  for (const error of Value.Errors(RawEnv, raw)) {
    const name = error.path.replace(/^\//, "");
    problems.add(`${name} ${HINTS[name] ?? (error.schema.description ? `(${error.schema.description}) must be a whole number` : "is not valid")}`);
  }
  return [...problems];
}

function toKey(encoded: string): Buffer {
  return encoded.length === 64 ? Buffer.from(encoded, "hex") : Buffer.from(encoded, "base64");
}

/** "id:key,id:key" (already pattern-checked) as keys. */
function previousKeys(encoded: string | undefined): { id: string; key: Buffer }[] {
  if (encoded === undefined) return [];
  return encoded.split(",").map((pair) => {
    const [id = "", key = ""] = pair.trim().split(":");
    return { id, key: toKey(key) };
  });
}

/** Key ids name the key inside each envelope, so one id may not stand for two keys. */
function keyIdProblems(currentId: string, previous: { id: string }[]): string[] {
  const problems: string[] = [];
  const ids = previous.map((k) => k.id);
  if (ids.includes(currentId)) problems.push("CREDENTIALS_PREVIOUS_KEYS must not reuse the current CREDENTIALS_KEY_ID");
  if (new Set(ids).size !== ids.length) problems.push("CREDENTIALS_PREVIOUS_KEYS must not list a key id twice");
  return problems;
}

const optional = (problem: string | undefined): string[] => (problem === undefined ? [] : [problem]);
const int = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const flag = (value: string | undefined, fallback: boolean) =>
  value === undefined ? fallback : value === "true" || value === "1";

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw = pickSettings(RawEnv, env);
  const problems = describeProblems(raw);
  const nodeEnv = (raw.NODE_ENV as NodeEnv | undefined) ?? "development";
  const lockNodes = raw.REDLOCK_URLS?.split(",").length ?? 1;
  // A 1-1 split of an even number of lock nodes never reaches a quorum (redlock would hang).
  if (lockNodes > 1 && lockNodes % 2 === 0) problems.push("REDLOCK_URLS must list an odd number of Redis nodes (1, 3, 5)");
  // Zero would fail every statement, command or lock at once; DATABASE_STATEMENT_TIMEOUT_MS=0 means "none".
  for (const name of ["DATABASE_CONNECT_TIMEOUT_MS", "REDIS_COMMAND_TIMEOUT_MS", "LOCK_WAIT_MS"] as const) {
    if (raw[name] !== undefined && Number(raw[name]) < 1) problems.push(`${name} must be at least 1`);
  }
  problems.push(...orderPullProblems(raw, nodeEnv === "production"));
  problems.push(...orderCommandProblems(raw, nodeEnv === "production"));
  problems.push(...jobProblems(raw));

  const drift = raw.LISTING_DRIFT_INTERVAL_MS;
  if (drift !== undefined && Number(drift) !== 0 && Number(drift) < 60_000) problems.push("LISTING_DRIFT_INTERVAL_MS must be 0 (off) or at least 60000");
  const confirm = raw.LISTING_DRIFT_CONFIRM_MS;
  if (confirm !== undefined && Number(confirm) < 1000) problems.push("LISTING_DRIFT_CONFIRM_MS must be at least 1000 (a lower shown quantity is never restored unconfirmed)");
  if (raw.WEBHOOK_REPAIR_INTERVAL_MS !== undefined && Number(raw.WEBHOOK_REPAIR_INTERVAL_MS) < 1000) problems.push("WEBHOOK_REPAIR_INTERVAL_MS must be at least 1000");
  if ((raw.ADMIN_EMAIL === undefined) !== (raw.ADMIN_PASSWORD === undefined)) {
    problems.push("ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  if (raw.CREDENTIALS_PREVIOUS_KEYS !== undefined && !problems.some((p) => p.startsWith("CREDENTIALS_"))) {
    problems.push(...keyIdProblems(raw.CREDENTIALS_KEY_ID ?? "k1", previousKeys(raw.CREDENTIALS_PREVIOUS_KEYS)));
  }
  if (nodeEnv === "production") {
    for (const name of REQUIRED_IN_PRODUCTION) {
      if (raw[name] === undefined) problems.push(`${name} is required in production`);
    }
    if (raw.PASSWORD_MEMORY_COST_KIB !== undefined && Number(raw.PASSWORD_MEMORY_COST_KIB) < 19_456) {
      problems.push("PASSWORD_MEMORY_COST_KIB must be at least 19456 in production (OWASP's argon2id minimum)");
    }
    if (raw.PORT !== undefined && (Number(raw.PORT) < 1 || Number(raw.PORT) > 65535)) problems.push("PORT must be 1-65535");
    // Conditional updates and CHECKs still prevent overselling without it, but production keeps the
    // lock that orders writers across replicas (DESIGN); the switch exists for benchmarks.
    if (raw.DEMO === "true" || raw.DEMO === "1") problems.push("DEMO is refused in production: it starts a marketplace sandbox and places orders");
    if (raw.STOCK_LOCKS === "off") problems.push("STOCK_LOCKS=off is refused in production: it is a benchmark switch, and production always takes the stock locks");
    // Trendyol delivers orders with the webhook's password or api key: never over plain http.
    if (raw.PUBLIC_BASE_URL !== undefined && !raw.PUBLIC_BASE_URL.startsWith("https://")) problems.push("PUBLIC_BASE_URL must be https in production");
    if (raw.BENCH_SPANS_FILE !== undefined) problems.push("BENCH_SPANS_FILE is refused in production: it is a benchmark switch");
    // Only well-formed secrets are judged: a malformed one already has its problem.
    if (raw.JWT_SECRET !== undefined && !problems.some((p) => p.startsWith("JWT_SECRET "))) problems.push(...optional(jwtSecretProblem(raw.JWT_SECRET)));
    if (raw.CREDENTIALS_KEY !== undefined && !problems.some((p) => p.startsWith("CREDENTIALS_KEY "))) {
      problems.push(...optional(credentialsKeyProblem(toKey(raw.CREDENTIALS_KEY))));
    }
  }
  const http = loadHttpConfig(env, nodeEnv);
  problems.push(...http.problems);
  if (problems.length > 0 || !http.config) throw new ConfigError(problems);

  const parsed = raw as RawEnv;
  const redisUrl = parsed.REDIS_URL;
  return {
    nodeEnv,
    host: parsed.HOST ?? "0.0.0.0",
    port: int(parsed.PORT, 3000),
    logLevel: parsed.LOG_LEVEL ?? (nodeEnv === "test" ? "silent" : "info"),
    logPretty: nodeEnv === "development",
    databaseUrl: parsed.DATABASE_URL,
    databasePoolMax: int(parsed.DATABASE_POOL_MAX, 10),
    databaseConnectTimeoutMs: int(parsed.DATABASE_CONNECT_TIMEOUT_MS, 3000),
    databaseStatementTimeoutMs: int(parsed.DATABASE_STATEMENT_TIMEOUT_MS, 10_000),
    pgliteDataDir: parsed.PGLITE_DATA_DIR ?? "./.data/pglite",
    migrateOnStart: flag(parsed.MIGRATE_ON_START, true),
    redisUrl,
    redlockUrls: parsed.REDLOCK_URLS
      ? parsed.REDLOCK_URLS.split(",").map((url) => url.trim())
      : redisUrl
        ? [redisUrl]
        : [],
    redisKeyPrefix: parsed.REDIS_KEY_PREFIX ?? "ps:",
    redisCommandTimeoutMs: int(parsed.REDIS_COMMAND_TIMEOUT_MS, 1000),
    lockWaitMs: int(parsed.LOCK_WAIT_MS, 5000),
    // Outside production a missing secret is generated per start: tokens die with the process,
    // which is what a developer wants, and no shared default secret exists to leak.
    jwtSecret: parsed.JWT_SECRET ?? randomBytes(32).toString("base64url"),
    credentialsKey: parsed.CREDENTIALS_KEY ? toKey(parsed.CREDENTIALS_KEY) : randomBytes(32),
    credentialsKeyId: parsed.CREDENTIALS_KEY_ID ?? "k1",
    credentialsPreviousKeys: previousKeys(parsed.CREDENTIALS_PREVIOUS_KEYS),
    sentryDsn: parsed.SENTRY_DSN,
    healthTimeoutMs: int(parsed.HEALTH_TIMEOUT_MS, 1000),
    shutdownTimeoutMs: int(parsed.SHUTDOWN_TIMEOUT_MS, 10_000),
    syncIntervalMs: int(parsed.SYNC_INTERVAL_MS, 5000),
    sync: {
      intervalMs: int(parsed.SYNC_INTERVAL_MS, 5000),
      worker: flag(parsed.SYNC_WORKER, true),
      sweepIntervalMs: int(parsed.SYNC_SWEEP_INTERVAL_MS, 60_000),
      reconcileIntervalMs: int(parsed.SYNC_RECONCILE_INTERVAL_MS, 24 * 60 * 60_000),
      pollDelayMs: int(parsed.SYNC_POLL_DELAY_MS, 3000),
      attemptBudget: int(parsed.SYNC_ATTEMPT_BUDGET, 5),
      marketplaceTimeoutMs: int(parsed.MARKETPLACE_TIMEOUT_MS, 30_000),
      duplicateWindowMs: parsed.MARKETPLACE_DUPLICATE_WINDOW_MS === undefined ? undefined : int(parsed.MARKETPLACE_DUPLICATE_WINDOW_MS, 0),
      claimLeaseMs: int(parsed.SYNC_CLAIM_LEASE_MS, 120_000),
      kickDelayMs: int(parsed.SYNC_KICK_DELAY_MS, 50),
    },
    listingDriftIntervalMs: int(parsed.LISTING_DRIFT_INTERVAL_MS, 24 * 60 * 60_000),
    listingDriftConfirmMs: int(parsed.LISTING_DRIFT_CONFIRM_MS, defaultDriftConfirmMs(orderPullConfig(parsed))),
    orderPull: orderPullConfig(parsed),
    orderCommands: orderCommandConfig(parsed),
    jobs: jobConfig(parsed),
    orderDispatchWarningMs: int(parsed.ORDER_DISPATCH_WARNING_MS, 4 * 60 * 60_000),
    webhooks: { publicBaseUrl: parsed.PUBLIC_BASE_URL, repairIntervalMs: int(parsed.WEBHOOK_REPAIR_INTERVAL_MS, 15 * 60_000) },
    demo: flag(parsed.DEMO, nodeEnv === "development")
      ? { sandboxPort: int(parsed.DEMO_SANDBOX_PORT, 4199), orderEveryMs: int(parsed.DEMO_ORDER_EVERY_MS, 4000) }
      : undefined,
    stockLocks: parsed.STOCK_LOCKS !== "off",
    benchSpansFile: parsed.BENCH_SPANS_FILE,
    trustProxy: flag(parsed.TRUST_PROXY, false),
    admin:
      parsed.ADMIN_EMAIL && parsed.ADMIN_PASSWORD
        ? { email: parsed.ADMIN_EMAIL, password: parsed.ADMIN_PASSWORD }
        : undefined,
    auth: {
      // OWASP's minimum for argon2id (19 MiB, 2 passes): ~120 ms per hash on this machine.
      passwordMemoryCostKib: int(parsed.PASSWORD_MEMORY_COST_KIB, 19_456),
      passwordTimeCost: int(parsed.PASSWORD_TIME_COST, 2),
      accessTokenTtlSeconds: int(parsed.ACCESS_TOKEN_TTL_SECONDS, 15 * 60),
      refreshTokenTtlDays: int(parsed.REFRESH_TOKEN_TTL_DAYS, 30),
      failuresPerAccount: int(parsed.AUTH_FAILURES_PER_ACCOUNT ?? parsed.AUTH_ATTEMPTS_PER_ACCOUNT, 5),
      failuresPerIp: int(parsed.AUTH_FAILURES_PER_IP, 30),
      attemptsPerIp: int(parsed.AUTH_ATTEMPTS_PER_IP, 300),
      windowSeconds: int(parsed.AUTH_WINDOW_SECONDS, 15 * 60),
    },
    http: http.config,
  };
}
