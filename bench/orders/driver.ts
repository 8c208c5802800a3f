/**
 * The order load, run by Node (bundled by load.ts; autocannon's CLI cannot vary a request's body
 * and headers, its API can). Reads one DriverInput as JSON on stdin, runs autocannon with a fresh
 * Idempotency-Key, a customer token and a product from the mix for every request, and prints one
 * DriverOutput as JSON on stdout. Nothing here may use Bun's APIs.
 */
import { pathToFileURL } from "node:url";
import { type Mix, productPicker } from "./mix";

export interface DriverInput {
  /** Absolute path of autocannon's entry file (the bundle runs from a temporary folder). */
  autocannon: string;
  url: string;
  connections: number;
  seconds: number;
  storeId: string;
  productIds: string[];
  tokens: string[];
  mix: Mix;
  /** Every key is `${keyPrefix}-${n}`: unique across rounds and runs. */
  keyPrefix: string;
}

export interface DriverOutput {
  completed: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Seconds autocannon measured over. */
  duration: number;
  latencyMs: { p50: number; p99: number; max?: number };
  /** Open loop only (open-driver.ts): requests started per second, peak in flight, how late the scheduler started them. */
  open?: OpenFigures;
}

export interface OpenFigures {
  offered: number;
  sent: number;
  peakInFlight: number;
  lagP99Ms: number;
}

/** The parts of autocannon's API used here. */
interface RequestShape {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  /** Seconds before a request counts as timed out. */
  timeout: number;
  requests: { setupRequest: (request: RequestShape) => RequestShape }[];
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (options: AutocannonOptions, done: (error: unknown, result: AutocannonResult) => void) => unknown;

async function loadAutocannon(path: string): Promise<Autocannon> {
  const module: unknown = await import(pathToFileURL(path).href);
  const entry = typeof module === "object" && module !== null && "default" in module ? module.default : undefined;
  if (typeof entry !== "function") throw new Error(`${path} does not export autocannon's function`);
  return entry as Autocannon;
}

async function readInput(): Promise<DriverInput> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return JSON.parse(text) as DriverInput;
}

const input = await readInput();
const autocannon = await loadAutocannon(input.autocannon);
const nextProduct = productPicker(input.mix, input.productIds);
let sent = 0;
const setupRequest = (request: RequestShape): RequestShape => {
  sent += 1;
  const token = input.tokens[Math.floor(Math.random() * input.tokens.length)];
  return {
    ...request,
    method: "POST",
    path: "/api/v1/orders",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      "idempotency-key": `${input.keyPrefix}-${sent}`,
    },
    body: JSON.stringify({ storeId: input.storeId, items: [{ productId: nextProduct(), quantity: 1 }] }),
  };
};

const result = await new Promise<AutocannonResult>((resolve, reject) => {
  // 30 s, not autocannon's 10: embedded (PGlite) queues 200 orders for seconds, and a timeout fails the run.
  autocannon({ url: input.url, connections: input.connections, duration: input.seconds, timeout: 30, requests: [{ setupRequest }] }, (error, done) =>
    error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done),
  );
});
const statusCodes: Record<string, number> = {};
for (const [status, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[status] = stat.count;
const output: DriverOutput = {
  completed: result.requests.total,
  statusCodes,
  errors: result.errors,
  timeouts: result.timeouts,
  duration: result.duration,
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
};
process.stdout.write(`${JSON.stringify(output)}\n`);
