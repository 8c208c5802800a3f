import { withTimeout } from "../infra/timeout";
import type { OpsModel } from "./model";

export interface DependencyProbe {
  name: string;
  driver: string;
  ping(timeoutMs: number): Promise<void>;
}

async function probe(dependency: DependencyProbe, timeoutMs: number): Promise<OpsModel.Check> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    // Bounded here too: a probe that ignores its timeout must not hang the readiness answer.
    await withTimeout(dependency.ping(timeoutMs), timeoutMs, dependency.name);
    return { status: "up", driver: dependency.driver, ms: ms() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unknown failure";
    return { status: "down", driver: dependency.driver, ms: ms(), error: reason };
  }
}

/** Checks every dependency in parallel, each bounded by the timeout, and names what is down. */
export async function checkReadiness(
  dependencies: DependencyProbe[],
  timeoutMs: number,
  draining: boolean,
): Promise<OpsModel.Ready> {
  const results = await Promise.all(dependencies.map((d) => probe(d, timeoutMs)));
  const checks: Record<string, OpsModel.Check> = {};
  dependencies.forEach((d, i) => {
    const result = results[i];
    if (result) checks[d.name] = result;
  });
  const down = dependencies.filter((d) => checks[d.name]?.status === "down").map((d) => d.name);
  return { status: down.length === 0 && !draining ? "ok" : "unavailable", down, draining, checks };
}
