/**
 * The order command worker's settings (order/command-worker.ts), read from the same environment
 * as config.ts. ORDER_COMMAND_FAILPOINT is a crash-test switch and refused in production.
 */
import type { CommandWorkerSettings, Failpoint } from "./domains/order/command-worker";

export type OrderCommandConfig = Omit<CommandWorkerSettings, "batchSize">;

export const ORDER_COMMAND_FAILPOINTS: readonly Failpoint[] = ["after-commit", "after-accept"];

export function orderCommandProblems(raw: Record<string, string | undefined>, production: boolean): string[] {
  const problems: string[] = [];
  if (raw.ORDER_COMMAND_POLL_MS !== undefined && Number(raw.ORDER_COMMAND_POLL_MS) < 100) problems.push("ORDER_COMMAND_POLL_MS must be at least 100");
  if (raw.ORDER_COMMAND_LEASE_MS !== undefined && Number(raw.ORDER_COMMAND_LEASE_MS) < 1000) problems.push("ORDER_COMMAND_LEASE_MS must be at least 1000");
  if (raw.ORDER_COMMAND_ATTEMPT_BUDGET !== undefined && Number(raw.ORDER_COMMAND_ATTEMPT_BUDGET) < 1) problems.push("ORDER_COMMAND_ATTEMPT_BUDGET must be at least 1");
  if (production && raw.ORDER_COMMAND_FAILPOINT !== undefined) {
    problems.push("ORDER_COMMAND_FAILPOINT is refused in production: it is a crash-test switch that stops the order command worker on purpose");
  }
  return problems;
}

export function orderCommandConfig(raw: Record<string, string | undefined>): OrderCommandConfig {
  const failpoint = ORDER_COMMAND_FAILPOINTS.find((f) => f === raw.ORDER_COMMAND_FAILPOINT);
  const int = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
  return {
    pollMs: int(raw.ORDER_COMMAND_POLL_MS, 5000),
    leaseMs: int(raw.ORDER_COMMAND_LEASE_MS, 120_000),
    attemptBudget: int(raw.ORDER_COMMAND_ATTEMPT_BUDGET, 8),
    retryBaseMs: 5000,
    maxBackoffMs: 10 * 60_000,
    ...(failpoint && { failpoint }),
  };
}
