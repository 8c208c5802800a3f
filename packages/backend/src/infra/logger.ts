import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Where JSON lines go; stdout when omitted (tests capture them). */
  destination?: pino.DestinationStream;
}

/** Paths whose values never reach a log line, whatever logs them. */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "*.passwordHash",
  "token",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.secret",
  "*.credentials",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "config.jwtSecret",
  "config.credentialsKey",
  "config.credentialsPreviousKeys",
  "*.credentialsPreviousKeys",
];

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { service: "pazarsync" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // pino-pretty as a plain stream, not a worker-thread transport: simpler under Bun.
  if (options.pretty) return pino(base, pretty({ colorize: true, sync: true }));
  return options.destination ? pino(base, options.destination) : pino(base);
}
