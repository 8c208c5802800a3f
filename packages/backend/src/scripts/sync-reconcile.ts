/**
 * `bun run sync:reconcile`: marks every listing whose sellable quantity differs from what its
 * marketplace last confirmed (progress lines on long runs, one summary line at the end).
 * With Redis (REDIS_URL) the marks land in the shared dirty buffer and the running servers push
 * them on their next tick. Embedded (no REDIS_URL) the buffer lives in this process only, so the
 * script pushes them itself before it exits (stop the server first: one PGlite folder belongs to
 * one process). Exit 0 when done, 1 when it failed.
 */
import { loadConfig } from "../config";
import { createInfrastructure } from "../infra/bootstrap";
import { createLogger } from "../infra/logger";
import { createServices } from "../services";

const config = loadConfig();
const log = createLogger({ level: config.logLevel === "silent" ? "warn" : config.logLevel, pretty: config.logPretty });
const infra = await createInfrastructure(config, log);
let exitCode = 1;
try {
  await infra.database.migrate();
  const { sync } = createServices({ config, log, infra });
  const report = await sync.reconcile("sync:reconcile script");
  if (!report) {
    process.stdout.write("sync:reconcile: another reconciliation is running; nothing done\n");
  } else {
    let pushed = "";
    if (infra.kv.kind === "memory" && report.marked > 0) {
      let sent = 0;
      for (let round = 0; round < 100; round++) {
        const results = await sync.flushAll();
        sent += results.reduce((n, r) => n + r.sent, 0);
        if ((await sync.buffer.storesWithMarks()).length === 0 || results.every((r) => r.outcome !== "sent")) break;
      }
      await sync.apiLogs.flush();
      pushed = `, ${sent} pushed by this process (embedded: no shared buffer)`;
    }
    process.stdout.write(`sync:reconcile: ${report.stores} store(s), ${report.listings} listing(s) checked, ${report.marked} marked${pushed} in ${report.ms} ms\n`);
  }
  exitCode = 0;
} catch (error) {
  log.error({ err: error }, "sync:reconcile failed");
} finally {
  await infra.close();
}
process.exit(exitCode);
