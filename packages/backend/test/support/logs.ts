import { Writable } from "node:stream";
import { createLogger } from "../../src/infra/logger";

/** A real pino logger whose JSON lines land in an array the test can read. */
export function capturingLogger(level = "info") {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ level, pretty: false, destination }), lines };
}
