/**
 * The marketplace sandbox as its own process: `bun run sandbox`. Settings in env.ts; a stand-in
 * for the five marketplaces like a cloud emulator, never a production target.
 */
import { createLogger } from "@pazarsync/backend/src/infra/logger";
import { sandboxOptionsFromEnv } from "./env";
import { startSandbox } from "./server";

const log = createLogger({ level: process.env.LOG_LEVEL || "info", pretty: process.env.LOG_PRETTY === "true" });

try {
  const sandbox = await startSandbox(sandboxOptionsFromEnv(process.env), log);
  const shutdown = (signal: string) => {
    log.info({ signal }, "marketplace sandbox stopping");
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  log.fatal({ err: error }, "marketplace sandbox could not start");
  process.exit(1);
}
