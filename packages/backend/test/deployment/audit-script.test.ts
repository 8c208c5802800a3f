import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { repoPath } from "./repo";

/**
 * scripts/audit.sh against a stand-in for the registry's advisory endpoint (bun audit honours
 * BUN_CONFIG_REGISTRY), so each verdict is checked without depending on today's advisories.
 */
type Mode = "high" | "moderate" | "none" | "405";
let mode: Mode = "none";
let asked: string[] = [];
let registry: ReturnType<typeof Bun.serve>;

const ADVISORIES: Record<string, unknown[]> = {
  elysia: [{ id: 1, url: "https://github.com/advisories/GHSA-test-high", title: "Test high", severity: "high", vulnerable_versions: "<999.0.0" }],
  pino: [{ id: 2, url: "https://github.com/advisories/GHSA-test-moderate", title: "Test moderate", severity: "moderate", vulnerable_versions: "<999.0.0" }],
  "drizzle-kit": [{ id: 3, url: "https://github.com/advisories/GHSA-test-dev", title: "Dev only", severity: "critical", vulnerable_versions: "<999.0.0" }],
};

beforeAll(() => {
  registry = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      if (!new URL(request.url).pathname.endsWith("/security/advisories/bulk")) return new Response("not found", { status: 404 });
      if (mode === "405") return new Response("", { status: 405 });
      const raw = new Uint8Array(await request.arrayBuffer());
      const text = new TextDecoder().decode(request.headers.get("content-encoding") === "gzip" ? Bun.gunzipSync(raw) : raw);
      asked = Object.keys(JSON.parse(text) as Record<string, unknown>);
      const served = mode === "high" ? ["elysia", "pino", "drizzle-kit"] : mode === "moderate" ? ["pino", "drizzle-kit"] : [];
      return Response.json(Object.fromEntries(served.filter((name) => asked.includes(name)).map((name) => [name, ADVISORIES[name]])));
    },
  });
});
afterAll(() => registry.stop(true));

async function audit(env: Record<string, string> = {}) {
  const child = Bun.spawn(["bash", repoPath("scripts", "audit.sh")], {
    env: { ...process.env, BUN_CONFIG_REGISTRY: `http://127.0.0.1:${registry.port}/`, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, code] = [await new Response(child.stdout).text(), await child.exited];
  return { code, lines: stdout.trim().split("\n") };
}

describe("dependency audit (scripts/audit.sh)", () => {
  test("a high advisory in a production dependency fails it, naming the package in one summary line", async () => {
    mode = "high";
    const { code, lines } = await audit();
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toStartWith("audit: FAILED");
    expect(lines[0]).toContain("critical 0, high 1, moderate 1");
    expect(lines[0]).toContain("elysia (high: Test high");
  });

  test("devDependencies are not audited: a critical advisory in drizzle-kit does not count", async () => {
    mode = "moderate";
    const { code, lines } = await audit();
    expect(asked).toContain("elysia");
    expect(asked).not.toContain("drizzle-kit");
    expect(asked).not.toContain("typescript");
    expect(code).toBe(0);
    expect(lines[0]).toBe("audit: ok — 1 advisories in production dependencies (critical 0, high 0, moderate 1, low 0)");
  });

  test("no advisories at all passes", async () => {
    mode = "none";
    const { code, lines } = await audit();
    expect(code).toBe(0);
    expect(lines[0]).toStartWith("audit: ok — 0 advisories");
  });

  test("an advisory endpoint that does not answer is reported as NOT RUN: a warning by default, a failure with AUDIT_REQUIRED=1", async () => {
    mode = "405";
    const warned = await audit();
    expect(warned.code).toBe(0);
    expect(warned.lines[0]).toStartWith("audit: NOT RUN");
    expect(warned.lines[0]).toContain("405");
    const required = await audit({ AUDIT_REQUIRED: "1" });
    expect(required.code).toBe(2);
    expect(required.lines[0]).toStartWith("audit: NOT RUN");
  });
});
