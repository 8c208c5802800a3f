import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { PROMETHEUS_SYNTHETIC_SERIES, exportedSeriesNames, metricNamesIn } from "./promql";
import { readRepoFile, readYaml, record } from "./repo";

interface Target {
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
}

const dashboard = JSON.parse(readRepoFile("deployment/grafana/dashboards/pazarsync.json")) as { uid: string; panels: Panel[] };
const panels = dashboard.panels.filter((p) => p.type !== "row");
const alertRules = (readYaml("deployment/prometheus/alerts.yml").groups as { rules: { alert: string; expr: string }[] }[]).flatMap(
  (group) => group.rules,
);

let t: TestApp;
let exported: Set<string>;
beforeAll(async () => {
  // The registry of a real app: names the app really exports, in whichever mode the run uses.
  t = await createTestApp({ label: "dashboard-metrics" });
  await t.request("/health/ready");
  exported = await exportedSeriesNames(t.metrics.registry);
});
afterAll(() => t.close());

/** Names an expression selects that neither the app nor Prometheus itself produces. */
function unknownNames(expr: string): string[] {
  return metricNamesIn(expr).filter((name) => !exported.has(name) && !PROMETHEUS_SYNTHETIC_SERIES.has(name));
}

describe("metric names in PromQL", () => {
  test("are read from selectors, not from functions, grouping labels, matchers or ranges", () => {
    const expr = 'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{job="x", status=~"5.."}[$__rate_interval]))) > 0.5 and on (instance) up == 1';
    expect(metricNamesIn(expr).sort()).toEqual(["http_request_duration_seconds_bucket", "up"]);
  });

  test("a name the app does not export is reported", () => {
    expect(unknownNames("sum(rate(orders_teleported_total[5m])) / sum(rate(http_request_duration_seconds_count[5m]))")).toEqual([
      "orders_teleported_total",
    ]);
  });
});

