import type { Logger } from "./logger";
import { withTimeout } from "./timeout";

interface Stopper {
  name: string;
  stop(): Promise<void> | void;
}

/**
 * Shutdown in a fixed order: mark draining (readiness fails), stop accepting and let in-flight
 * requests finish within a bound, stop background workers, then close pools.
 */
export class Lifecycle {
  private draining = false;
  private readonly workers: Stopper[] = [];
  private readonly resources: Stopper[] = [];
  private shutdownPromise: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  get isDraining(): boolean {
    return this.draining;
  }

  /** Background loops (sync worker, sweeps): stopped after HTTP, before pools. */
  addWorker(name: string, stop: () => Promise<void> | void): void {
    this.workers.push({ name, stop });
  }

  /** Pools and clients: closed last, in reverse order of registration. */
  addResource(name: string, close: () => Promise<void> | void): void {
    this.resources.push({ name, stop: close });
  }

  shutdown(server: { stop(force: boolean): Promise<unknown> }, timeoutMs: number): Promise<void> {
    this.shutdownPromise ??= this.run(server, timeoutMs);
    return this.shutdownPromise;
  }

  private async run(server: { stop(force: boolean): Promise<unknown> }, timeoutMs: number): Promise<void> {
    this.draining = true;
    const started = performance.now();
    try {
      await withTimeout(server.stop(false), timeoutMs, "in-flight requests");
    } catch {
      this.log.warn({ timeoutMs }, "in-flight requests did not finish in time; closing connections");
      await server.stop(true);
    }
    for (const worker of this.workers) await this.stopQuietly(worker, timeoutMs);
    for (const resource of [...this.resources].reverse()) await this.stopQuietly(resource, timeoutMs);
    this.log.info({ ms: Math.round(performance.now() - started) }, "shutdown complete");
  }

  private async stopQuietly(stopper: Stopper, timeoutMs: number): Promise<void> {
    try {
      await withTimeout(Promise.resolve(stopper.stop()), timeoutMs, stopper.name);
    } catch (error) {
      this.log.error({ err: error, name: stopper.name }, "could not stop cleanly");
    }
  }
}
