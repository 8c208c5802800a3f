import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { readRepoFile, repoPath } from "./repo";

// The marketplace sandbox is a development and test tool: the production image leaves its package
// out, so nothing the server loads may need it. Checked as text (no Docker engine here) and through
// Bun's own import scanner, which drops type-only imports exactly as the runtime erases them.

const SANDBOX_PACKAGE = "@pazarsync/marketplace-sandbox";
const SANDBOX_DIR = repoPath("packages/marketplace-sandbox");
const BACKEND_SRC = repoPath("packages/backend/src");

/** Sources of every COPY in the Dockerfile (flags such as --from= and --chown= left out). */
function copySources(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^COPY\s/i.test(line))
    .flatMap((line) => {
      const words = line.split(/\s+/).slice(1).filter((w) => !w.startsWith("--"));
      return words.slice(0, -1);
    });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const transpiler = new Bun.Transpiler({ loader: "ts" });

/** Every import of the sandbox that Bun would resolve when loading the backend's sources. */
function sandboxImports(): { file: string; kind: string }[] {
  return sourceFiles(BACKEND_SRC).flatMap((file) =>
    transpiler
      .scanImports(readFileSync(file, "utf8"))
      .filter((i) => i.path === SANDBOX_PACKAGE || i.path.startsWith(`${SANDBOX_PACKAGE}/`) || (i.path.startsWith(".") && resolve(dirname(file), i.path).startsWith(SANDBOX_DIR)))
      .map((i) => ({ file: relative(BACKEND_SRC, file), kind: i.kind })),
  );
}

describe("the marketplace sandbox stays out of production", () => {
  test("the Dockerfile copies neither the sandbox package nor a folder holding it", () => {
    const sources = copySources(readRepoFile("deployment/Dockerfile"));
    expect(sources.length).toBeGreaterThan(0);
    const holdsSandbox = sources.filter((s) => {
      const path = s.replace(/^\.\//, "").replace(/\/$/, "");
      return path === "." || path === "packages" || path.includes("*") || path.startsWith("packages/marketplace-sandbox");
    });
    expect(holdsSandbox).toEqual([]);
  });

  test("the Dockerfile copies the backend's sources, which therefore must not need the sandbox", () => {
    expect(copySources(readRepoFile("deployment/Dockerfile"))).toContain("packages/backend/src");
  });

  test("no backend source imports the sandbox at load time; only the demo loads it, on demand", () => {
    const imports = sandboxImports();
    expect(imports.filter((i) => i.kind !== "dynamic-import")).toEqual([]);
    expect(imports).toEqual([{ file: "dev/demo.ts", kind: "dynamic-import" }]);
  });
});
