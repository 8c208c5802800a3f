import { sleep } from "./net";

export interface WaitOptions {
  /** Give up after this long; generous, because it only costs time when the test fails. */
  timeoutMs?: number;
  /** Pause between looks. */
  intervalMs?: number;
  /** Named in the error when the deadline passes. */
  what?: string;
}

/**
 * Waits for an asynchronous outcome (a background job, a reconnect) by looking until `condition`
 * holds, instead of sleeping a fixed time and hoping it was long enough. Returns the first truthy
 * value; throws when `timeoutMs` passes first.
 */
export async function waitUntil<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 20, what = "the condition" } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
