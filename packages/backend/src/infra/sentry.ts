import * as Sentry from "@sentry/bun";
import { scrubError, withoutQueryParameters } from "./error-scrub";

export interface ErrorReporter {
  capture(error: unknown, context: Record<string, string | number | undefined>): void;
  flush(timeoutMs: number): Promise<void>;
}

export const noErrorReporter: ErrorReporter = { capture: () => undefined, flush: async () => undefined };

/** Last line before an event leaves: no query parameters in its messages, whoever captured it. */
export function scrubSentryEvent<E extends Sentry.ErrorEvent>(event: E): E {
  if (event.message) event.message = withoutQueryParameters(event.message);
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = withoutQueryParameters(exception.value);
  }
  return event;
}

/** Sentry only when a DSN is configured; otherwise unexpected errors are only logged. */
export function createErrorReporter(dsn: string | undefined, environment: string, release: string): ErrorReporter {
  if (!dsn) return noErrorReporter;
  Sentry.init({ dsn, environment, release, beforeSend: scrubSentryEvent });
  return {
    capture(error, context) {
      Sentry.withScope((scope) => {
        for (const [key, value] of Object.entries(context)) if (value !== undefined) scope.setTag(key, String(value));
        Sentry.captureException(scrubError(error));
      });
    },
    async flush(timeoutMs) {
      await Sentry.flush(timeoutMs);
    },
  };
}
