import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readYaml, record, repoPath } from "./repo";

const promtool = Bun.which("promtool") ?? undefined;
if (!promtool) {
  process.stderr.write("[skip] promtool is not installed (Debian: apt-get install prometheus): promtool checks are skipped\n");
}

function runPromtool(args: string[]): { code: number; output: string } {
  const result = Bun.spawnSync([promtool ?? "promtool", ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, output: `${result.stdout.toString()}${result.stderr.toString()}` };
}

describe.skipIf(!promtool)("promtool", () => {
  test("check config accepts prometheus.yml and the rule files it names", () => {
    const { code, output } = runPromtool(["check", "config", repoPath("deployment/prometheus/prometheus.yml")]);
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain("1 rule files found");
  });

  test("check rules accepts alerts.yml", () => {
    const { code, output } = runPromtool(["check", "rules", repoPath("deployment/prometheus/alerts.yml")]);
    expect({ code, output }).toMatchObject({ code: 0 });
  });

  test("check rules refuses a broken rule, so a passing check means something", async () => {
    const broken = join(tmpdir(), `pazarsync-broken-rules-${process.pid}.yml`);
    await Bun.write(broken, "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(foo[5m] > 1\n");
    try {
      expect(runPromtool(["check", "rules", broken]).code).not.toBe(0);
    } finally {
      rmSync(broken, { force: true });
    }
  });
});

/** A promtool rule test over alerts.yml: each case's series, and when its alert is (not yet) firing. */
function ruleTest(series: string[], checks: { at: string; alert: string; labels?: Record<string, string>; annotations?: Record<string, string> }[]): string {
  const lines = [
    "rule_files:",
    `  - ${JSON.stringify(repoPath("deployment/prometheus/alerts.yml"))}`,
    "evaluation_interval: 1m",
    "tests:",
    "  - interval: 1m",
    "    input_series:",
    ...series.map((entry) => {
      const [name, values] = entry.split(" => ");
      return `      - series: ${JSON.stringify(name)}\n        values: ${JSON.stringify(values)}`;
    }),
    "    alert_rule_test:",
    ...checks.map(({ at, alert, labels, annotations }) =>
      labels
        ? `      - eval_time: ${at}\n        alertname: ${alert}\n        exp_alerts:\n          - exp_labels: ${JSON.stringify(labels)}\n            exp_annotations: ${JSON.stringify(annotations ?? {})}`
        : `      - eval_time: ${at}\n        alertname: ${alert}\n        exp_alerts: []`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!promtool)("promtool: the dispatch-deadline and order-command alerts", () => {
  test("fire on their gauges after their hold, once per store across replicas", async () => {
    const file = join(tmpdir(), `pazarsync-rule-test-${process.pid}.yml`);
    const perReplica = (name: string, values: string) =>
      ["backend-1:3000", "backend-2:3000"].map((instance) => `${name}{job="pazarsync", store_id="s1", instance="${instance}"} => ${values}`);
    await Bun.write(
      file,
      ruleTest(
        [
          ...perReplica("orders_dispatch_overdue", "0 0 2x12"),
          ...perReplica("orders_dispatch_due_soon", "3x14"),
          ...perReplica("order_commands_failed_open", "0 1x12"),
          'order_commands_oldest_open_seconds{job="pazarsync", instance="backend-1:3000"} => 0 60 3600x12',
        ],
        [
          { at: "5m", alert: "OrdersDispatchOverdue" },
          {
            at: "8m",
            alert: "OrdersDispatchOverdue",
            labels: { severity: "page", store_id: "s1" },
            annotations: {
              summary: "2 orders of store s1 are past their dispatch deadline",
              description: "Open orders the marketplace wanted handed to the carrier already. RUNBOOK: orders near their dispatch deadline.",
            },
          },
          { at: "8m", alert: "OrdersDispatchDueSoon" },
          {
            at: "11m",
            alert: "OrdersDispatchDueSoon",
            labels: { severity: "warn", store_id: "s1" },
            annotations: {
              summary: "3 orders of store s1 are due for dispatch within the warning window",
              description: "GET /api/v1/orders?dueBefore= lists them, soonest first. RUNBOOK: orders near their dispatch deadline.",
            },
          },
          {
            at: "7m",
            alert: "OrderCommandsFailed",
            labels: { severity: "warn", store_id: "s1" },
            annotations: { summary: "1 order commands of store s1 were refused by the marketplace", description: "Dead letters waiting for staff. RUNBOOK: order command dead letters." },
          },
          { at: "4m", alert: "OrderCommandsStuck" },
          {
            at: "8m",
            alert: "OrderCommandsStuck",
            labels: { severity: "warn" },
            annotations: {
              summary: "An order command has waited 1h 0m 0s for the marketplace's confirmation",
              description: "RUNBOOK: order command dead letters (stuck commands), marketplace outage.",
            },
          },
        ],
      ),
    );
    try {
      const { code, output } = runPromtool(["test", "rules", file]);
      expect({ code, output }).toMatchObject({ code: 0 });
    } finally {
      rmSync(file, { force: true });
    }
  });
});

/** Writes a rule test, runs `promtool test rules` on it and answers what promtool said. */
async function promtoolRuleTest(name: string, contents: string): Promise<{ code: number; output: string }> {
  const file = join(tmpdir(), `pazarsync-${name}-${process.pid}.yml`);
  await Bun.write(file, contents);
  try {
    return runPromtool(["test", "rules", file]);
  } finally {
    rmSync(file, { force: true });
  }
}

const onBothReplicas = (series: string, values: string) =>
  ["backend-1:3000", "backend-2:3000"].map((instance) => `${series.replace("}", `, instance="${instance}"}`)} => ${values}`);

describe.skipIf(!promtool)("promtool: the job and drift alerts", () => {
  test("JobsFailed fires for the hour after a job of the kind ends FAILED, counted on any replica", async () => {
    const result = await promtoolRuleTest(
      "jobs-failed",
      ruleTest(
        [
          'jobs_finished_total{job="pazarsync", kind="LISTING_IMPORT", state="FAILED", instance="backend-1:3000"} => 0 0 0 1x80',
          'jobs_finished_total{job="pazarsync", kind="LISTING_IMPORT", state="FAILED", instance="backend-2:3000"} => 0x83',
          ...onBothReplicas('jobs_finished_total{job="pazarsync", kind="LISTING_DRIFT_CHECK", state="FAILED"}', "0x83"),
          ...onBothReplicas('jobs_finished_total{job="pazarsync", kind="LISTING_DRIFT_CHECK", state="SUCCEEDED"}', "0+1x83"),
        ],
        [
          { at: "2m", alert: "JobsFailed" },
          {
            at: "5m",
            alert: "JobsFailed",
            labels: { severity: "warn", kind: "LISTING_IMPORT" },
            annotations: {
              summary: "1 LISTING_IMPORT jobs failed in the last hour",
              description: "GET /api/v1/jobs?kind=LISTING_IMPORT&state=FAILED lists them with their error codes. RUNBOOK: listing imports and drift checks.",
            },
          },
          { at: "70m", alert: "JobsFailed" },
        ],
      ),
    );
    expect(result).toMatchObject({ code: 0 });
  });

  test("JobsStuck fires on a queue nobody claims from, not on one being worked off", async () => {
    const result = await promtoolRuleTest(
      "jobs-stuck-queued",
      ruleTest(
        [
          // Imports: waiting longer and longer, nothing claimed (the counter is there, flat).
          ...onBothReplicas('jobs_oldest_queued_seconds{job="pazarsync", kind="LISTING_IMPORT"}', "0+60x40"),
          ...onBothReplicas('jobs_claimed_total{job="pazarsync", kind="LISTING_IMPORT"}', "5x40"),
          // Drift checks: every store's at once, waiting as long, but claimed one after another.
          ...onBothReplicas('jobs_oldest_queued_seconds{job="pazarsync", kind="LISTING_DRIFT_CHECK"}', "0+60x40"),
          'jobs_claimed_total{job="pazarsync", kind="LISTING_DRIFT_CHECK", instance="backend-1:3000"} => 0+1x40',
          'jobs_claimed_total{job="pazarsync", kind="LISTING_DRIFT_CHECK", instance="backend-2:3000"} => 0x40',
        ],
        [
          { at: "20m", alert: "JobsStuck" },
          {
            at: "21m",
            alert: "JobsStuck",
            labels: { severity: "warn", kind: "LISTING_IMPORT" },
            annotations: {
              summary: "LISTING_IMPORT jobs are not being taken: one has waited 21m 0s",
              description: "No replica runs the job worker, or it is wedged. RUNBOOK: listing imports and drift checks (stuck jobs).",
            },
          },
          {
            at: "40m",
            alert: "JobsStuck",
            labels: { severity: "warn", kind: "LISTING_IMPORT" },
            annotations: {
              summary: "LISTING_IMPORT jobs are not being taken: one has waited 40m 0s",
              description: "No replica runs the job worker, or it is wedged. RUNBOOK: listing imports and drift checks (stuck jobs).",
            },
          },
        ],
      ),
    );
    expect(result).toMatchObject({ code: 0 });
  });

  test("JobsStuck fires on a lease that ran out five minutes ago with nobody claiming, and clears once it is taken over", async () => {
    const result = await promtoolRuleTest(
      "jobs-stuck-lease",
      ruleTest(
        [
          // The lease ran out at 0; a worker takes the job over at 20m (the series goes, a claim is counted).
          'jobs_oldest_expired_lease_seconds{job="pazarsync", kind="LISTING_DRIFT_CHECK", instance="backend-1:3000"} => 0+60x19 _x10',
          'jobs_claimed_total{job="pazarsync", kind="LISTING_DRIFT_CHECK", instance="backend-1:3000"} => 3x19 4x10',
        ],
        [
          { at: "10m", alert: "JobsStuck" },
          {
            at: "11m",
            alert: "JobsStuck",
            labels: { severity: "warn", kind: "LISTING_DRIFT_CHECK" },
            annotations: {
              summary: "LISTING_DRIFT_CHECK jobs are not being taken: one has waited 11m 0s",
              description: "No replica runs the job worker, or it is wedged. RUNBOOK: listing imports and drift checks (stuck jobs).",
            },
          },
          { at: "21m", alert: "JobsStuck" },
        ],
      ),
    );
    expect(result).toMatchObject({ code: 0 });
  });

  test("ListingDriftHigh fires for a marketplace with more than 100 drifts in a day, summed over replicas", async () => {
    const result = await promtoolRuleTest(
      "listing-drift",
      ruleTest(
        [
          'listing_drift_total{job="pazarsync", marketplace="TRENDYOL", instance="backend-1:3000"} => 0 0 60x10',
          'listing_drift_total{job="pazarsync", marketplace="TRENDYOL", instance="backend-2:3000"} => 0 0 0 50x10',
          ...onBothReplicas('listing_drift_total{job="pazarsync", marketplace="HEPSIBURADA"}', "0 0 40x10"),
        ],
        [
          { at: "2m", alert: "ListingDriftHigh" },
          {
            at: "5m",
            alert: "ListingDriftHigh",
            labels: { severity: "warn", marketplace: "TRENDYOL" },
            annotations: {
              summary: "110 TRENDYOL listings drifted in the last day",
              description: "Shown quantities that differed from the confirmed ones, restored by the next flush. RUNBOOK: listing imports and drift checks (drifts).",
            },
          },
        ],
      ),
    );
    expect(result).toMatchObject({ code: 0 });
  });
});

describe("prometheus.yml", () => {
  const config = readYaml("deployment/prometheus/prometheus.yml");
  const compose = readYaml("docker-compose.prod.yml");
  const services = record(compose.services, "services");

  test("scrapes each backend replica by its own compose service name, not through nginx", () => {
    const jobs = config.scrape_configs as { job_name: string; static_configs: { targets: string[] }[] }[];
    const app = jobs.find((job) => job.job_name === "pazarsync");
    const targets = (app?.static_configs ?? []).flatMap((c) => c.targets);
    expect(targets.sort()).toEqual(["backend-1:3000", "backend-2:3000"]);
    for (const target of targets) expect(Object.keys(services)).toContain(target.split(":")[0] ?? "");
  });

  test("loads the alert rules from beside itself, where compose mounts them", () => {
    expect(config.rule_files).toEqual(["alerts.yml"]);
    const mounts = record(services.prometheus, "prometheus").volumes as string[];
    expect(mounts).toContain("./deployment/prometheus:/etc/prometheus:ro");
  });
});
