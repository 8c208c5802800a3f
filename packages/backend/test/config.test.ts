import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { ConfigError, loadConfig } from "../src/config";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the config to be refused");
}

/** Secrets made as the README says (`openssl rand -base64 48` / `32`), fresh per run so none is committed. */
const PRODUCTION_KEY = randomBytes(32);
const PRODUCTION_OK = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://app:pw@db:5432/pazarsync",
  REDIS_URL: "redis://redis:6379",
  JWT_SECRET: randomBytes(48).toString("base64"),
  CREDENTIALS_KEY: PRODUCTION_KEY.toString("base64"),
};

describe("config", () => {
  test("development starts with no variables at all, on embedded defaults", () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe("development");
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.pgliteDataDir).toBe("./.data/pglite");
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.credentialsKey.length).toBe(32);
    expect(config.logPretty).toBe(true);
  });

  test("production lists every missing variable at once", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    expect(problems).toEqual([
      "DATABASE_URL is required in production",
      "REDIS_URL is required in production",
      "JWT_SECRET is required in production",
      "CREDENTIALS_KEY is required in production",
    ]);
  });

  test("production refuses malformed values and never echoes a secret", () => {
    const secret = "short-secret-value";
    const key = "not-a-key-at-all";
    const problems = problemsOf({
      ...PRODUCTION_OK,
      DATABASE_URL: "mysql://nope",
      REDIS_URL: "http://redis",
      JWT_SECRET: secret,
      CREDENTIALS_KEY: key,
    });
    expect(problems).toContain("DATABASE_URL must be a postgres:// or postgresql:// URL");
    expect(problems).toContain("REDIS_URL must be a redis:// or rediss:// URL");
    expect(problems).toContain("JWT_SECRET must be at least 32 characters");
    expect(problems).toContain("CREDENTIALS_KEY must be 32 bytes, as base64 (44 characters) or hex (64 characters)");
    const text = problems.join("\n");
    expect(text).not.toContain(secret);
    expect(text).not.toContain(key);
    expect(text).not.toContain("mysql://nope");
  });

  test("a well-formed production environment is accepted and decoded", () => {
    const config = loadConfig({ ...PRODUCTION_OK, PORT: "8080", REDLOCK_URLS: "redis://a:6379, redis://b:6379, redis://c:6379" });
    expect(config.nodeEnv).toBe("production");
    expect(config.port).toBe(8080);
    expect(config.logPretty).toBe(false);
    expect(config.credentialsKey.equals(PRODUCTION_KEY)).toBe(true);
    expect(config.redlockUrls).toEqual(["redis://a:6379", "redis://b:6379", "redis://c:6379"]);
  });

  test("an even number of lock nodes is refused: no quorum could break a tie", () => {
    expect(problemsOf({ REDLOCK_URLS: "redis://a:6379,redis://b:6379" })).toEqual([
      "REDLOCK_URLS must list an odd number of Redis nodes (1, 3, 5)",
    ]);
    expect(loadConfig({ REDLOCK_URLS: "redis://a:1,redis://b:1,redis://c:1" }).redlockUrls).toHaveLength(3);
  });

  test("the lock nodes default to REDIS_URL", () => {
    expect(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379" }).redlockUrls).toEqual(["redis://127.0.0.1:6379"]);
    expect(loadConfig({}).redlockUrls).toEqual([]);
  });

  test("a hex credentials key is decoded to the same 32 bytes", () => {
    const hex = "ab".repeat(32);
    expect(loadConfig({ CREDENTIALS_KEY: hex }).credentialsKey.equals(Buffer.from(hex, "hex"))).toBe(true);
  });

  test("numbers must be whole numbers and enums known values, in every environment", () => {
    const problems = problemsOf({ PORT: "80a", LOG_LEVEL: "loud", NODE_ENV: "staging", SYNC_INTERVAL_MS: "-5" });
    expect(problems).toContain("PORT (HTTP port) must be a whole number");
    expect(problems).toContain("SYNC_INTERVAL_MS (stock sync flush interval) must be a whole number");
    expect(problems).toContain("LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent");
    expect(problems).toContain("NODE_ENV must be development, test or production");
  });

  test("ADMIN_EMAIL and ADMIN_PASSWORD come together, and the password is at least 10 characters", () => {
    expect(problemsOf({ ADMIN_EMAIL: "ops@example.com" })).toEqual(["ADMIN_EMAIL and ADMIN_PASSWORD must be set together"]);
    expect(problemsOf({ ADMIN_EMAIL: "ops@example.com", ADMIN_PASSWORD: "short" })).toEqual([
      "ADMIN_PASSWORD must be at least 10 characters",
    ]);
    expect(loadConfig({ ADMIN_EMAIL: "ops@example.com", ADMIN_PASSWORD: "long enough!" }).admin).toEqual({
      email: "ops@example.com",
      password: "long enough!",
    });
  });

  test("an order counts as due soon 4 hours before its dispatch deadline unless ORDER_DISPATCH_WARNING_MS says otherwise", () => {
    expect(loadConfig({}).orderDispatchWarningMs).toBe(4 * 60 * 60_000);
    expect(loadConfig({ ORDER_DISPATCH_WARNING_MS: "7200000" }).orderDispatchWarningMs).toBe(7_200_000);
    expect(problemsOf({ ORDER_DISPATCH_WARNING_MS: "4h" })).toHaveLength(1);
  });

  test("production refuses a password hashing cost under OWASP's minimum", () => {
    expect(problemsOf({ ...PRODUCTION_OK, PASSWORD_MEMORY_COST_KIB: "1024" })).toEqual([
      "PASSWORD_MEMORY_COST_KIB must be at least 19456 in production (OWASP's argon2id minimum)",
    ]);
    expect(loadConfig({}).auth.passwordMemoryCostKib).toBe(19_456);
    expect(loadConfig({ PASSWORD_MEMORY_COST_KIB: "1024" }).auth.passwordMemoryCostKib).toBe(1024);
  });

  test("auth defaults: 15-minute access tokens, 30-day refresh tokens, 5 failed logins per 15 minutes", () => {
    const { auth, trustProxy } = loadConfig({});
    expect(auth).toMatchObject({
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 30,
      failuresPerAccount: 5,
      failuresPerIp: 30,
      attemptsPerIp: 300,
      windowSeconds: 900,
    });
    expect(trustProxy).toBe(false);
  });

  test("the former AUTH_ATTEMPTS_PER_ACCOUNT still sets the per-account failure budget, the new name wins", () => {
    expect(loadConfig({ AUTH_ATTEMPTS_PER_ACCOUNT: "7" }).auth.failuresPerAccount).toBe(7);
    expect(loadConfig({ AUTH_ATTEMPTS_PER_ACCOUNT: "7", AUTH_FAILURES_PER_ACCOUNT: "3" }).auth.failuresPerAccount).toBe(3);
  });

  test("production refuses STOCK_LOCKS=off; elsewhere the stock locks are on unless switched off", () => {
    expect(problemsOf({ ...PRODUCTION_OK, STOCK_LOCKS: "off" })).toEqual([
      "STOCK_LOCKS=off is refused in production: it is a benchmark switch, and production always takes the stock locks",
    ]);
    expect(loadConfig({ ...PRODUCTION_OK, STOCK_LOCKS: "on" }).stockLocks).toBe(true);
    expect(loadConfig({}).stockLocks).toBe(true);
    expect(loadConfig({ STOCK_LOCKS: "off" }).stockLocks).toBe(false);
    expect(problemsOf({ STOCK_LOCKS: "false" })).toEqual(["STOCK_LOCKS must be on or off"]);
  });

  test("production refuses BENCH_SPANS_FILE; elsewhere it names where a benchmark's request timings go", () => {
    expect(problemsOf({ ...PRODUCTION_OK, BENCH_SPANS_FILE: "/tmp/spans.json" })).toEqual(["BENCH_SPANS_FILE is refused in production: it is a benchmark switch"]);
    expect(loadConfig({ BENCH_SPANS_FILE: "/tmp/spans.json" }).benchSpansFile).toBe("/tmp/spans.json");
    expect(loadConfig({}).benchSpansFile).toBeUndefined();
  });

  test("PUBLIC_BASE_URL: unset registers no webhook; https only in production; a repair interval under a second is refused", () => {
    expect(loadConfig({}).webhooks).toEqual({ publicBaseUrl: undefined, repairIntervalMs: 15 * 60_000 });
    expect(loadConfig({ PUBLIC_BASE_URL: "http://10.0.0.5:3000" }).webhooks.publicBaseUrl).toBe("http://10.0.0.5:3000");
    expect(problemsOf({ ...PRODUCTION_OK, PUBLIC_BASE_URL: "http://sync.example.com" })).toEqual(["PUBLIC_BASE_URL must be https in production"]);
    expect(loadConfig({ ...PRODUCTION_OK, PUBLIC_BASE_URL: "https://sync.example.com/pazarsync" }).webhooks.publicBaseUrl).toBe("https://sync.example.com/pazarsync");
    expect(problemsOf({ PUBLIC_BASE_URL: "https://sync.example.com/?a=1" })[0]).toStartWith("PUBLIC_BASE_URL must be an http(s) URL");
    expect(problemsOf({ WEBHOOK_REPAIR_INTERVAL_MS: "10" })).toEqual(["WEBHOOK_REPAIR_INTERVAL_MS must be at least 1000"]);
  });

  test("LISTING_DRIFT_INTERVAL_MS: daily by default, 0 turns the schedule off, below a minute is refused", () => {
    expect(loadConfig({}).listingDriftIntervalMs).toBe(86_400_000);
    expect(loadConfig({ LISTING_DRIFT_INTERVAL_MS: "0" }).listingDriftIntervalMs).toBe(0);
    expect(loadConfig({ LISTING_DRIFT_INTERVAL_MS: "3600000" }).listingDriftIntervalMs).toBe(3_600_000);
    expect(problemsOf({ LISTING_DRIFT_INTERVAL_MS: "59999" })).toEqual(["LISTING_DRIFT_INTERVAL_MS must be 0 (off) or at least 60000"]);
    expect(problemsOf({ LISTING_DRIFT_INTERVAL_MS: "daily" })[0]).toStartWith("LISTING_DRIFT_INTERVAL_MS");
  });

  test("LISTING_DRIFT_CONFIRM_MS: twice the slowest order pull, at least 5 minutes, by default; under a second (or 0) refused", () => {
    expect(loadConfig({}).listingDriftConfirmMs).toBe(300_000);
    expect(loadConfig({ ORDER_PULL_INTERVAL_MS_PTTAVM: "600000" }).listingDriftConfirmMs).toBe(1_200_000);
    expect(loadConfig({ ORDER_PULL_INTERVAL_MS: "240000", ORDER_PULL_INTERVAL_MS_N11: "15000" }).listingDriftConfirmMs).toBe(480_000);
    expect(loadConfig({ LISTING_DRIFT_CONFIRM_MS: "1000" }).listingDriftConfirmMs).toBe(1000);
    const refused = ["LISTING_DRIFT_CONFIRM_MS must be at least 1000 (a lower shown quantity is never restored unconfirmed)"];
    expect(problemsOf({ LISTING_DRIFT_CONFIRM_MS: "0" })).toEqual(refused);
    expect(problemsOf({ LISTING_DRIFT_CONFIRM_MS: "999" })).toEqual(refused);
    expect(problemsOf({ LISTING_DRIFT_CONFIRM_MS: "5m" })[0]).toStartWith("LISTING_DRIFT_CONFIRM_MS");
  });

  test("empty strings count as unset", () => {
    const problems = problemsOf({ NODE_ENV: "production", ...{ DATABASE_URL: "" } });
    expect(problems).toContain("DATABASE_URL is required in production");
  });
});

