/**
 * Part 1 of bench/sync: the cost of one store's flush of 100 dirty products, on a 10k and then
 * a 100k catalog in the same store, engine in this process (createInfrastructure + createServices
 * as the app builds them), a Trendyol store pointed at an in-process sandbox. Each repetition
 * marks 100 products never marked before in this run (20% sets when drawn), so every one differs
 * from what sync_sent holds and all 100 go out in one request; then flushOne(storeId) is timed
 * and its SQL statements counted through the database's onQuery hook.
 */
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../packages/backend/src/config";
import { startSandbox } from "@pazarsync/marketplace-sandbox";
import { createInfrastructure } from "../../packages/backend/src/infra/bootstrap";
import { createLogger } from "../../packages/backend/src/infra/logger";
import { createServices } from "../../packages/backend/src/services";
import { createScratchDatabase, type ScratchDatabase } from "../../packages/backend/test/support/database";
import { seedRange, seedWarehouse } from "./seed";
import { median, percentile, sleep } from "./stats";

const DIRTY = 100;
const SIZES = [10_000, 100_000];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
/** Untimed flushes first at each size: the first ones pay for JIT, query plans and the store's channel. */
const WARMUP = 3;
/** Trendyol's endpoint bucket refills 3 tokens/s at our 90% share: one flush each 400 ms never waits for one. */
const PAUSE_MS = 400;

export interface FlushCostRow {
  size: number;
  medianMs: number;
  p90Ms: number;
  statements: number;
}

export async function runFlushCost(out: (line: string) => void, progress: (line: string) => void): Promise<FlushCostRow[]> {
  const runId = randomBytes(4).toString("hex");
  const scratch: ScratchDatabase | undefined = process.env.DATABASE_URL ? await createScratchDatabase("bench_sync") : undefined;
  const config = loadConfig({
    NODE_ENV: "test",
    PGLITE_DATA_DIR: "memory://",
    DATABASE_URL: scratch?.url,
    REDIS_URL: process.env.REDIS_URL || undefined,
    REDIS_KEY_PREFIX: `ps:bench:sync:${runId}:`,
  });
  const log = createLogger({ level: "silent", pretty: false });
  let statements = 0;
  const infra = await createInfrastructure(config, log, { onQuery: () => void (statements += 1) });
  const sellerId = `BENCH${runId}`;
  const sandbox = await startSandbox({ resultDelayMs: 0, sellers: [{ sellerId, apiKey: "k", apiSecret: "s" }] });
  try {
    await infra.database.migrate();
    const services = createServices({ config, log, infra });
    const warehouseId = await seedWarehouse(infra.database.db);
    const store = await services.stores.createStore({
      name: "Sync bench Trendyol",
      type: "TRENDYOL",
      sellerId,
      baseUrl: sandbox.url,
      credentials: { apiKey: "k", apiSecret: "s" },
      warehouseIds: [warehouseId],
      policy: { safetyStock: 0, percentage: 100, maxQuantity: null, floor: 0 },
    });
    out(
      `flush cost: one Trendyol store on an in-process sandbox, ${DIRTY} dirty products per flush, ${ROUNDS} timed flushes per size after ${WARMUP} untimed; ` +
        `database ${infra.database.kind}, key-value store ${config.redisUrl ? "Redis" : "in-process"}, locks ${config.redisUrl ? "Redlock" : "in-process"}`,
    );

    const catalog: string[] = [];
    const used = new Set<string>();
    const rows: FlushCostRow[] = [];
    for (const size of SIZES) {
      const seedStarted = performance.now();
      catalog.push(...(await seedRange(infra.database.db, { storeId: store.id, warehouseId, from: catalog.length + 1, to: size })));
      progress(`catalog ${size}: seeded in ${Math.round(performance.now() - seedStarted)} ms`);
      const times: number[] = [];
      const counts: number[] = [];
      for (let round = 0; round < WARMUP + ROUNDS; round++) {
        const picked = pick(catalog, used, DIRTY);
        await services.sync.markDirty(picked.map((productId) => ({ storeId: store.id, productId })));
        await sleep(PAUSE_MS);
        const before = statements;
        const started = performance.now();
        const result = await services.sync.flushOne(store.id);
        const elapsed = performance.now() - started;
        // A flush that did not send all 100 in one request measured something else: fail loudly.
        if (!result || result.outcome !== "sent" || result.sent !== DIRTY || result.batches !== 1) {
          throw new Error(`catalog ${size}, round ${round}: expected 100 items sent in 1 request, got ${JSON.stringify(result)}`);
        }
        if (round >= WARMUP) {
          times.push(elapsed);
          counts.push(statements - before);
        }
      }
      progress(`catalog ${size}: flush times ${times.map((t) => t.toFixed(0)).join(" ")} ms`);
      rows.push({ size, medianMs: median(times), p90Ms: percentile(times, 0.9), statements: median(counts) });
    }
    const shown = Object.keys((await (await fetch(`${sandbox.url}/__sandbox/sellers/${sellerId}/quantities`)).json()) as Record<string, number>).length;
    const expected = SIZES.length * (WARMUP + ROUNDS) * DIRTY;
    if (shown !== expected) throw new Error(`the sandbox shows ${shown} barcodes, expected ${expected}`);

    const base = rows[0] as FlushCostRow;
    out(`catalog   flush median (ms)   p90 (ms)   SQL statements/flush   median vs 10k`);
    for (const row of rows) {
      out(
        `${String(row.size).padStart(7)}   ${row.medianMs.toFixed(1).padStart(17)}   ${row.p90Ms.toFixed(1).padStart(8)}   ${String(row.statements).padStart(20)}   ${(row.medianMs / base.medianMs).toFixed(2).padStart(12)}x`,
      );
    }
    out(`ratio 100k/10k: ${((rows[1]?.medianMs ?? 0) / base.medianMs).toFixed(2)}x (goal: close to 1; the catalog grew 10x)`);
    return rows;
  } finally {
    await sandbox.stop();
    await infra.close();
    await scratch?.drop();
  }
}

/** `count` random products not picked before in this run. */
function pick(catalog: readonly string[], used: Set<string>, count: number): string[] {
  const picked: string[] = [];
  while (picked.length < count) {
    const id = catalog[Math.floor(Math.random() * catalog.length)] as string;
    if (used.has(id)) continue;
    used.add(id);
    picked.push(id);
  }
  return picked;
}
