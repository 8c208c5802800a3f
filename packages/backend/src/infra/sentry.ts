import * as Sentry from "@sentry/bun";

export interface ErrorReporter {
  capture(error: unknown, context: Record<string, string | number | undefined>): void;
  flush(timeoutMs: number): Promise<void>;
}

export const noErrorReporter: ErrorReporter = { capture: () => undefined, flush: async () => undefined };

/** Sentry only when a DSN is configured; otherwise unexpected errors are only logged. */
export function createErrorReporter(dsn: string | undefined, environment: string, release: string): ErrorReporter {
  if (!dsn) return noErrorReporter;
  Sentry.init({ dsn, environment, release });
  return {
    capture(error, context) {
      Sentry.withScope((scope) => {
        for (const [key, value] of Object.entries(context)) if (value !== undefined) scope.setTag(key, String(value));
        Sentry.captureException(error);
      });
    },
    async flush(timeoutMs) {
      await Sentry.flush(timeoutMs);
    },
  };
}
