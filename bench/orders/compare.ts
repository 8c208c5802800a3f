/**
 * The closed-loop orders bench on two checkouts, alternately (before, after, before, after, ...),
 * with the same settings, then the median of each figure for both and the after/before ratio.
 * Alternating spreads the shared machine's noise over both sides instead of giving one side a
 * quiet minute.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/orders/compare.ts /path/to/before /path/to/after
 *
 * Each directory is a checkout with its dependencies installed (`npx -y bun@1.4.5 install
 * --frozen-lockfile`); its own bench/orders/run.ts runs there. COMPARE_RUNS (3) per side;
 * BENCH_SECONDS (5) and BENCH_WARMUP_SECONDS (3) unless set, and every other BENCH_* variable,
 * go to both sides alike. A run that fails is reported and left out of the medians.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const [beforeDir, afterDir] = process.argv.slice(2).map((dir) => resolve(dir));
if (!beforeDir || !afterDir) {
  process.stderr.write("usage: bun run bench/orders/compare.ts <before checkout> <after checkout>\n");
  process.exit(2);
}
for (const dir of [beforeDir, afterDir]) {
  if (!existsSync(join(dir, "bench/orders/run.ts"))) throw new Error(`${dir} has no bench/orders/run.ts`);
  if (!existsSync(join(dir, "node_modules"))) throw new Error(`${dir} has no node_modules: run npx -y bun@1.4.5 install --frozen-lockfile there`);
}
const RUNS = Number(process.env.COMPARE_RUNS ?? 3);
const env: Record<string, string | undefined> = { ...process.env, BENCH_SECONDS: process.env.BENCH_SECONDS ?? "5", BENCH_WARMUP_SECONDS: process.env.BENCH_WARMUP_SECONDS ?? "3" };
// Open-loop mode has no raw baseline and no lock-off arm: the comparison is of the closed loop.
delete env.BENCH_MODE;
const out = (line: string) => process.stdout.write(`${line}\n`);

/** Figure name -> value, from one run's final table ("uniform, API lock on  596  ...  0.27x  0.85x"). */
type Figures = Map<string, number>;

function parseTable(stdout: string): Figures {
  const figures: Figures = new Map();
  const lines = stdout.split("\n");
  const header = lines.findIndex((line) => line.startsWith("scenario"));
  if (header < 0) return figures;
  for (const line of lines.slice(header + 1)) {
    if (!line.trim()) break;
    const name = line.slice(0, 22).trim();
    const [perSecond, p50, p99, vsRaw, onOff] = line.slice(22).trim().split(/\s+/);
    figures.set(`${name}: orders/s`, Number(perSecond));
    figures.set(`${name}: p50 ms`, Number(p50));
    figures.set(`${name}: p99 ms`, Number(p99));
    if (vsRaw) figures.set(`${name}: vs raw`, Number(vsRaw.replace("x", "")));
    if (onOff) figures.set(`${name}: lock on/off`, Number(onOff.replace("x", "")));
  }
  // How busy the machine was over the API rounds: a noisy side shows here.
  const busy = [...stdout.matchAll(/machine (\d+)% busy/g)].map((m) => Number(m[1]));
  if (busy.length > 0) figures.set("machine busy % (API rounds, mean)", busy.reduce((a, b) => a + b, 0) / busy.length);
  return figures;
}

async function runOnce(dir: string, label: string): Promise<Figures | undefined> {
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, "run", "bench/orders/run.ts"], { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const figures = parseTable(stdout);
  if (code !== 0 || figures.size === 0) {
    out(`${label}: FAILED (exit ${code}, ${seconds} s), left out:\n${stderr.split("\n").slice(-8).join("\n")}`);
    return undefined;
  }
  const uniform = figures.get("uniform, API lock on: vs raw");
  const hot = figures.get("hot, API lock on: vs raw");
  out(`${label}: ${seconds} s, API/raw uniform ${uniform?.toFixed(2) ?? "?"}x, hot ${hot?.toFixed(2) ?? "?"}x`);
  return figures;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

const sides = { before: [] as Figures[], after: [] as Figures[] };
out(`comparing ${beforeDir} (before) with ${afterDir} (after): ${RUNS} runs each, alternating, BENCH_SECONDS=${env.BENCH_SECONDS}`);
for (let i = 1; i <= RUNS; i++) {
  for (const [side, dir] of [["before", beforeDir], ["after", afterDir]] as const) {
    const figures = await runOnce(dir, `run ${i} ${side}`);
    if (figures) sides[side].push(figures);
  }
}

const names = [...new Set([...sides.before, ...sides.after].flatMap((f) => [...f.keys()]))];
out(`\nmedians (before ${sides.before.length} runs, after ${sides.after.length} runs)`);
out(`${"figure".padEnd(40)}${"before".padStart(10)}${"after".padStart(10)}${"after/before".padStart(14)}`);
for (const name of names) {
  const before = median(sides.before.flatMap((f) => (f.has(name) ? [f.get(name) ?? NaN] : [])));
  const after = median(sides.after.flatMap((f) => (f.has(name) ? [f.get(name) ?? NaN] : [])));
  const ratio = before > 0 ? `${(after / before).toFixed(2)}x` : "";
  out(`${name.padEnd(40)}${before.toFixed(2).padStart(10)}${after.toFixed(2).padStart(10)}${ratio.padStart(14)}`);
}
process.exit(sides.before.length > 0 && sides.after.length > 0 ? 0 : 1);
