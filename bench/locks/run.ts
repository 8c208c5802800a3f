/**
 * Lock port throughput: how many critical sections per second each implementation admits,
 * on one hot key (every sale of one product) and on distinct keys (sales of different products).
 * Printed as ratios against the in-process port on distinct keys, measured in the same run.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 npx -y bun@1.4.5 run bench/locks/run.ts
 */
import { createMemoryLocks, createRedlockLocks, type LockPort } from "../../packages/backend/src/infra/locks";
import { createLogger } from "../../packages/backend/src/infra/logger";
import { closeRedis, createRedisClient } from "../../packages/backend/src/infra/redis";

const SECTIONS = Number(process.env.BENCH_SECTIONS ?? 2000);
const CONCURRENCY = 50;
const log = createLogger({ level: "silent", pretty: false });

async function sectionsPerSecond(port: LockPort, keyOf: (i: number) => string): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < SECTIONS) {
      const i = next++;
      await port.withLocks([keyOf(i)], async () => undefined, { waitMs: 30_000 });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return SECTIONS / ((performance.now() - started) / 1000);
}

const rows: { name: string; perSecond: number }[] = [];
const memory = createMemoryLocks();
rows.push({ name: "memory, distinct keys (baseline)", perSecond: await sectionsPerSecond(memory, (i) => `p${i}`) });
rows.push({ name: "memory, one hot key", perSecond: await sectionsPerSecond(memory, () => "hot") });

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  const client = createRedisClient(redisUrl, log, "bench");
  const prefix = `ps:bench:${process.pid}:`;
  const redlock = createRedlockLocks([client], { prefix, log });
  rows.push({ name: "redlock, distinct keys", perSecond: await sectionsPerSecond(redlock, (i) => `p${i}`) });
  rows.push({ name: "redlock, one hot key", perSecond: await sectionsPerSecond(redlock, () => "hot") });
  await redlock.close();
  await closeRedis(client);
} else {
  process.stderr.write("REDIS_URL is not set: redlock rows skipped\n");
}

const baseline = rows[0]?.perSecond ?? 1;
process.stdout.write(`lock sections, ${SECTIONS} per row, ${CONCURRENCY} concurrent callers\n`);
for (const row of rows) {
  process.stdout.write(
    `${row.name.padEnd(34)} ${Math.round(row.perSecond).toString().padStart(8)}/s  ratio ${(row.perSecond / baseline).toFixed(3)}\n`,
  );
}
