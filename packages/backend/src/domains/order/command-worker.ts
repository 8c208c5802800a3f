/**
 * The order command worker inside the app process: kicked after a staff step commits its
 * commands, and polling every ORDER_COMMAND_POLL_MS for what is due (retries, observations, other
 * replicas' kicks). Each run claims due commands (command-queue.ts), resolves each against the
 * order as it is now (command-target.ts) and takes it as far as it goes (command-send.ts). Runs
 * never overlap within a process; across replicas the claim's row locks and leases keep them apart.
 * A failpoint (ORDER_COMMAND_FAILPOINT, tests only) stops the worker where a crash would.
 */
import { Registry } from "prom-client";
import type { Database } from "../../infra/db";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import type { RateLimiter } from "../stock-sync/token-bucket";
import type { CommandPorts } from "./command-ports";
import { type Claimed, claimDue, type Outcome, queueHealth, settle } from "./command-queue";
import { createPollLoop } from "../../infra/poll-loop";
import { type CommandMetrics, createCommandMetrics } from "./command-metrics";
import { advance, FailpointReached, type SendSettings } from "./command-send";
import { resolveCommand, UnresolvableCommand } from "./command-target";

export type { Failpoint } from "./command-send";
export { FailpointReached } from "./command-send";

export interface CommandWorkerSettings extends SendSettings {
  /** ORDER_COMMAND_POLL_MS: how often due commands are looked for without a kick. */
  pollMs: number;
  /** ORDER_COMMAND_LEASE_MS: how long a claim holds a command; past it another worker observes what became of it. */
  leaseMs: number;
  /** Commands claimed at once. */
  batchSize?: number;
}

export interface CommandWorkerDeps {
  db: Database;
  log: Logger;
  ports: CommandPorts;
  stores: Pick<StoreService, "quoteForOrder">;
  limiter: Pick<RateLimiter, "tryTake">;
  settings: CommandWorkerSettings;
  /** The metrics to count into; created on `registry` when absent. */
  metrics?: CommandMetrics;
  registry?: Registry;
  now?: () => number;
}

export interface CommandWorker {
  /** Claims and handles what is due until nothing is; answers how many commands it handled. Throws FailpointReached at a failpoint. */
  runOnce(): Promise<number>;
  /** After a commit: run soon (a run in flight runs once more). */
  kick(): void;
  /** Polling every pollMs; a failpoint stops it for good (a crashed worker). */
  start(): void;
  stop(): Promise<void>;
  /** Reads the gauges again (after each run; tests call it directly). */
  refreshGauges(): Promise<void>;
  readonly metrics: CommandMetrics;
}

/** A bound on one run, so a run that keeps finding due work (a marketplace granting tokens one by one) yields to the next tick. */
const MAX_BATCHES_PER_RUN = 50;

export function createCommandWorker(deps: CommandWorkerDeps): CommandWorker {
  const now = deps.now ?? Date.now;
  const metrics = deps.metrics ?? createCommandMetrics(deps.registry ?? new Registry());
  const { db, log, settings } = deps;
  const sendDeps = { limiter: deps.limiter, metrics, log, settings, now };

  async function handle(claimed: Claimed): Promise<void> {
    const at = new Date(now());
    let outcome: Outcome;
    const channel = await deps.ports(claimed.row.storeId);
    if (!channel?.port) {
      // The store's settings changed since the step (or it has no port now): tried again later.
      log.warn({ commandId: claimed.row.id, storeId: claimed.row.storeId }, "an order command's store has no port now: tried again later");
      outcome = { state: claimed.prior, nextAttemptAt: new Date(now() + settings.maxBackoffMs), leaseUntil: null };
    } else {
      try {
        const command = await resolveCommand(db, deps.stores, claimed.row);
        outcome = await advance(sendDeps, claimed, { ...channel, port: channel.port }, command);
      } catch (error) {
        if (!(error instanceof UnresolvableCommand)) throw error;
        outcome = { state: "FAILED", reason: error.message };
      }
    }
    const kept = await settle(db, claimed, outcome, at);
    if (!kept) log.warn({ commandId: claimed.row.id }, "an order command's lease ended before its outcome was written: another worker has it");
    else if (outcome.state === "FAILED") log.error({ commandId: claimed.row.id, orderId: claimed.row.orderId, kind: claimed.row.kind, reason: outcome.reason }, "order command failed: a dead letter for staff");
  }

  async function run(): Promise<number> {
    let handled = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const claimed = await claimDue(db, new Date(now()), settings.leaseMs, settings.batchSize ?? 20);
      if (claimed.length === 0) break;
      // One order's commands never come in the same batch (only its lowest open one is due), so they may go side by side.
      await Promise.all(claimed.map(handle));
      handled += claimed.length;
    }
    await refreshGauges().catch((error: unknown) => log.warn({ err: error }, "order command gauges not read"));
    return handled;
  }

  async function refreshGauges(): Promise<void> {
    const health = await queueHealth(db);
    metrics.failedOpen.reset();
    for (const { storeId, count } of health.failed) metrics.failedOpen.set({ store_id: storeId }, count);
    metrics.oldestOpen.set(health.oldestOpen ? Math.max(0, (now() - health.oldestOpen.getTime()) / 1000) : 0);
  }

  const loop = createPollLoop(run, {
    pollMs: settings.pollMs,
    onError(error) {
      if (error instanceof FailpointReached) {
        log.error({ failpoint: error.failpoint }, "order command worker stopped at its failpoint");
        return "stop";
      }
      log.error({ err: error }, "order command run failed");
      return "continue";
    },
  });

  return {
    runOnce: loop.runOnce,
    kick: loop.kick,
    start: loop.start,
    stop: loop.stop,
    refreshGauges,
    metrics,
  };
}
