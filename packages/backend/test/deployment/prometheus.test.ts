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
