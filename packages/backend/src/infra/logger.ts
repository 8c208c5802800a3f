import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { scrubLogMessage, scrubLogValue } from "./log-redaction";

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Where JSON lines go; stdout when omitted (tests capture them). */
  destination?: pino.DestinationStream;
  /**
   * Write stdout without blocking the event loop (the server: one blocking write per log line
   * was a fifth of an order's CPU). The owner must `flushLogger` before exiting. Scripts keep the
   * default synchronous writes, which survive an immediate process.exit.
   */
  async?: boolean;
}

/** Resolves once buffered lines are written (bounded, so a stuck stdout cannot hold an exit forever). */
export async function flushLogger(log: Logger, timeoutMs = 2000): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    log.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  // The asynchronous flush can answer while the last lines still sit in the buffer (seen on the
  // "shutdown complete" line about one exit in four): write whatever is left synchronously. A
  // write still in flight is waited for first: flushSync skips it, and an exit would cut it off.
  const stream = (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { flushSync?: () => void; _writing?: boolean } | undefined;
  const deadline = Date.now() + timeoutMs;
  while (stream?._writing === true && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  try {
    stream?.flushSync?.();
  } catch {
    // A closed or full stdout: nothing more can be written, and the exit must not wait for it.
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    // Secrets by name at any depth, card numbers in any string and query parameters in errors, by one walk (log-redaction.ts).
    // Not pino's `redact`: its path matcher parsed every path on every line, 40% of a cheap
    // request's CPU under load (profiled with --cpu-prof-md on GET /health/live).
    formatters: {
      log: (object) => scrubLogValue(object) as Record<string, unknown>,
      bindings: (bindings) => scrubLogValue(bindings) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === "string" ? scrubLogMessage(arg) : arg)) as Parameters<typeof method>);
      },
    },
    base: { service: "pazarsync" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // pino-pretty as a plain stream, not a worker-thread transport: simpler under Bun.
  if (options.pretty) return pino(base, pretty({ colorize: true, sync: true }));
  if (options.destination) return pino(base, options.destination);
  return options.async ? pino(base, pino.destination({ dest: 1, sync: false })) : pino(base);
}
