import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../support/app";
import { unboundedRequestValues } from "./bounds";
import { fetchDocument, operationsOf, requestBodySchema } from "./openapi";

const ROOT = join(import.meta.dir, "../../../..");

interface SpectralResult {
  code: string;
  message: string;
  path: (string | number)[];
  /** 0 error, 1 warning, 2 info, 3 hint */
  severity: number;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ label: "openapi-lint" });
});
afterAll(() => t.close());

/** Runs the Spectral CLI (the tool, pinned in the root package.json) under this Bun binary. */
async function spectralLint(documentPath: string): Promise<SpectralResult[]> {
  const cli = join(ROOT, "node_modules/@stoplight/spectral-cli/dist/index.js");
  const proc = Bun.spawn([process.execPath, cli, "lint", documentPath, "--ruleset", join(ROOT, ".spectral.yaml"), "--format", "json", "--quiet", "--fail-severity", "error"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  const start = out.indexOf("[");
  if (start < 0) throw new Error(`spectral printed no results (exit ${proc.exitCode}): ${err || out}`);
  return JSON.parse(out.slice(start)) as SpectralResult[];
}

describe("OpenAPI lint", () => {
  test("/swagger/json has 0 errors under Spectral's spectral:oas ruleset", async () => {
    const doc = await fetchDocument(t);
    const file = join(process.env.TMPDIR ?? "/tmp", `pazarsync-openapi-${process.pid}-${Date.now()}.json`);
    await Bun.write(file, JSON.stringify(doc));
    const results = await spectralLint(file);
    await Bun.file(file).delete();
    const errors = results.filter((r) => r.severity === 0);
    const warnings = results.filter((r) => r.severity === 1);
    process.stdout.write(`openapi lint: ${errors.length} errors, ${warnings.length} warnings (spectral:oas)\n`);
    expect(errors.map((e) => `${e.code} at ${e.path.join(".")}: ${e.message}`)).toEqual([]);
  }, 60_000);

  test("every request value is bounded: maxLength, minimum/maximum, maxItems, closed objects", async () => {
    expect(unboundedRequestValues(await fetchDocument(t))).toEqual([]);
  });

  test("every operation with a JSON body documents 400 (unparsable) and 422 (invalid)", async () => {
    const doc = await fetchDocument(t);
    const missing = operationsOf(doc)
      .filter(({ op }) => requestBodySchema(op))
      .flatMap(({ label, op }) => ["400", "422"].filter((status) => !op.responses[status]).map((status) => `${label} ${status}`));
    expect(missing).toEqual([]);
  });

  test("the bounds check sees an unbounded value", () => {
    const doc = {
      openapi: "3.1.0",
      paths: {
        "/x": {
          post: {
            responses: {},
            parameters: [{ in: "query" as const, name: "q", schema: { type: "string" } }],
            requestBody: { content: { "application/json": { schema: { type: "object", properties: { n: { type: "integer", minimum: 0 } } } } } },
          },
        },
      },
    };
    expect(unboundedRequestValues(doc)).toEqual([
      "POST /x query q: string without maxLength",
      "POST /x body: object without additionalProperties: false",
      "POST /x body.n: integer without minimum and maximum",
    ]);
  });
});
