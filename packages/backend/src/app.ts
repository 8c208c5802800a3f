import { Elysia } from "elysia";
import type { Config } from "./config";
import { apiDocs } from "./http/docs";
import { errorHandler } from "./http/errors";
import { requestContext } from "./http/request-context";
import type { Infrastructure } from "./infra/bootstrap";
import type { Logger } from "./infra/logger";
import type { Metrics } from "./infra/metrics";
import type { ErrorReporter } from "./infra/sentry";
import { opsController } from "./ops";
import { APP_VERSION } from "./version";

export interface AppDeps {
  config: Config;
  log: Logger;
  infra: Infrastructure;
  metrics: Metrics;
  reporter: ErrorReporter;
  isDraining?: () => boolean;
}

/** Composes plugins and controllers; main.ts and the tests both build the app here. */
export function createApp(deps: AppDeps) {
  return new Elysia()
    .use(requestContext({ log: deps.log, metrics: deps.metrics }))
    .use(errorHandler({ log: deps.log, reporter: deps.reporter, exposeStack: deps.config.nodeEnv === "development" }))
    .use(apiDocs(APP_VERSION))
    .use(
      opsController({
        probes: deps.infra.probes,
        healthTimeoutMs: deps.config.healthTimeoutMs,
        metrics: deps.metrics,
        isDraining: deps.isDraining ?? (() => false),
      }),
    );
}

export type App = ReturnType<typeof createApp>;