describe("config: guessable production secrets", () => {
  const WEAK_JWT = "JWT_SECRET is too predictable for production: it needs at least 64 bits of estimated entropy and no repeating pattern (generate one with `openssl rand -base64 48`)";
  const WEAK_KEY = "CREDENTIALS_KEY is too predictable for production: it needs at least 16 distinct byte values among its 32 (generate one with `openssl rand -base64 32`)";

  test("production refuses a JWT_SECRET of 36 identical characters and an all-zero CREDENTIALS_KEY, naming them but not their values", () => {
    const jwt = "s".repeat(36);
    const key = Buffer.alloc(32).toString("base64");
    const problems = problemsOf({ ...PRODUCTION_OK, JWT_SECRET: jwt, CREDENTIALS_KEY: key });
    expect(problems).toEqual([WEAK_JWT, WEAK_KEY]);
    expect(problems.join("\n")).not.toContain(jwt);
    expect(problems.join("\n")).not.toContain(key);
  });

  test("production refuses a JWT_SECRET that is a short word repeated, and a key of a few repeated byte values in hex", () => {
    expect(problemsOf({ ...PRODUCTION_OK, JWT_SECRET: "changeme-".repeat(4) })).toEqual([WEAK_JWT]);
    expect(problemsOf({ ...PRODUCTION_OK, JWT_SECRET: "ab".repeat(20) })).toEqual([WEAK_JWT]);
    expect(problemsOf({ ...PRODUCTION_OK, CREDENTIALS_KEY: "0123456789abcdef".repeat(4) })).toEqual([WEAK_KEY]);
  });

  test("generated secrets always pass: base64 and hex from a random source, at the shortest lengths allowed", () => {
    for (let i = 0; i < 500; i++) {
      const env = {
        ...PRODUCTION_OK,
        JWT_SECRET: [randomBytes(48).toString("base64"), randomBytes(16).toString("hex"), randomBytes(24).toString("base64"), randomBytes(32).toString("base64url")][i % 4] as string,
        CREDENTIALS_KEY: i % 2 ? randomBytes(32).toString("base64") : randomBytes(32).toString("hex"),
      };
      expect(() => loadConfig(env)).not.toThrow();
    }
  });

  test("outside production the same weak values are left alone (tests and the demo use throwaway secrets)", () => {
    expect(loadConfig({ NODE_ENV: "test", JWT_SECRET: "s".repeat(36), CREDENTIALS_KEY: Buffer.alloc(32).toString("base64") }).nodeEnv).toBe("test");
  });
});

