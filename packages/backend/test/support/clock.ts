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