describe("Grafana dashboard", () => {
  test("is provisioned from the folder compose mounts, against the provisioned Prometheus datasource", () => {
    const provider = (readYaml("deployment/grafana/provisioning/dashboards/pazarsync.yml").providers as { options: { path: string } }[])[0];
    const compose = record(readYaml("docker-compose.prod.yml").services, "services");
    const grafanaMounts = record(compose.grafana, "grafana").volumes as string[];
    expect(grafanaMounts).toContain(`./deployment/grafana/dashboards:${provider?.options.path}:ro`);
    const datasources = readYaml("deployment/grafana/provisioning/datasources/prometheus.yml").datasources as { uid: string; url: string }[];
    expect(datasources[0]?.url).toBe("http://prometheus:9090");
    for (const panel of panels) for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe(datasources[0]?.uid);
  });

  test("has the panels the issue asks for, with unique ids", () => {
    const titles = panels.map((p) => p.title);
    for (const title of [
      "HTTP request rate",
      "HTTP errors",
      "HTTP latency percentiles",
      "Order rate",
      "Oversell rejections",
      "Sync backlog per store",
      "Sync latency percentiles",
      "Marketplace 429s",
      "Dead letters",
      "Postgres pool",
      "Redis memory",
    ]) {
      expect(titles).toContain(title);
    }
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("every panel has a query, and every query names a metric the app exports", () => {
    for (const panel of panels) {
      const exprs = (panel.targets ?? []).map((target) => target.expr ?? "").filter((e) => e.trim() !== "");
      expect({ panel: panel.title, queries: exprs.length > 0 }).toEqual({ panel: panel.title, queries: true });
      for (const expr of exprs) {
        expect({ panel: panel.title, expr, unknown: unknownNames(expr) }).toEqual({ panel: panel.title, expr, unknown: [] });
        expect(metricNamesIn(expr).length).toBeGreaterThan(0);
      }
    }
  });

  test("the dependency panels chart the Postgres pool and Redis memory gauges", () => {
    const names = (title: string) => panels.find((p) => p.title === title)?.targets?.flatMap((t) => metricNamesIn(t.expr ?? "")) ?? [];
    expect(names("Postgres pool")).toEqual(expect.arrayContaining(["db_pool_connections", "db_pool_max"]));
    expect(names("Redis memory")).toContain("redis_memory_used_bytes");
  });
});

describe("alert rules", () => {
  test("cover 5xx rate, p95, sync latency, dead letters, a growing backlog and failing readiness", () => {
    expect(alertRules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(["HighErrorRate", "HighLatencyP95", "SyncLatencyP99OverGoal", "SyncDeadLetters", "SyncBacklogGrowing", "ReplicaDown", "DependencyUnreachable"]),
    );
  });

  test("hold the issue's thresholds: 5xx > 5%, p95 > 500 ms, sync p99 > 30 s, dead letters > 0, backlog growing for 10 minutes", () => {
    const rule = (name: string) => alertRules.find((r) => r.alert === name) as { expr: string; for?: string };
    expect(rule("HighErrorRate").expr).toMatch(/status=~"5\.\."[\s\S]*\) > 0\.05\s*$/);
    expect(rule("HighLatencyP95").expr).toMatch(/histogram_quantile\(0\.95,[\s\S]*\) > 0\.5\s*$/);
    expect(rule("SyncLatencyP99OverGoal").expr).toMatch(/histogram_quantile\(0\.99,[\s\S]*sync_latency_seconds_bucket[\s\S]*\) > 30\s*$/);
    expect(rule("SyncDeadLetters").expr).toMatch(/sync_dead_letters.*> 0$/);
    expect(rule("SyncBacklogGrowing").expr).toContain("deriv(sync_dirty_backlog");
    expect(rule("SyncBacklogGrowing").expr).toContain("[10m]");
    expect(rule("SyncBacklogGrowing").for).toBe("10m");
    expect(rule("ReplicaDown").expr).toBe('up{job="pazarsync"} == 0');
  });

  test("every alert has an entry in the RUNBOOK's Alerts section saying what to do", () => {
    const alerts = readRepoFile("deployment/RUNBOOK.md").split("\n## Alerts\n")[1] ?? "";
    expect(alertRules.map((r) => r.alert).filter((name) => !alerts.includes(`\`${name}\``))).toEqual([]);
  });

  test("dispatch deadlines and order command dead letters alert on their gauges", () => {
    const rule = (name: string) => alertRules.find((r) => r.alert === name)?.expr ?? "";
    expect(metricNamesIn(rule("OrdersDispatchDueSoon"))).toEqual(["orders_dispatch_due_soon"]);
    expect(metricNamesIn(rule("OrdersDispatchOverdue"))).toEqual(["orders_dispatch_overdue"]);
    expect(metricNamesIn(rule("OrderCommandsFailed"))).toEqual(["order_commands_failed_open"]);
    expect(metricNamesIn(rule("OrderCommandsStuck"))).toEqual(["order_commands_oldest_open_seconds"]);
  });

  test("failed and stuck jobs and listing drifts alert on the job and drift metrics, charted in the Listing jobs row", () => {
    const rule = (name: string) => alertRules.find((r) => r.alert === name)?.expr ?? "";
    expect(metricNamesIn(rule("JobsFailed"))).toEqual(["jobs_finished_total"]);
    expect(rule("JobsFailed")).toContain('state="FAILED"');
    expect(metricNamesIn(rule("JobsStuck")).sort()).toEqual(["jobs_claimed_total", "jobs_oldest_expired_lease_seconds", "jobs_oldest_queued_seconds"]);
    expect(metricNamesIn(rule("ListingDriftHigh"))).toEqual(["listing_drift_total"]);
    const names = (title: string) => panels.find((p) => p.title === title)?.targets?.flatMap((t) => metricNamesIn(t.expr ?? "")) ?? [];
    expect(names("Jobs queued and running")).toEqual(["jobs_active"]);
    expect(names("Job waits").sort()).toEqual(["jobs_oldest_expired_lease_seconds", "jobs_oldest_queued_seconds"]);
    expect(names("Jobs ended").sort()).toEqual(["jobs_claimed_total", "jobs_finished_total"]);
    expect(names("Listing drifts per day")).toEqual(["listing_drift_total"]);
  });

  test("every expression names only metrics the app exports (or Prometheus's own up)", () => {
    for (const rule of alertRules) {
      expect(metricNamesIn(rule.expr).length).toBeGreaterThan(0);
      expect({ alert: rule.alert, unknown: unknownNames(rule.expr) }).toEqual({ alert: rule.alert, unknown: [] });
    }
  });
});
