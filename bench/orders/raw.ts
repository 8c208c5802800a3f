/**
 * The baseline: what a reservation costs the database alone. 200 async workers in this process
 * on one pool, each looping over one transaction of the statements an order's reservation runs
 * (the conditional increment, then a ledger row), on the same products, from the same mix.
 */
import type { PGlite } from "@electric-sql/pglite";
import type { Sql } from "postgres";
import { type Mix, productPicker } from "./mix";

/** Runs `body` in one transaction; `query` sends one parameterised statement and answers its rows. */
export type Transact = (body: (query: (text: string, params: (string | number)[]) => Promise<unknown[]>) => Promise<void>) => Promise<void>;

export const postgresTransact =
  (sql: Sql): Transact =>
  async (body) => {
    await sql.begin((tx) => body((text, params) => tx.unsafe(text, params)));
  };

export const pgliteTransact =
  (pg: PGlite): Transact =>
  async (body) => {
    await pg.transaction((tx) => body(async (text, params) => (await tx.query(text, params)).rows));
  };

const RESERVE = `update inventory_levels set reserved = reserved + 1, updated_at = now()
  where product_id = $1 and warehouse_id = $2 and on_hand - reserved >= 1
  returning on_hand, reserved`;
const LEDGER = `insert into stock_movements
  (product_id, warehouse_id, kind, delta, on_hand_before, on_hand_after, reserved_before, reserved_after, reason, correlation_id)
  values ($1, $2, 'RESERVE', 0, $3, $3, $4, $5, 'bench raw reservation', $6)`;

export interface RawResult {
  perSecond: number;
  committed: number;
  latencyMs: { p50: number; p99: number };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

function isLevel(row: unknown): row is { on_hand: number; reserved: number } {
  return typeof row === "object" && row !== null && typeof (row as Record<string, unknown>).reserved === "number";
}

/** Loops for `seconds`; a reservation that finds no row to update fails the run (stock must never run out). */
export async function runRawLoad(
  transact: Transact,
  options: { mix: Mix; seconds: number; workers: number; productIds: string[]; warehouseId: string; label: string },
): Promise<RawResult> {
  const nextProduct = productPicker(options.mix, options.productIds);
  const latencies: number[] = [];
  let committed = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const reserveOne = async () => {
    const productId = nextProduct();
    const n = ++issued;
    await transact(async (query) => {
      const [level] = await query(RESERVE, [productId, options.warehouseId]);
      if (!isLevel(level)) throw new Error(`raw baseline: no stock left for ${productId}: the seed must give every product enough`);
      await query(LEDGER, [productId, options.warehouseId, level.on_hand, level.reserved - 1, level.reserved, `${options.label}-${n}`]);
    });
  };
  const worker = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      await reserveOne();
      latencies.push(performance.now() - begun);
      committed += 1;
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: committed / elapsed, committed, latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) } };
}
