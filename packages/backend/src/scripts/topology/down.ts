/**
 * `bun run topology:down`: stops exactly the processes topology:up recorded in its state file,
 * each only if /proc still shows it to be that process; nothing to do when nothing runs.
 */
import { readState, removeState, runFolder } from "./run-folder";
import { stopRecorded } from "./topology";

const runDir = runFolder();
const state = readState(runDir);
if (!state) {
  process.stdout.write(`no topology recorded in ${runDir}: nothing to stop\n`);
  process.exit(0);
}

const outcomes = await stopRecorded(state);
const names = ["nginx", ...state.replicas.map((_, i) => `replica ${i + 1}`)];
const pids = [state.nginx.pid, ...state.replicas.map((r) => r.pid)];
removeState(runDir);
process.stdout.write(`${names.map((name, i) => `${name} (pid ${pids[i]}): ${outcomes[i]}`).join("\n")}\ntopology down\n`);
