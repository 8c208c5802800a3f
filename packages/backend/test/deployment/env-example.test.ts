import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { ConfigError, loadConfig } from "../../src/config";
import { readRepoFile } from "./repo";

const example = readRepoFile("deployment/.env.production.example");

/** NAME=value lines, set or commented out ("# NAME=default" documents a default). */
function documented(text: string): Map<string, { value: string; active: boolean }> {
  const entries = new Map<string, { value: string; active: boolean }>();
  for (const line of text.split("\n")) {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[2]) entries.set(match[2], { value: match[3] ?? "", active: match[1] === undefined });
  }
  return entries;
}

/** The keys of config.ts's RawEnv and config-http.ts's RawHttpEnv schemas: every variable the app reads. */
function configVariables(): string[] {
  const schemas: [string, string][] = [
    ["packages/backend/src/config.ts", "RawEnv"],
    ["packages/backend/src/config-http.ts", "RawHttpEnv"],
  ];
  return schemas.flatMap(([file, name]) => {
    const source = readRepoFile(file);
    const body = new RegExp(`const ${name} = Type\\.Object\\(\\{([\\s\\S]*?)\\n\\}\\);`).exec(source)?.[1] ?? "";
    return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] ?? "");
  });
}

const entries = documented(example);
const active = Object.fromEntries([...entries].filter(([, e]) => e.active).map(([name, e]) => [name, e.value]));

describe("deployment/.env.production.example", () => {
  test("documents every variable config.ts reads", () => {
    const variables = configVariables();
    // Guards the parser: a config.ts reshaped past recognition must fail here, not pass empty.
    expect(variables.length).toBeGreaterThan(40);
    expect(variables).toEqual(expect.arrayContaining(["DATABASE_URL", "JWT_SECRET", "CREDENTIALS_KEY", "AUTH_WINDOW_SECONDS", "CORS_ORIGINS", "RATE_LIMIT_AUTH"]));
    expect(variables.filter((name) => !entries.has(name))).toEqual([]);
  });

  test("documents every variable docker-compose.prod.yml interpolates", () => {
    const compose = readRepoFile("docker-compose.prod.yml");
    const interpolated = new Set([...compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? ""));
    expect(interpolated).toContain("POSTGRES_PASSWORD");
    expect(interpolated).toContain("GRAFANA_ADMIN_PASSWORD");
    expect([...interpolated].filter((name) => !entries.has(name))).toEqual([]);
  });

  test("holds placeholders only: secrets are empty or CHANGE_ME (certificate settings are file paths)", () => {
    const secretish = [...entries].filter(([name]) => /SECRET|PASSWORD$|_KEY$|_KEYS$|DSN$/.test(name));
    expect(secretish.length).toBeGreaterThan(5);
    for (const [name, { value }] of secretish) {
      expect({ name, placeholder: value === "" || value.includes("CHANGE_ME") || value.startsWith("/") }).toEqual({ name, placeholder: true });
    }
    expect(new URL(active.DATABASE_URL ?? "").password).toBe("CHANGE_ME");
  });

  test("as written the app refuses to start, naming the secrets still to fill in", () => {
    let problems: string[] = [];
    try {
      loadConfig(active);
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual(expect.arrayContaining(["JWT_SECRET is required in production", "CREDENTIALS_KEY is required in production"]));
  });

  test("with the secrets filled in, every value it sets is one the app accepts in production", () => {
    const config = loadConfig({
      ...active,
      JWT_SECRET: randomBytes(48).toString("base64"),
      CREDENTIALS_KEY: randomBytes(32).toString("base64"),
    });
    expect(config.nodeEnv).toBe("production");
    expect(config.trustProxy).toBe(true);
    expect(config.databaseUrl).toStartWith("postgres://");
    expect(config.redisUrl).toBe("redis://redis:6379");
    expect(config.demo).toBeUndefined();
  });
});
