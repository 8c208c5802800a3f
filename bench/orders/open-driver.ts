/**
 * The open-loop order load, run by Node (bundled by load.ts beside driver.ts). Requests start on
 * a fixed schedule (the i-th at start + i / rate) whether or not earlier ones have answered, and
 * each latency is measured from its scheduled start, so time spent queueing anywhere (in this
 * process behind a late timer, for a free socket, in the server) counts: no coordinated omission.
 * Autocannon's overallRate does not do this: each connection sends its share of a second's
 * requests back to back and then pauses, never starts one while its previous one is unanswered,
 * and times a request from when it was written.
 *
 * Reads one OpenDriverInput as JSON on stdin and prints one DriverOutput as JSON on stdout, after
 * every scheduled request has answered (or timed out). Nothing here may use Bun's APIs.
 */
import { Agent, request } from "node:http";
import type { DriverInput, DriverOutput } from "./driver";
import { productPicker } from "./mix";

export type OpenDriverInput = Omit<DriverInput, "autocannon"> & {
  /** Requests started per second. */
  rate: number;
};

const TIMEOUT_MS = 30_000;

async function readInput(): Promise<OpenDriverInput> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return JSON.parse(text) as OpenDriverInput;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

const input = await readInput();
const target = new URL("/api/v1/orders", input.url);
// At most `connections` sockets, as many as the closed loop's clients: beyond that a request waits
// for a socket, and that wait is part of its latency.
const agent = new Agent({ keepAlive: true, maxSockets: input.connections });
const nextProduct = productPicker(input.mix, input.productIds);
const statusCodes: Record<string, number> = {};
const latencies: number[] = [];
const lags: number[] = [];
let errors = 0;
let timeouts = 0;
let inFlight = 0;

function send(n: number, scheduledAt: number): Promise<void> {
  lags.push(performance.now() - scheduledAt);
  const token = input.tokens[Math.floor(Math.random() * input.tokens.length)];
  const body = JSON.stringify({ storeId: input.storeId, items: [{ productId: nextProduct(), quantity: 1 }] });
  inFlight += 1;
  return new Promise<void>((resolve) => {
    const done = () => {
      inFlight -= 1;
      resolve();
    };
    const req = request(
      target,
      {
        method: "POST",
        agent,
        timeout: TIMEOUT_MS,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
          "idempotency-key": `${input.keyPrefix}-${n}`,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          latencies.push(performance.now() - scheduledAt);
          const status = String(res.statusCode ?? 0);
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          done();
        });
      },
    );
    req.on("timeout", () => {
      timeouts += 1;
      req.destroy(new Error("timed out"));
    });
    req.on("error", () => {
      errors += 1;
      done();
    });
    req.end(body);
  });
}

const interval = 1000 / input.rate;
const started = performance.now();
const end = started + input.seconds * 1000;
const pending: Promise<void>[] = [];
let sent = 0;
let peakInFlight = 0;
await new Promise<void>((resolve) => {
  const tick = () => {
    const now = performance.now();
    // A late timer starts every request that was due; their latencies still run from their due time.
    for (let due = started + sent * interval; due <= now && due < end; due = started + sent * interval) {
      sent += 1;
      pending.push(send(sent, due));
    }
    peakInFlight = Math.max(peakInFlight, inFlight);
    const next = started + sent * interval;
    if (next >= end) resolve();
    else setTimeout(tick, Math.max(0, next - performance.now()));
  };
  tick();
});
const scheduleSeconds = (performance.now() - started) / 1000;
await Promise.all(pending);
agent.destroy();

latencies.sort((a, b) => a - b);
lags.sort((a, b) => a - b);
const completed = Object.values(statusCodes).reduce((a, b) => a + b, 0);
const output: DriverOutput = {
  completed,
  statusCodes,
  errors,
  timeouts,
  // Over the schedule: answers per second at the offered rate (the stragglers' tail is in the latencies).
  duration: scheduleSeconds,
  latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
  open: { offered: sent / input.seconds, sent, peakInFlight, lagP99Ms: percentile(lags, 99) },
};
process.stdout.write(`${JSON.stringify(output)}\n`);
