/**
 * `bun run stock:check [-- --repair]`: checks the stock invariants (on hand = sum of shelves,
 * reserved = open allocations, quarantined = the ledger's quarantine changes, nothing negative)
 * and prints one summary line, with the units in quarantine counted apart. With --repair it
 * writes correcting ledger rows under the stock lock. Exit 0 when clean (or repaired), 1 when
 * violations remain, 2 on a bad argument. In embedded mode stop the server first: one PGlite
 * folder belongs to one process. Repairs are announced through the ledger, which the stock-sync
 * sweep reads, so running servers pick them up without this process telling them.
 */
import { loadConfig } from "../config";
import { createInfrastructure } from "../infra/bootstrap";
import { createLogger } from "../infra/logger";
import { createServices } from "../services";

const KNOWN_FLAGS = new Set(["--repair"]);
const unknown = process.argv.slice(2).filter((arg) => !KNOWN_FLAGS.has(arg));
const config = loadConfig();
const log = createLogger({ level: config.logLevel === "silent" ? "warn" : config.logLevel, pretty: config.logPretty });
if (unknown.length > 0) {
  log.error({ unknown }, "usage: stock:check [--repair]");
  process.exit(2);
}
const repair = process.argv.includes("--repair");

const infra = await createInfrastructure(config, log);
let exitCode = 1;
try {
  await infra.database.migrate();
  const { inventory } = createServices({ config, log, infra });
  const report = await inventory.checkInvariants();
  for (const violation of report.violations) log.warn(violation, "stock invariant violated");
  let summary = `stock:check: ${report.violations.length} violation(s) found`;
  let remaining = report.violations.length;
  if (repair && remaining > 0) {
    const repaired = await inventory.repairInvariants(null);
    for (const violation of repaired.remaining) log.error(violation, "stock invariant not repaired");
    remaining = repaired.remaining.length;
    summary += `, ${repaired.repaired.length} repaired with ${repaired.movementIds.length} ledger row(s) (${repaired.correlationId})`;
  }
  summary += remaining === 0 ? ", clean" : `, ${remaining} remain`;
  // Quarantined units are on no shelf and not in on hand: shown apart, so a count of the shelves still matches.
  summary += `; quarantine (apart from on hand): ${report.quarantine.units} unit(s) over ${report.quarantine.levels} level(s)`;
  process.stdout.write(`${summary}\n`);
  exitCode = remaining === 0 ? 0 : 1;
} finally {
  await infra.close();
}
process.exit(exitCode);
