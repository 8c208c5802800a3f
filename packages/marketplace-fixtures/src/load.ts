/**
 * Reads the fixture files (<marketplace>/<call>[.<variant>].json beside this package's src) and
 * refuses any that lacks its source, date or excerpt, so a fixture cannot lose its evidence.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { Fixture, MARKETPLACES } from "./fixture";

export const FIXTURES_DIR = join(import.meta.dir, "..");

export class FixtureInvalid extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.join("; ")}`);
    this.name = "FixtureInvalid";
  }
}

export function parseFixture(file: string, text: string): Fixture {
  const data: unknown = JSON.parse(text);
  if (!Value.Check(Fixture, data)) {
    throw new FixtureInvalid(file, [...Value.Errors(Fixture, data)].slice(0, 10).map((error) => `${error.path || "/"} ${error.message}`));
  }
  const expected = file.split("/").at(-1)?.replace(/\.json$/, "");
  const named = data.variant ? `${data.call}.${data.variant}` : data.call;
  if (expected !== named) throw new FixtureInvalid(file, [`file name should be ${named}.json`]);
  return data;
}

/** Every fixture of one marketplace, by file name without .json. */
export function fixturesOf(marketplace: (typeof MARKETPLACES)[number]): Map<string, Fixture> {
  const dir = join(FIXTURES_DIR, marketplace);
  const found = new Map<string, Fixture>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith(".json")).sort();
  } catch {
    return found;
  }
  for (const name of files) {
    const file = join(dir, name);
    const fixture = parseFixture(file, readFileSync(file, "utf8"));
    if (fixture.marketplace !== marketplace) throw new FixtureInvalid(file, [`marketplace is ${fixture.marketplace}, folder is ${marketplace}`]);
    found.set(name.replace(/\.json$/, ""), fixture);
  }
  return found;
}

/** One fixture by name (`order-pull` or `order-pull.v2`); throws if it is missing. */
export function fixture(marketplace: (typeof MARKETPLACES)[number], name: string): Fixture {
  const found = fixturesOf(marketplace).get(name);
  if (!found) throw new Error(`no fixture ${marketplace}/${name}.json`);
  return found;
}
