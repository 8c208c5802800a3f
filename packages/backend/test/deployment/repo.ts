import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (deployment files are read from the checkout, not from a copy). */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), "utf8");
}

export function repoFileExists(...parts: string[]): boolean {
  return existsSync(repoPath(...parts));
}

/** A parsed YAML mapping, or a clear failure naming the file. */
export function readYaml(...parts: string[]): Record<string, unknown> {
  const parsed: unknown = Bun.YAML.parse(readRepoFile(...parts));
  if (!isRecord(parsed)) throw new Error(`${parts.join("/")} is not a YAML mapping`);
  return parsed;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A nested mapping field, failing loudly when the shape is not what the test expects. */
export function record(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${what} is not a mapping`);
  return value;
}
