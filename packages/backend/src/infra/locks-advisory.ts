/**
 * The stock locks' fallback while Redis is unreachable: Postgres advisory transaction locks
 * (pg_advisory_xact_lock) on the same keys, taken one by one in sorted order at the start of a
 * transaction, released by its commit or rollback. The section runs on that transaction when it
 * takes it (order placement does), so lock and work share one connection. Sales go on: the
 * conditional updates and the CHECK constraint remain the guard against overselling (DESIGN), and
 * a replica still on Redlock while another is here only loses the efficiency gate between them.
 */
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "./db";
import { LocksUnavailable } from "./errors";
import { SQLSTATE, sqlState } from "./pg-errors";
import type { TryLockResult } from "./locks";

/** The section: given the transaction holding the locks, to run its statements on. */
export type LockedSection<T> = (tx?: Database) => Promise<T>;

const isLockNotAvailable = (error: unknown): boolean => sqlState(error) === SQLSTATE.LOCK_NOT_AVAILABLE;

/**
 * At most `max` sections at once hold a pooled connection for their locks, so sections whose work
 * runs on other connections (they ignore the transaction) can never take the whole pool and wait
 * on each other.
 */
class Slots {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async take(deadline: number): Promise<boolean> {
    while (this.used >= this.max) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve();
        }, remaining);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waiters.push(wake);
      });
    }
    this.used += 1;
    return true;
  }

  give(): void {
    this.used -= 1;
    this.waiters.shift()?.();
  }
}

export interface AdvisoryLocks {
  /** LocksUnavailable when a key is still held elsewhere at the deadline. Keys sorted and unique. */
  withLocks<T>(sortedKeys: readonly string[], fn: LockedSection<T>, deadline: number, waitMs: number): Promise<T>;
  /** No waiting: { acquired: false } when any key is held elsewhere. */
  tryWithLocks<T>(sortedKeys: readonly string[], fn: LockedSection<T>): Promise<TryLockResult<T>>;
}

const lockId = (key: string) => sql`hashtextextended(${key}, 0)`;

export function createAdvisoryLocks(db: Database, options: { poolMax: number }): AdvisoryLocks {
  const slots = new Slots(Math.max(1, Math.floor(options.poolMax / 2)));

  async function holding<T>(sortedKeys: readonly string[], deadline: number, waitMs: number, body: () => Promise<T>): Promise<T> {
    if (!(await slots.take(deadline))) throw new LocksUnavailable(sortedKeys, waitMs);
    try {
      return await body();
    } catch (error) {
      if (isLockNotAvailable(error)) throw new LocksUnavailable(sortedKeys, waitMs);
      throw error;
    } finally {
      slots.give();
    }
  }

  return {
    withLocks: (sortedKeys, fn, deadline, waitMs) =>
      holding(sortedKeys, deadline, waitMs, () =>
        db.transaction(async (tx) => {
          // lock_timeout bounds the wait for the advisory locks only; the section runs under the usual setting.
          const remaining = `${Math.max(1, deadline - Date.now())}ms`;
          const [setting] = await queryRows<{ previous: string }>(tx, sql`select current_setting('lock_timeout') as previous, set_config('lock_timeout', ${remaining}, true)`);
          for (const key of sortedKeys) await tx.execute(sql`select pg_advisory_xact_lock(${lockId(key)})`);
          await tx.execute(sql`select set_config('lock_timeout', ${setting?.previous ?? "0"}, true)`);
          return fn(tx);
        }),
      ),
    tryWithLocks: <T>(sortedKeys: readonly string[], fn: LockedSection<T>) =>
      holding(sortedKeys, Date.now(), 0, () =>
        db.transaction(async (tx): Promise<TryLockResult<T>> => {
          for (const key of sortedKeys) {
            const [row] = await queryRows<{ taken: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${lockId(key)}) as taken`);
            if (!row?.taken) return { acquired: false };
          }
          return { acquired: true, value: await fn(tx) };
        }),
      ).catch((error: unknown) => {
        if (error instanceof LocksUnavailable) return { acquired: false } as const;
        throw error;
      }),
  };
}
