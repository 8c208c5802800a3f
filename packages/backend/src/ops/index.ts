import { Type } from "@sinclair/typebox";
import { Elysia } from "elysia";
import type { Metrics } from "../infra/metrics";
import { OpsModel } from "./model";
import { checkReadiness, type DependencyProbe } from "./readiness";

export interface OpsDeps {
  probes: DependencyProbe[];
  healthTimeoutMs: number;
  metrics: Metrics;
  /** True once shutdown has begun: readiness fails so load balancers stop sending traffic. */
  isDraining: () => boolean;
}

export function opsController(deps: OpsDeps) {
  return new Elysia({ name: "ops", detail: { tags: ["ops"] } })
    .get("/health/live", () => ({ status: "ok" as const }), {
      response: { 200: OpsModel.Live },
      detail: { summary: "Liveness: 200 while the process runs" },
    })
    .get(
      "/health/ready",
      async ({ set }) => {
        const report = await checkReadiness(deps.probes, deps.healthTimeoutMs, deps.isDraining());
        if (report.status !== "ok") set.status = 503;
        return report;
      },
      {
        response: {
          200: OpsModel.Ready,
          503: { ...OpsModel.Ready, description: "A dependency is down, or the process is draining" },
        },
        detail: { summary: "Readiness: Postgres and Redis answer within the timeout" },
      },
    )
    .get(
      "/metrics",
      async ({ set }) => {
        set.headers["content-type"] = deps.metrics.registry.contentType;
        return deps.metrics.registry.metrics();
      },
      {
        response: { 200: Type.String({ description: "Prometheus text exposition format" }) },
        detail: { summary: "Prometheus metrics in text format" },
      },
    );
}
