import { spanEnd, spanStart } from "./bench-spans";
import type { Logger } from "./logger";

/**
 * In-process announcements after a commit (stock changed, catalog changed). Listeners are wired
 * in services.ts, so the announcing domain never imports the listening one. A listener that
 * throws is logged and does not affect the others or the announcer: the durable record (ledger,
 * updated_at) is what recovery reads, this is only the fast path.
 */
export interface EventHub<T> {
  on(listener: (event: T) => void | Promise<void>): void;
  emit(event: T): Promise<void>;
}

export function createEventHub<T>(name: string, log: Logger): EventHub<T> {
  const listeners: ((event: T) => void | Promise<void>)[] = [];
  return {
    on(listener) {
      listeners.push(listener);
    },
    async emit(event) {
      const started = spanStart();
      for (const listener of listeners) {
        try {
          await listener(event);
        } catch (error) {
          log.error({ err: error, event: name }, "event listener failed");
        }
      }
      spanEnd(() => `events: ${name} listeners`, started);
    },
  };
}
