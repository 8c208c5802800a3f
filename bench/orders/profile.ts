/**
 * Where the server's CPU goes while it places orders: the orders bench's shop and load, one mix,
 * with the server under Bun's sampling profiler (--cpu-prof-md). Writes the markdown profile into
 * PROFILE_DIR (default a temporary folder) and prints its path. No baseline, no goals: a tool for
 * finding what to make cheaper, not a measurement to quote.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 \
 *     npx -y bun@1.4.5 run bench/orders/profile.ts
 *
 * BENCH_SECONDS (8), BENCH_MIX (uniform | hot), BENCH_CONNECTIONS (200), STOCK_LOCKS (on | off).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchServer } from "../auth/server";
import { signUpCustomers } from "./customers";
import { createBenchDatabase } from "./database";
import { prepareOrderDriver } from "./load";
import type { Mix } from "./mix";
import { roundLine } from "./report";
import { seedShop } from "./seed";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const MIX: Mix = process.env.BENCH_MIX === "hot" ? "hot" : "uniform";
const LOCKS = process.env.STOCK_LOCKS === "off" ? "off" : "on";
const dir = process.env.PROFILE_DIR ?? mkdtempSync(join(tmpdir(), "orders-profile-"));
const redisUrl = process.env.REDIS_URL || undefined;
const runId = randomBytes(4).toString("hex");

const database = await createBenchDatabase(process.env.DATABASE_URL || undefined);
const driver = await prepareOrderDriver();
try {
  const seeding = await database.open();
  await seeding.migrate();
  const shop = await seedShop(seeding.db, { products: 1000, stock: 1_000_000 });
  await seeding.close();
  const env: Record<string, string> = {
    ...database.serverEnv,
    STOCK_LOCKS: LOCKS,
    DATABASE_POOL_MAX: "10",
    JWT_SECRET: randomBytes(32).toString("base64"),
    ACCESS_TOKEN_TTL_SECONDS: "3600",
    PASSWORD_MEMORY_COST_KIB: "1024",
    PASSWORD_TIME_COST: "1",
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `ps:bench:profile:${runId}:` } : {}),
  };
  const server = await startBenchServer(env, ["--cpu-prof-md", `--cpu-prof-dir=${dir}`]);
  try {
    const tokens = await signUpCustomers(server.url, 20);
    const load = { url: server.url, connections: CONNECTIONS, storeId: shop.storeId, productIds: shop.productIds, tokens, mix: MIX, serverPid: server.pid };
    await driver.run({ ...load, seconds: 3, keyPrefix: `profile-${runId}-warm` });
    const result = await driver.run({ ...load, seconds: SECONDS, keyPrefix: `profile-${runId}` });
    process.stdout.write(`${roundLine(`${MIX}, lock ${LOCKS} (profiled)`, result)}\n`);
  } finally {
    await server.stop();
  }
  process.stdout.write(`profile: ${readdirSync(dir).map((name) => join(dir, name)).join(", ")}\n`);
} finally {
  driver.dispose();
  await database.drop();
}
