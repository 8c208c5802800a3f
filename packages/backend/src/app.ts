import { Elysia } from "elysia";
import type { Config } from "./config";
import { catalogController } from "./domains/catalog";
import { identityController } from "./domains/identity";
import { inventoryController } from "./domains/inventory";
import { listingBulkController } from "./domains/listing-catalog/bulk-controller";
import { orderController } from "./domains/order";
import { orderCommandController } from "./domains/order/command-controller";
import { returnsController } from "./domains/returns";
import { jobsController } from "./domains/jobs";
import { listingImportController } from "./domains/listing-catalog/import-controller";
import { orderWebhookController } from "./domains/order/webhook-controller";
import { hepsiburadaPushController } from "./domains/order/hepsiburada-push-controller";
import { fulfilmentController } from "./domains/order/picklist-controller";
import { stockSyncController } from "./domains/stock-sync";
import { bodyLimitPlugin } from "./http/body-limit";
import { corsHeaders, corsPlugin, originMatcher } from "./http/cors";
import { apiDocs } from "./http/docs";
import { errorHandler } from "./http/errors";
import { jsonDepthPlugin } from "./http/json-depth";
import { rateLimitPlugin } from "./http/rate-limits";
import { requestContext } from "./http/request-context";
import { requestTimeoutPlugin } from "./http/request-timeout";
import { pathOf, securityHeaders, securityHeadersPlugin } from "./http/security-headers";
import type { Infrastructure } from "./infra/bootstrap";
import { registerDependencyMetrics } from "./infra/dependency-metrics";
import type { Logger } from "./infra/logger";
import type { Metrics } from "./infra/metrics";
import type { ErrorReporter } from "./infra/sentry";
import { opsController } from "./ops";
import { createServices, type Services } from "./services";
import { APP_VERSION } from "./version";

export interface AppDeps {
  config: Config;
  log: Logger;
  infra: Infrastructure;
  metrics: Metrics;
  reporter: ErrorReporter;
  /** Built from infra when omitted; pass them to share one set with workers or tests. */
  services?: Services;
  isDraining?: () => boolean;
}

/** Composes plugins and controllers; main.ts and the tests both build the app here. */
export function createApp(deps: AppDeps) {
  const services = deps.services ?? createServices(deps);
  registerDependencyMetrics(deps.metrics.registry, deps.infra.stats, { timeoutMs: deps.config.healthTimeoutMs });
  const http = deps.config.http;
  const allowedOrigin = originMatcher(http.corsOrigins);
  // normalize: false — unknown fields are refused with 422 rather than silently dropped.
  // The timeout wraps the whole handler; inside it the edge hooks run in this order on every
  // request: id, security headers, CORS (answers preflights), body limit, rate limit, docs guard.
  return new Elysia({ normalize: false })
    .use(
      requestTimeoutPlugin({
        timeoutMs: http.requestTimeoutMs,
        log: deps.log,
        headersFor: (request) => ({
          ...securityHeaders(pathOf(request.url), http.hsts),
          ...corsHeaders(request.headers.get("origin"), allowedOrigin),
        }),
      }),
    )
    .use(requestContext({ log: deps.log, metrics: deps.metrics }))
    .use(errorHandler({ log: deps.log, reporter: deps.reporter, exposeStack: deps.config.nodeEnv === "development" }))
    .use(securityHeadersPlugin({ hsts: http.hsts }))
    .use(corsPlugin({ origins: http.corsOrigins }))
    .use(bodyLimitPlugin({ limitBytes: http.bodyLimitBytes }))
    .use(jsonDepthPlugin())
    .use(
      http.rateLimits
        ? rateLimitPlugin({
            budgets: http.rateLimits,
            redis: deps.infra.redis,
            keyPrefix: deps.config.redisKeyPrefix,
            log: deps.log,
            trustProxy: deps.config.trustProxy,
            tokenSubject: (authorization) => services.identity.tokenSubject(authorization),
          })
        : new Elysia({ name: "rate-limits" }),
    )
    .use(apiDocs(APP_VERSION, { mode: http.swagger, authenticate: (authorization) => services.identity.authenticate(authorization) }))
    .use(
      opsController({
        probes: deps.infra.probes,
        healthTimeoutMs: deps.config.healthTimeoutMs,
        metrics: deps.metrics,
        isDraining: deps.isDraining ?? (() => false),
      }),
    )
    .use(identityController({ identity: services.identity, trustProxy: deps.config.trustProxy }))
    .use(catalogController({ products: services.products, stores: services.stores, identity: services.identity }))
    .use(inventoryController({ inventory: services.inventory, identity: services.identity }))
    .use(
      listingBulkController({
        bulk: { db: deps.infra.database.db, findStore: (id) => services.stores.findStore(id), markDirty: (pairs) => services.sync.markDirty(pairs) },
        drift: { db: deps.infra.database.db, findStore: (id) => services.stores.findStore(id), queued: () => services.jobWorker.kick() },
        identity: services.identity,
      }),
    )
    .use(orderController({ orders: services.orders, identity: services.identity }))
    .use(orderCommandController({ orders: services.orders, identity: services.identity }))
    .use(fulfilmentController({ picklist: services.picklist, identity: services.identity }))
    .use(returnsController({ returns: services.returns, identity: services.identity }))
    .use(jobsController({ jobs: services.jobs, identity: services.identity }))
    .use(listingImportController({ imports: services.listingImports, identity: services.identity }))
    .use(orderWebhookController({ trendyolWebhooks: services.orderIntake.trendyolWebhooks }))
    .use(hepsiburadaPushController({ hepsiburadaPush: services.orderIntake.hepsiburadaPush }))
    .use(
      stockSyncController({
        sync: services.sync,
        identity: services.identity,
        storeExists: async (id) => (await services.stores.findStore(id)) !== undefined,
      }),
    );
}

export type App = ReturnType<typeof createApp>;
