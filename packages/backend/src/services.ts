import type { Config } from "./config";
import { createIdentityService } from "./domains/identity/service";
import type { Infrastructure } from "./infra/bootstrap";
import type { Logger } from "./infra/logger";

/** Every domain's service, built once from the infrastructure; controllers and workers share them. */
export function createServices(deps: { config: Config; log: Logger; infra: Infrastructure }) {
  const identity = createIdentityService({ db: deps.infra.database.db, kv: deps.infra.kv, config: deps.config, log: deps.log });
  return { identity };
}

export type Services = ReturnType<typeof createServices>;
