import { createApp, type App } from "../../src/app";
import { loadConfig, type Config } from "../../src/config";
import { createInfrastructure, type Infrastructure } from "../../src/infra/bootstrap";
import { createLogger, type Logger } from "../../src/infra/logger";
import { createMetrics, type Metrics } from "../../src/infra/metrics";
import type { ErrorReporter } from "../../src/infra/sentry";
import type { CommandPorts } from "../../src/domains/order/command-ports";
import type { ListingAdapterFor } from "../../src/domains/listing-catalog/import";
import { createServices, type Services } from "../../src/services";
import { createScratchDatabase, type ScratchDatabase } from "./database";
import { databaseUrl, redisUrl, uniquePrefix } from "./env";
import { migratedPgliteTemplate } from "./pglite-template";

/** Anything that answers a Request: the app, or the app with test routes added. */
export interface RequestHandler {
  handle(request: Request): Promise<Response>;
}

export interface TestApp {
  app: RequestHandler;
  config: Config;
  infra: Infrastructure;
  services: Services;
  metrics: Metrics;
  reported: unknown[];
  /** Sends a request through the app without a socket. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  label: string;
  env?: Record<string, string>;
  /** Wire extra routes onto the app before it is used (error-path tests). */
  extend?: (app: App, services: Services) => RequestHandler;
  /** A second replica: same Postgres database, Redis prefix and secrets as this one (real servers only). */
  replicaOf?: TestApp;
  /** Sees every SQL statement the app's Drizzle instance sends. */
  onQuery?: (query: string) => void;
  /** The app's logger (a capturingLogger for redaction tests); silent when omitted. */
  log?: Logger;
  /** Rewrites the Postgres / Redis URLs the app connects to (through a test's TCP proxy). */
  routeDatabase?: (url: string) => string;
  routeRedis?: (url: string) => string;
  /** Each store's order command port (a test port that records calls); the stores' adapters' otherwise. */
  commandPorts?: CommandPorts;
  /** Each store's adapter for listing reads (an in-process test adapter); the stores' adapters otherwise. */
  listingAdapters?: ListingAdapterFor;
  /** The clock of the app's jobs and drift checks (stepped past a confirm time); the wall clock otherwise. */
  jobsNow?: () => number;
}

/**
 * Budgets no test reaches, so every request still passes through the limiter (Redis or
 * in-process) without being refused; tests about limits set their own.
 */
export const GENEROUS_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_ANONYMOUS: "1000000",
  RATE_LIMIT_USER: "1000000",
  RATE_LIMIT_ADMIN: "1000000",
  RATE_LIMIT_AUTH: "1000000",
  RATE_LIMIT_WEBHOOK: "1000000",
};

const routed = (url: string | undefined, route?: (url: string) => string) => (url && route ? route(url) : url);

/** An app on its own database (scratch Postgres database, or in-memory PGlite) and Redis prefix. */
export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const primary = options.replicaOf?.config;
  if (primary && !(primary.databaseUrl && primary.redisUrl)) throw new Error("replicas need real Postgres and Redis");
  const scratch: ScratchDatabase | undefined =
    databaseUrl && !primary ? await createScratchDatabase(options.label, { migrated: true }) : undefined;
  const config = loadConfig({
    NODE_ENV: "test",
    PGLITE_DATA_DIR: "memory://",
    DATABASE_URL: routed(primary?.databaseUrl ?? scratch?.url, options.routeDatabase),
    REDIS_URL: routed(redisUrl, options.routeRedis),
    REDIS_KEY_PREFIX: primary?.redisKeyPrefix ?? uniquePrefix(options.label),
    JWT_SECRET: primary?.jwtSecret,
    CREDENTIALS_KEY: primary?.credentialsKey.toString("base64"),
    // Cheap hashing keeps tests fast; the production cost is checked by config tests.
    PASSWORD_MEMORY_COST_KIB: "1024",
    PASSWORD_TIME_COST: "1",
    TRUST_PROXY: "true",
    ...GENEROUS_RATE_LIMITS,
    ...options.env,
  });
  const log = options.log ?? createLogger({ level: "silent", pretty: false });
  const inMemory = !config.databaseUrl && config.pgliteDataDir.startsWith("memory://");
  const pgliteTemplate = inMemory ? await migratedPgliteTemplate() : undefined;
  const infra = await createInfrastructure(config, log, { pgliteTemplate, onQuery: options.onQuery });
  await infra.database.migrate();
  const metrics = createMetrics();
  const reported: unknown[] = [];
  const reporter: ErrorReporter = { capture: (error) => void reported.push(error), flush: async () => undefined };
  const services = createServices({ config, log, infra, registry: metrics.registry, commandPorts: options.commandPorts, listingAdapters: options.listingAdapters, jobsNow: options.jobsNow });
  const base = createApp({ config, log, infra, metrics, reporter, services });
  const app: RequestHandler = options.extend ? options.extend(base, services) : base;
  return {
    app,
    config,
    infra,
    services,
    metrics,
    reported,
    request: (path, init) => app.handle(new Request(`http://localhost${path}`, init)),
    async close() {
      await infra.close();
      await scratch?.drop();
    },
  };
}
