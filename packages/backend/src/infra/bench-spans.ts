/**
 * Wall-clock spans for the orders bench (BENCH_SPANS_FILE, refused in production): where a
 * request's time goes (edge hooks, auth, lock, each SQL statement), as samples per span name.
 * On SIGUSR2 the process writes a summary (count, sum, p50, p99 per name, and the event loop's
 * delay) as JSON to the file and starts over, so a bench can drop its warm-up. Off, every call
 * is one boolean test.
 */
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Logger } from "./logger";

export interface SpanFigures {
  count: number;
  sumMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SpansSummary {
  seconds: number;
  spans: Record<string, SpanFigures>;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

// A bench round at most a few thousand requests per second for a few seconds: bounded anyway.
const MAX_SAMPLES = 200_000;

let enabled = false;
let samples = new Map<string, number[]>();

/** Whether spans are recorded (fixed at start: hooks that exist only for spans are added only then). */
export function spansOn(): boolean {
  return enabled;
}

/** performance.now() when spans are on, 0 otherwise: the start of a span. */
export function spanStart(): number {
  return enabled ? performance.now() : 0;
}

/** Records the span `name` begun at `startedAt` (from spanStart); a function name is called only when spans are on. */
export function spanEnd(name: string | (() => string), startedAt: number): void {
  if (!enabled) return;
  if (typeof name === "function") name = name();
  let list = samples.get(name);
  if (!list) samples.set(name, (list = []));
  if (list.length < MAX_SAMPLES) list.push(performance.now() - startedAt);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** Starts recording; each SIGUSR2 writes the summary since the last one to `file`. */
export function startBenchSpans(file: string, log: Logger): void {
  enabled = true;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let since = performance.now();
  process.on("SIGUSR2", () => {
    const spans: Record<string, SpanFigures> = {};
    for (const [name, list] of samples) {
      list.sort((a, b) => a - b);
      spans[name] = { count: list.length, sumMs: list.reduce((a, b) => a + b, 0), p50Ms: percentile(list, 50), p99Ms: percentile(list, 99) };
    }
    const ns = 1e6;
    const summary: SpansSummary = {
      seconds: (performance.now() - since) / 1000,
      spans,
      eventLoopDelayMs: { p50: loopDelay.percentile(50) / ns, p99: loopDelay.percentile(99) / ns, max: loopDelay.max / ns },
    };
    writeFileSync(file, JSON.stringify(summary));
    samples = new Map();
    loopDelay.reset();
    since = performance.now();
  });
  log.warn({ file }, "bench spans on: request timings are recorded (a benchmark switch)");
}