describe("config: order-pull intervals per marketplace", () => {
  test("unset, each marketplace pulls at its documented default", () => {
    expect(loadConfig({}).orderPull).toEqual({
      intervalMs: 60_000,
      intervalsMs: { TRENDYOL: 30_000, HEPSIBURADA: 15_000, N11: 15_000, PAZARAMA: 60_000, PTTAVM: 60_000 },
      overlapMs: 300_000,
      claimIntervalMs: 300_000,
      quota: true,
    });
  });

  test("ORDER_CLAIM_PULL_INTERVAL_MS sets how often returns (claims) are read, never below 5 s", () => {
    expect(loadConfig({ ORDER_CLAIM_PULL_INTERVAL_MS: "60000" }).orderPull.claimIntervalMs).toBe(60_000);
    expect(problemsOf({ ORDER_CLAIM_PULL_INTERVAL_MS: "1000" })).toEqual([
      "ORDER_CLAIM_PULL_INTERVAL_MS must be at least 5000 (ms): no marketplace's orders are pulled more often than every 5 s",
    ]);
  });

  test("ORDER_PULL_QUOTA=off (tests pulling one store many times a second) is refused in production", () => {
    expect(loadConfig({ ORDER_PULL_QUOTA: "off" }).orderPull.quota).toBe(false);
    expect(problemsOf({ ...PRODUCTION_OK, ORDER_PULL_QUOTA: "off" })).toEqual([
      "ORDER_PULL_QUOTA=off is refused in production: it is a test switch, and production pulls always pay the marketplace's order quota",
    ]);
    expect(problemsOf({ ORDER_PULL_QUOTA: "false" })).toEqual(["ORDER_PULL_QUOTA must be on or off"]);
  });

  test("ORDER_COMMAND_FAILPOINT (crash tests stopping the order command worker) is refused in production; the worker's settings are read", () => {
    expect(loadConfig({ ORDER_COMMAND_FAILPOINT: "after-accept" }).orderCommands.failpoint).toBe("after-accept");
    expect(loadConfig({}).orderCommands).toEqual({ pollMs: 5000, leaseMs: 120_000, attemptBudget: 8, retryBaseMs: 5000, maxBackoffMs: 600_000 });
    expect(loadConfig({ ORDER_COMMAND_POLL_MS: "250", ORDER_COMMAND_LEASE_MS: "60000", ORDER_COMMAND_ATTEMPT_BUDGET: "3" }).orderCommands).toMatchObject({ pollMs: 250, leaseMs: 60_000, attemptBudget: 3 });
    expect(problemsOf({ ...PRODUCTION_OK, ORDER_COMMAND_FAILPOINT: "after-commit" })).toEqual([
      "ORDER_COMMAND_FAILPOINT is refused in production: it is a crash-test switch that stops the order command worker on purpose",
    ]);
    expect(problemsOf({ ORDER_COMMAND_FAILPOINT: "before-send" })).toEqual(["ORDER_COMMAND_FAILPOINT must be after-commit or after-accept"]);
    expect(problemsOf({ ORDER_COMMAND_POLL_MS: "10", ORDER_COMMAND_LEASE_MS: "5", ORDER_COMMAND_ATTEMPT_BUDGET: "0" })).toEqual([
      "ORDER_COMMAND_POLL_MS must be at least 100",
      "ORDER_COMMAND_LEASE_MS must be at least 1000",
      "ORDER_COMMAND_ATTEMPT_BUDGET must be at least 1",
    ]);
  });

  test("the job worker's poll and lease are read and kept above their floors", () => {
    expect(loadConfig({}).jobs).toEqual({ pollMs: 5000, leaseMs: 60_000, concurrency: 2 });
    expect(loadConfig({ JOB_POLL_MS: "250", JOB_LEASE_MS: "5000" }).jobs).toMatchObject({ pollMs: 250, leaseMs: 5000 });
    expect(problemsOf({ JOB_POLL_MS: "99", JOB_LEASE_MS: "999" })).toEqual(["JOB_POLL_MS must be at least 100", "JOB_LEASE_MS must be at least 1000"]);
    expect(problemsOf({ JOB_LEASE_MS: "soon" })).toHaveLength(1);
  });

  test("ORDER_PULL_INTERVAL_MS still sets every marketplace at once; a marketplace's own variable wins over it", () => {
    expect(loadConfig({ ORDER_PULL_INTERVAL_MS: "3600000" }).orderPull.intervalsMs).toEqual({
      TRENDYOL: 3_600_000,
      HEPSIBURADA: 3_600_000,
      N11: 3_600_000,
      PAZARAMA: 3_600_000,
      PTTAVM: 3_600_000,
    });
    const config = loadConfig({ ORDER_PULL_INTERVAL_MS: "120000", ORDER_PULL_INTERVAL_MS_TRENDYOL: "45000", ORDER_PULL_INTERVAL_MS_PTTAVM: "5000" });
    expect(config.orderPull.intervalsMs).toEqual({ TRENDYOL: 45_000, HEPSIBURADA: 120_000, N11: 120_000, PAZARAMA: 120_000, PTTAVM: 5_000 });
    expect(config.orderPull.intervalMs).toBe(120_000);
  });

  test("an interval below 5 s is refused, naming the variable and the floor", () => {
    expect(problemsOf({ ORDER_PULL_INTERVAL_MS_HEPSIBURADA: "4999" })).toEqual([
      "ORDER_PULL_INTERVAL_MS_HEPSIBURADA must be at least 5000 (ms): no marketplace's orders are pulled more often than every 5 s",
    ]);
    expect(problemsOf({ ORDER_PULL_INTERVAL_MS: "1000", ORDER_PULL_INTERVAL_MS_N11: "0" })).toEqual([
      "ORDER_PULL_INTERVAL_MS must be at least 5000 (ms): no marketplace's orders are pulled more often than every 5 s",
      "ORDER_PULL_INTERVAL_MS_N11 must be at least 5000 (ms): no marketplace's orders are pulled more often than every 5 s",
    ]);
    expect(problemsOf({ ORDER_PULL_INTERVAL_MS_PAZARAMA: "10s" })).toEqual([
      "ORDER_PULL_INTERVAL_MS_PAZARAMA (base interval of Pazarama stores' order pull (at least 5000)) must be a whole number",
    ]);
  });
});
