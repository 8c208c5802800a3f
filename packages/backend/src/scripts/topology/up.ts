/**
 * `bun run topology:up`: two app processes (production mode) and nginx in front of them, on
 * this machine's Postgres and Redis, left running; `bun run topology:down` stops them.
 */
import { readState, removeState, runFolder, appEnvironment, topologyPorts, writeState } from "./run-folder";
import { isOurs } from "./pids";
import { startTopology } from "./topology";

const runDir = runFolder();
const previous = readState(runDir);
if (previous) {
  const live = [previous.nginx, ...previous.replicas].filter(isOurs);
  if (live.length > 0) {
    process.stderr.write(
      `a topology is already running at ${previous.url} (pids ${live.map((p) => p.pid).join(", ")}): run \`bun run topology:down\` first\n`,
    );
    process.exit(1);
  }
  // Left by a machine restart or a kill: nothing of it runs any more.
  removeState(runDir);
}

try {
  const { port, appPorts } = topologyPorts();
  const topology = await startTopology({ runDir, port, appPorts, env: appEnvironment(runDir), detached: true });
  const statePath = writeState(topology.state);
  const lines = [
    `topology up: ${topology.url}`,
    ...topology.replicas.map((r, i) => `  replica ${i + 1}: ${r.url} (pid ${r.pid}, log ${runDir}/app-${i + 1}.log)`),
    `  nginx: pid ${topology.nginxPid}, access log ${runDir}/nginx-access.log`,
    `  state: ${statePath}`,
    "stop it with: bun run topology:down",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`topology:up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
