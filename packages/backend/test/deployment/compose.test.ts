import { describe, expect, test } from "bun:test";
import { isRecord, readRepoFile, readYaml, record, repoFileExists } from "./repo";

// No Docker engine here: the compose file and Dockerfile are checked as text.
const compose = readYaml("docker-compose.prod.yml");
const services = record(compose.services, "services");
const service = (name: string) => record(services[name], `service ${name}`);

const LONG_RUNNING = ["postgres", "redis", "backend-1", "backend-2", "nginx", "prometheus", "grafana"];
const NAMED_VOLUMES = ["pgdata", "redisdata", "prometheus-data", "grafana-data"];

/** "source:target[:mode]" or the long form; the source of each mount. */
function mountSources(name: string): string[] {
  const volumes = service(name).volumes;
  if (volumes === undefined) return [];
  if (!Array.isArray(volumes)) throw new Error(`${name}.volumes is not a list`);
  return volumes.map((v: unknown) => (isRecord(v) ? String(v.source) : String(v).split(":")[0] ?? ""));
}

function commandWords(name: string): string[] {
  const command = service(name).command;
  return Array.isArray(command) ? command.map(String) : String(command ?? "").split(/\s+/);
}

function dependsOn(name: string): Record<string, unknown> {
  return record(service(name).depends_on, `${name}.depends_on`);
}

describe("docker-compose.prod.yml", () => {
  test("declares postgres, redis, migrate, both backend replicas, nginx, prometheus and grafana", () => {
    expect(Object.keys(services).sort()).toEqual(
      ["backend-1", "backend-2", "grafana", "migrate", "nginx", "postgres", "prometheus", "redis"].sort(),
    );
  });

  test("every long-running service has a healthcheck with a test command", () => {
    for (const name of LONG_RUNNING) {
      const healthcheck = record(service(name).healthcheck, `${name}.healthcheck`);
      expect(healthcheck.disable).not.toBe(true);
      expect(Array.isArray(healthcheck.test) || typeof healthcheck.test === "string").toBe(true);
    }
  });

  test("the backends' healthcheck asks /health/ready, not /health/live", () => {
    for (const name of ["backend-1", "backend-2"]) {
      const probe = JSON.stringify(record(service(name).healthcheck, "healthcheck").test);
      expect(probe).toContain("/health/ready");
      expect(probe).not.toContain("/health/live");
    }
  });

  test("postgres, redis, prometheus and grafana keep their data in declared named volumes", () => {
    const declared = Object.keys(record(compose.volumes, "volumes"));
    expect(declared.sort()).toEqual([...NAMED_VOLUMES].sort());
    const used = LONG_RUNNING.flatMap(mountSources).filter((s) => !s.startsWith(".") && !s.startsWith("/"));
    for (const volume of NAMED_VOLUMES) expect(used).toContain(volume);
    for (const source of used) expect(declared).toContain(source);
    expect(mountSources("postgres")).toContain("pgdata");
    expect(mountSources("redis")).toContain("redisdata");
  });

  test("redis persists with an append-only file fsynced every second", () => {
    const words = commandWords("redis");
    expect(words[words.indexOf("--appendonly") + 1]).toBe("yes");
    expect(words[words.indexOf("--appendfsync") + 1]).toBe("everysec");
    expect(words).toContain("--appendonly");
    expect(words).toContain("--appendfsync");
  });

  test("migrate is a one-shot run of the migration script in the app image, after postgres is healthy", () => {
    const migrate = service("migrate");
    expect(commandWords("migrate")).toEqual(["bun", "packages/backend/src/scripts/migrate.ts"]);
    expect(migrate.image).toBe(service("backend-1").image);
    expect(migrate.restart).toBe("no");
    expect(record(dependsOn("migrate").postgres, "postgres").condition).toBe("service_healthy");
    expect(repoFileExists("packages/backend/src/scripts/migrate.ts")).toBe(true);
  });

  test("each backend waits for migrate to finish and for healthy postgres and redis, and does not migrate itself", () => {
    for (const name of ["backend-1", "backend-2"]) {
      const deps = dependsOn(name);
      expect(record(deps.migrate, "migrate").condition).toBe("service_completed_successfully");
      expect(record(deps.postgres, "postgres").condition).toBe("service_healthy");
      expect(record(deps.redis, "redis").condition).toBe("service_healthy");
      expect(record(service(name).environment, "environment").MIGRATE_ON_START).toBe("false");
    }
  });

  test("passwords come from the environment, never from the file", () => {
    expect(String(record(service("postgres").environment, "env").POSTGRES_PASSWORD)).toMatch(/^\$\{POSTGRES_PASSWORD[:?}]/);
    expect(String(record(service("grafana").environment, "env").GF_SECURITY_ADMIN_PASSWORD)).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD[:?}]/);
  });

  test("every file or folder mounted from the repository exists (TLS certificates excepted: operators supply them)", () => {
    const repoMounts = Object.keys(services).flatMap(mountSources).filter((s) => s.startsWith("./"));
    expect(repoMounts.length).toBeGreaterThan(3);
    for (const source of repoMounts.filter((s) => !s.includes("certs"))) {
      expect({ source, exists: repoFileExists(source) }).toEqual({ source, exists: true });
    }
  });

  test("nginx renders the repo's templates with nginx.env's defaults, and its healthcheck asks a location they define", () => {
    const nginx = service("nginx");
    expect(nginx.env_file).toBe("deployment/nginx/nginx.env");
    expect(repoFileExists("deployment/nginx/nginx.env")).toBe(true);
    expect(mountSources("nginx")).toContain("./deployment/nginx/templates");
    const template = readRepoFile("deployment/nginx/templates/snippets/pazarsync-app.conf.template");
    const probe = JSON.stringify(record(nginx.healthcheck, "healthcheck").test);
    const path = /http:\/\/127\.0\.0\.1(\/[\w/-]+)/.exec(probe)?.[1] ?? "";
    expect(template).toContain(`location = ${path} {`);
  });
});

