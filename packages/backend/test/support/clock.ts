/**
 * A clock that stands still until the test moves it, for code that takes `now`: a window is
 * crossed by stepping past it, never by sleeping through it, so a slow machine cannot shift
 * which side of the boundary a request lands on.
 */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

export function manualClock(start = Date.now()): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      if (!(ms >= 0)) throw new Error("a clock only moves forward");
      current += ms;
    },
  };
}

/** Timers on a manual clock, for code that takes a scheduler (the sync worker): nothing fires until the test steps. */
export interface ManualTimers {
  /** Registers `run` to fire `delayMs` after the clock's present; answers a cancel. */
  schedule(run: () => unknown, delayMs: number): () => void;
  /**
   * Moves the clock `ms` forward, stopping at each timer that falls due on the way (earliest
   * first, then in the order set) to run it and await what it answers, so a job that sets its
   * next timer inside the step runs again within it.
   */
  advance(ms: number): Promise<void>;
  /** Timers set and not yet fired or cancelled. */
  pending(): number;
}

export function manualTimers(clock: ManualClock): ManualTimers {
  let order = 0;
  const timers = new Map<number, { at: number; run: () => unknown }>();
  return {
    schedule(run, delayMs) {
      const id = ++order;
      timers.set(id, { at: clock.now() + Math.max(0, delayMs), run });
      return () => void timers.delete(id);
    },
    async advance(ms) {
      const end = clock.now() + ms;
      for (;;) {
        let next: [number, { at: number; run: () => unknown }] | undefined;
        for (const entry of timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        const [id, timer] = next;
        timers.delete(id);
        clock.advance(Math.max(0, timer.at - clock.now()));
        await timer.run();
      }
      clock.advance(end - clock.now());
    },
    pending: () => timers.size,
  };
}
