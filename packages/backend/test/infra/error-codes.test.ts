import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { AppError } from "../../src/infra/errors";

const SRC = join(import.meta.dir, "../../src");
// Codes the global handler writes itself, for errors that are not ours (schema, parser, timeout).
const HANDLER_CODES = ["MALFORMED_BODY", "INVALID_CHARACTERS", "REQUEST_TIMEOUT"];

interface ErrorClass {
  name: string;
  file: string;
  code: string;
  status: number;
  ownsCode: boolean;
}

/** Every AppError class exported by infra/errors.ts, http/errors.ts and each domain's errors.ts. */
async function errorClasses(): Promise<ErrorClass[]> {
  const files = ["infra/errors.ts", "http/errors.ts", ...new Bun.Glob("domains/*/errors.ts").scanSync({ cwd: SRC })].sort();
  const found: ErrorClass[] = [];
  for (const file of files) {
    const exported: Record<string, unknown> = await import(join(SRC, file));
    for (const value of Object.values(exported)) {
      if (typeof value !== "function" || !(value === AppError || value.prototype instanceof AppError)) continue;
      const kind = value as unknown as { name: string; code: string; status: number };
      found.push({ name: kind.name, file, code: kind.code, status: kind.status, ownsCode: Object.hasOwn(value, "code") });
    }
  }
  return found;
}

describe("error classes", () => {
  test("every domain declares its errors in errors.ts and the catalogue finds them", async () => {
    const files = new Set((await errorClasses()).map((c) => c.file));
    for (const domain of ["catalog", "identity", "inventory", "marketplace", "order", "stock-sync"]) {
      expect(files.has(`domains/${domain}/errors.ts`)).toBe(true);
    }
  });

  test("each code is UPPER_SNAKE and declared by one class only", async () => {
    const owners = new Map<string, string[]>();
    for (const c of (await errorClasses()).filter((c) => c.ownsCode)) {
      expect(c.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      owners.set(c.code, [...(owners.get(c.code) ?? []), `${c.file}: ${c.name}`]);
    }
    const collisions = [...owners].filter(([, classes]) => classes.length > 1);
    expect(collisions).toEqual([]);
    expect(HANDLER_CODES.filter((code) => owners.has(code))).toEqual([]);
  });

  test("each class answers with a 4xx or 5xx status", async () => {
    const wrong = (await errorClasses()).filter((c) => !Number.isInteger(c.status) || c.status < 400 || c.status > 599);
    expect(wrong.map((c) => `${c.name} ${c.status}`)).toEqual([]);
  });

  test("an instance carries its class's code and status", async () => {
    const { StoreNotFound } = await import("../../src/domains/catalog/errors");
    const error = new StoreNotFound("s-1");
    expect({ code: error.code, status: error.status, message: error.message, details: error.details }).toEqual({
      code: "STORE_NOT_FOUND",
      status: 404,
      message: "No such store",
      details: { storeId: "s-1" },
    });
  });
});
