/**
 * A worker's loop (the order command worker, the job worker): one run at a time, started at once
 * when kicked (a kick during a run runs once more right after it), else every `pollMs`. A run's
 * error is handed to `onError`, which says whether the loop goes on.
 */
export interface PollLoopOptions {
  pollMs: number;
  onError(error: unknown): "continue" | "stop";
}

export function createPollLoop(run: () => Promise<number>, options: PollLoopOptions) {
  let current: Promise<number> | null = null;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let started = false;
  let stopped = false;

  function runOnce(): Promise<number> {
    if (current) {
      again = true;
      return current;
    }
    current = run().finally(() => {
      current = null;
    });
    return current;
  }

  function schedule(delayMs: number): void {
    if (!started || stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), delayMs);
  }

  async function tick(): Promise<void> {
    timer = null;
    try {
      do {
        again = false;
        await runOnce();
      } while (again && !stopped);
    } catch (error) {
      if (options.onError(error) === "stop") {
        stopped = true;
        return;
      }
    }
    schedule(options.pollMs);
  }

  return {
    /** One run now (tests drive a worker with it instead of the timer). */
    runOnce,
    kick(): void {
      if (current) again = true;
      else schedule(0);
    },
    start(): void {
      started = true;
      schedule(0);
    },
    /** Stops scheduling and waits for a run under way. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await current?.catch(() => undefined);
    },
    stopped: (): boolean => stopped,
    /** The run under way, if any. */
    running: (): Promise<number> | null => current,
  };
}

export type PollLoop = ReturnType<typeof createPollLoop>;
