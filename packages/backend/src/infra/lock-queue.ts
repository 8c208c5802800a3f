/** In-process building blocks of both lock ports: the keyed FIFO mutex and the close() bookkeeping. */
import { ShuttingDown } from "./errors";

export const DEFAULT_LOCK_TTL_MS = 10_000;
export const DEFAULT_LOCK_WAIT_MS = 5_000;

/** Sorted, so every caller takes keys in one global order and two callers cannot deadlock. */
export function sortedUnique(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}

interface Waiter {
  grant(): void;
}
const HOLDER: Waiter = { grant() {} };

/** FIFO mutex per key: the head of a key's queue holds it, the rest wait in arrival order. */
export class KeyedMutex {
  private readonly queues = new Map<string, Waiter[]>();

  /** Keys currently held or waited on; empty when idle, so the map cannot leak. */
  get activeKeys(): number {
    return this.queues.size;
  }

  /** All or nothing, no waiting. */
  tryAcquireAll(sortedKeys: readonly string[]): boolean {
    if (sortedKeys.some((key) => this.queues.has(key))) return false;
    for (const key of sortedKeys) this.queues.set(key, [HOLDER]);
    return true;
  }

  /** Takes keys one by one in the given (sorted) order; on timeout gives back what it took and returns false. */
  async acquireAll(sortedKeys: readonly string[], deadline: number): Promise<boolean> {
    const taken: string[] = [];
    for (const key of sortedKeys) {
      if (!(await this.acquire(key, deadline))) {
        this.releaseAll(taken);
        return false;
      }
      taken.push(key);
    }
    return true;
  }

  releaseAll(keys: readonly string[]): void {
    for (const key of keys) this.release(key);
  }

  private acquire(key: string, deadline: number): Promise<boolean> {
    const queue = this.queues.get(key);
    if (!queue) {
      this.queues.set(key, [HOLDER]);
      return Promise.resolve(true);
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter: Waiter = {
        grant() {
          clearTimeout(timer);
          resolve(true);
        },
      };
      timer = setTimeout(() => {
        // Still waiting (a granted waiter's timer is cleared): leave the queue.
        const position = queue.indexOf(waiter);
        if (position > 0) queue.splice(position, 1);
        resolve(false);
      }, remaining);
      queue.push(waiter);
    });
  }

  private release(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    queue.shift();
    const next = queue[0];
    if (next) next.grant();
    else this.queues.delete(key);
  }
}

/** Counts running critical sections so close() can wait for their locks to be released. */
export class SectionTracker {
  private running = 0;
  private closed = false;
  private readonly idleWaiters: Array<() => void> = [];

  async run<T>(section: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ShuttingDown();
    this.running += 1;
    try {
      return await section();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}
