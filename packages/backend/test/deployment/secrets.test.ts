import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { REPO_ROOT, repoPath } from "./repo";
import { isPlaceholder, scanText, type Finding } from "./secret-scan";

/**
 * Files allowed to match, each with the reason. Empty today: test fixtures build their keys at
 * run time (randomBytes), so nothing in packages/backend/test needs an exception.
 */
const ALLOWED: Record<string, string> = {};

/** Committed files plus new ones not ignored (what the next commit would carry). */
function repoFiles(): string[] | undefined {
  const listed = Bun.spawnSync(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
  if (listed.exitCode !== 0) return undefined;
  return listed.stdout.toString().split("\0").filter((f) => f !== "");
}

const files = Bun.which("git") ? repoFiles() : undefined;
if (!files) process.stderr.write("[skip] not a git checkout (or git is missing): the committed-secret scan is skipped\n");

function scanFile(file: string): Finding[] {
  const path = repoPath(file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return []; // listed but deleted in the working tree
  }
  if (size > 5_000_000) return [];
  const bytes = readFileSync(path);
  if (bytes.includes(0)) return []; // binary
  return scanText(file, bytes.toString("utf8"));
}

// Built at run time so this file never carries a matching string itself.
const fakePrivateKey = ["-----BEGIN", "RSA PRIVATE", "KEY-----"].join(" ");
const fakeGithubToken = `ghp_${"A1b2C3d4E5".repeat(4)}`;
const fakeAwsKey = `AKIA${"QWERTYUIOPASDFGH"}`;

describe("secret scan", () => {
  test("flags private keys, cloud and chat tokens, and random values for secret names in config files", () => {
    const rules = (file: string, text: string) => scanText(file, text).map((f) => f.rule);
    expect(rules("notes.md", fakePrivateKey)).toEqual(["private key"]);
    expect(rules("src/x.ts", `const t = "${fakeGithubToken}";`)).toEqual(["GitHub token"]);
    expect(rules("deploy.sh", `export AWS_ACCESS_KEY_ID=${fakeAwsKey}`)).toEqual(["AWS access key id"]);
    expect(rules("deployment/.env.production", `JWT_SECRET=${randomBytes(36).toString("base64")}`)).toEqual([
      "high-entropy value for JWT_SECRET",
    ]);
    expect(rules(".env", `# CREDENTIALS_KEY=${randomBytes(32).toString("base64")}`)).toEqual(["high-entropy value for CREDENTIALS_KEY"]);
    expect(rules("compose.yml", `      POSTGRES_PASSWORD: ${randomBytes(32).toString("base64url")}`)).toEqual([
      "high-entropy value for POSTGRES_PASSWORD",
    ]);
    expect(rules("app.env", `CREDENTIALS_KEY=${randomBytes(32).toString("hex")}`)).toEqual(["high-entropy value for CREDENTIALS_KEY"]);
  });

  test("passes placeholders, interpolations, file paths and prose comments", () => {
    const text = [
      "JWT_SECRET=",
      "POSTGRES_PASSWORD=CHANGE_ME",
      "      GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD}",
      "NGINX_TLS_KEY=/etc/nginx/certs/privkey.pem",
      "# 32 bytes as base64: openssl rand -base64 32",
      "# CREDENTIALS_KEY_ID=k1",
    ].join("\n");
    expect(scanText("deployment/.env.production.example", text)).toEqual([]);
    expect(isPlaceholder("<your key>")).toBe(true);
    expect(isPlaceholder("k7Qm2pX9vL4nR8sT")).toBe(false);
  });

  test.skipIf(!files)("no file in the repository carries a secret", () => {
    const list = files ?? [];
    expect(list.length).toBeGreaterThan(100);
    expect(list).toContain("deployment/.env.production.example");
    const findings = list.filter((file) => !(file in ALLOWED)).flatMap(scanFile);
    expect(findings).toEqual([]);
  });

  test.skipIf(!files)("filled-in env files are ignored by git, the example is not", () => {
    const ignored = (path: string) => Bun.spawnSync(["git", "check-ignore", "-q", path], { cwd: REPO_ROOT }).exitCode === 0;
    expect(ignored("deployment/.env.production")).toBe(true);
    expect(ignored(".env")).toBe(true);
    expect(ignored("deployment/.env.production.example")).toBe(false);
  });
});
