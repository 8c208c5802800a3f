import { createApp } from "./app";
import { ConfigError, loadConfig, type Config } from "./config";
import { startBenchSpans } from "./infra/bench-spans";
import { createInfrastructure } from "./infra/bootstrap";
import { developmentCredentialsKey } from "./infra/dev-keys";
import { Lifecycle } from "./infra/lifecycle";
import { createLogger, flushLogger } from "./infra/logger";
import { createMetrics } from "./infra/metrics";
import { createErrorReporter } from "./infra/sentry";
import { createServices } from "./services";
import { startSyncWorker } from "./domains/stock-sync/jobs";
import { startWorker } from "./domains/stock-sync/worker";
import { startDemo } from "./dev/demo";
import { ORDER_PULL_TICK_MS } from "./domains/order/pull-scheduler";
import { APP_VERSION } from "./version";

const BODY_LIMIT_BACKSTOP_FACTOR = 16;

function readConfig(): Config {
  const env = { ...process.env };
  if (!env.CREDENTIALS_KEY && (env.NODE_ENV ?? "development") === "development") {
    env.CREDENTIALS_KEY = developmentCredentialsKey();
  }
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Only variable names and rules are printed, never values.
    createLogger({ level: "fatal", pretty: false }).fatal({ problems: error.problems }, "invalid configuration");
    process.exit(1);
  }
}

const config = readConfig();
const log = createLogger({ level: config.logLevel, pretty: config.logPretty, async: true });
const reporter = createErrorReporter(config.sentryDsn, config.nodeEnv, APP_VERSION);
const lifecycle = new Lifecycle(log);

const infra = await createInfrastructure(config, log);
lifecycle.addResource("infrastructure", () => infra.close());
lifecycle.addResource("error reporter", () => reporter.flush(2000));
if (config.migrateOnStart) {
  const started = performance.now();
  await infra.database.migrate();
  log.info({ driver: infra.database.kind, ms: Math.round(performance.now() - started) }, "migrations applied");
}

const metrics = createMetrics();
const services = createServices({ config, log, infra, registry: metrics.registry });
// Older accounts get normalised emails and skeletons; look-alike accounts are logged, never merged.
await services.identity.reconcileEmails().catch((error: unknown) => log.error({ err: error }, "account emails could not be reconciled"));
if (config.admin) await services.identity.ensureAdmin(config.admin);

if (config.benchSpansFile) startBenchSpans(config.benchSpansFile, log);

const app = createApp({
  config,
  log,
  infra,
  services,
  metrics,
  reporter,
  isDraining: () => lifecycle.isDraining,
}).listen({
  hostname: config.host,
  port: config.port,
  // The backstop under http/body-limit.ts: Bun refuses bodies past it with a bare 413 before the app
  // sees them. Set well above the app's limit so every ordinary refusal still gets our envelope.
  maxRequestBodySize: config.http.bodyLimitBytes * BODY_LIMIT_BACKSTOP_FACTOR,
});

log.info(
  {
    url: `http://${config.host}:${app.server?.port ?? config.port}`,
    port: app.server?.port ?? config.port,
    version: APP_VERSION,
    database: infra.database.kind,
    redis: infra.kv.kind,
    locks: infra.locks.kind,
  },
  "pazarsync listening",
);

if (config.sync.worker) {
  const worker = startSyncWorker(services.sync, config.sync, log);
  lifecycle.addWorker("stock sync", () => worker.stop());
  const orderPull = startWorker(
    // Each store is pulled when its own schedule says (pull-scheduler.ts); the tick only looks.
    [{ name: "order-pull", everyMs: ORDER_PULL_TICK_MS, runAtStart: true, run: () => services.orderIntake.pullDue() }],
    log,
  );
  // Webhook deliveries are taken in before they are answered: the server's own drain covers them.
  lifecycle.addWorker("order pull", () => orderPull.stop());
  // Sends what staff steps recorded; a command in flight at shutdown is observed by the next worker before it is sent again.
  services.commandWorker.start();
  lifecycle.addWorker("order commands", () => services.commandWorker.stop());
  // Returns (claims) change slowly: every store on one interval, each under its own lock (claim-pull.ts).
  const claimPull = startWorker(
    [{ name: "claim-pull", everyMs: config.orderPull.claimIntervalMs, runAtStart: true, run: () => services.returnClaims.pullAll() }],
    log,
  );
  lifecycle.addWorker("claim pull", () => claimPull.stop());
  // Listing imports and drift checks: a job running at shutdown is handed back and resumed from its cursor.
  services.jobWorker.start();
  lifecycle.addWorker("jobs", () => services.jobWorker.stop());
  // Drift checks are due once a LISTING_DRIFT_INTERVAL_MS per store; looking every minute is enough.
  // It runs even with the schedule off: an on-demand check's lower shown quantity needs its follow-up to be confirmed.
  const drift = startWorker([{ name: "drift-schedule", everyMs: 60_000, runAtStart: true, run: () => services.scheduleDrift() }], log);
  lifecycle.addWorker("drift schedule", () => drift.stop());
}

if (config.sync.worker) {
  // At start and then periodically: Trendyol sets a hook PASSIVE after failed deliveries; this turns it back on.
  const webhooks = startWorker(
    [{ name: "trendyol-webhooks", everyMs: config.webhooks.repairIntervalMs, runAtStart: true, run: () => services.trendyolWebhookRegistration.registerAll() }],
    log,
  );
  lifecycle.addWorker("trendyol webhooks", () => webhooks.stop());
}

if (config.demo) {
  const demo = await startDemo(services, config.demo, log);
  lifecycle.addWorker("dev demo", () => demo.stop());
}

// A stray rejection (a client closing under a pending command) is logged and reported; it must
// not take the process, and every request in flight, down with it.
process.on("unhandledRejection", (reason: unknown) => {
  log.error({ err: reason }, "unhandled rejection");
  reporter.capture(reason, { source: "unhandledRejection" });
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    log.info({ signal }, "shutting down");
    lifecycle.shutdown(app, config.shutdownTimeoutMs).then(
      () => flushLogger(log).then(() => process.exit(0)),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        void flushLogger(log).then(() => process.exit(1));
      },
    );
  });
}