describe("deployment/Dockerfile", () => {
  const dockerfile = readRepoFile("deployment/Dockerfile");
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const last = (keyword: string) => instructions.filter((l) => l.startsWith(`${keyword} `)).at(-1) ?? "";

  test("builds in several stages on the official Bun image at the repo's Bun version", () => {
    const stages = instructions.filter((l) => l.startsWith("FROM "));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM oven\/bun:/);
    expect(dockerfile).toContain("BUN_VERSION=1.4.5");
    expect(instructions.some((l) => l.startsWith("COPY --from="))).toBe(true);
  });

  test("installs production dependencies only, from the lockfile", () => {
    expect(instructions.some((l) => /bun install .*--frozen-lockfile/.test(l) && l.includes("--production"))).toBe(true);
  });

  test("runs as a non-root user", () => {
    const user = last("USER").slice(5).trim();
    expect(user).not.toBe("");
    expect(["root", "0", "0:0"]).not.toContain(user);
    expect(instructions.indexOf(last("USER"))).toBeLessThan(instructions.indexOf(last("CMD")));
  });

  test("its healthcheck asks /health/ready and the command is in exec form", () => {
    expect(last("HEALTHCHECK")).toContain("/health/ready");
    expect(last("HEALTHCHECK")).not.toContain("/health/live");
    const command: unknown = JSON.parse(last("CMD").slice(4));
    expect(command).toEqual(["bun", "packages/backend/src/main.ts"]);
  });

  test(".dockerignore keeps local state, git history and test output out of the build context", () => {
    const ignored = readRepoFile(".dockerignore").split("\n").map((l) => l.trim());
    for (const entry of ["node_modules", ".data", ".git", ".ci-out", "bench", ".env"]) expect(ignored).toContain(entry);
  });
});
