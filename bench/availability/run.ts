/**
 * Sellable quantities for many products across 3 stores, on a 100k-product catalog (20% sets).
 * Prints time per call, SQL statements per call, and how time grows from 1k to 10k products
 * asked, as ratios against the 1k call measured in the same run.
 *
 *   npx -y bun@1.4.5 run bench/availability/run.ts                      # PGlite, in memory
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx -y bun@1.4.5 run bench/availability/run.ts
 *
 * With DATABASE_URL a scratch database is created beside it and dropped at the end.
 */
import postgres from "postgres";
import { createAvailability } from "../../packages/backend/src/domains/inventory/availability";
import { QUANTITY_CAPS } from "../../packages/backend/src/domains/marketplace/service";
import { openDatabase } from "../../packages/backend/src/infra/db";
import { createLogger } from "../../packages/backend/src/infra/logger";
import { seedCatalog } from "./seed";

const CATALOG = Number(process.env.BENCH_CATALOG ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SIZES = [1_000, 2_000, 5_000, 10_000];
const log = createLogger({ level: "silent", pretty: false });

async function scratchDatabase(): Promise<{ url?: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { drop: async () => undefined };
  const name = `ps_bench_${Date.now()}`;
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = postgres(base, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      await dropper.end();
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const out = (line: string) => process.stdout.write(`${line}\n`);

const scratch = await scratchDatabase();
let statements = 0;
const handle = await openDatabase({ url: scratch.url, pgliteDataDir: "memory://", log, onQuery: () => void (statements += 1) });
try {
  await handle.migrate();
  const seedStarted = performance.now();
  const { storeIds, productIds, setIds } = await seedCatalog(handle.db, { products: CATALOG, setShare: 0.2, componentsPerSet: 3 });
  out(`driver ${handle.kind}; catalog ${CATALOG} products (${setIds.length} sets), seeded in ${Math.round(performance.now() - seedStarted)} ms`);
  const sellable = createAvailability({ db: handle.db, ceilings: QUANTITY_CAPS });

  const rows: { size: number; ms: number; statements: number; sellableTotal: number }[] = [];
  for (const size of SIZES) {
    const asked = [...productIds.slice(0, Math.round(size * 0.8)), ...setIds.slice(0, Math.round(size * 0.2))];
    const times: number[] = [];
    let perCall = 0;
    let sellableTotal = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const before = statements;
      const started = performance.now();
      // One call per store: "sellable for N products across 3 stores".
      const results = await Promise.all(storeIds.map((storeId) => sellable(storeId, asked)));
      const elapsed = performance.now() - started;
      perCall = (statements - before) / storeIds.length;
      sellableTotal = results.reduce((sum, map) => sum + [...map.values()].reduce((s, d) => s + d.sellable, 0), 0);
      if (round > 0) times.push(elapsed); // round 0 warms caches and plans
    }
    rows.push({ size, ms: median(times), statements: perCall, sellableTotal });
  }

  const baseline = rows[0]?.ms ?? 1;
  out(`products asked   3 stores (ms)   per store (ms)   statements/call   time vs 1k   linear would be`);
  for (const row of rows) {
    out(
      `${String(row.size).padStart(14)}   ${row.ms.toFixed(1).padStart(13)}   ${(row.ms / 3).toFixed(1).padStart(14)}   ${String(row.statements).padStart(15)}   ${(row.ms / baseline).toFixed(2).padStart(10)}x   ${(row.size / (rows[0]?.size ?? 1)).toFixed(0).padStart(14)}x`,
    );
  }
} finally {
  await handle.close();
  await scratch.drop();
}
