import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApiLogWriter, latestCalls, purgeApiLogs } from "../../src/domains/stock-sync/api-logs";
import { marketplaceApiLogs } from "../../src/domains/stock-sync/schema";
import type { ApiCall } from "../../src/domains/marketplace/types";
import { type Database, openDatabase } from "../../src/infra/db";
import { createLogger } from "../../src/infra/logger";
import { createTestApp, type TestApp } from "../support/app";
import { createScratchDatabase } from "../support/database";
import { capturingLogger } from "../support/logs";
import { migratedPgliteTemplate } from "../support/pglite-template";
import { marketplaceStore } from "./persistence-support";

let t: TestApp;
let db: Database;
const silent = createLogger({ level: "silent", pretty: false });
beforeAll(async () => {
  t = await createTestApp({ label: "sync-api-logs" });
  db = t.infra.database.db;
});
afterAll(() => t.close());

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function call(overrides: Partial<ApiCall> = {}): ApiCall {
  return { marketplace: "TRENDYOL", callType: "STOCK_UPDATE", httpStatus: 200, durationMs: 41.6, itemCount: 3, batchId: "b-1", ...overrides };
}

describe("the api log writer", () => {
  test("a hook call only queues; flush writes the call with its store and request id", async () => {
    const storeId = await marketplaceStore(t);
    const writer = createApiLogWriter(db, silent, { delayMs: 60_000 });
    const hook = writer(storeId, "req-42");
    expect(hook(call())).toBeUndefined();
    expect(await latestCalls(db, storeId, 10)).toEqual([]);
    await writer.flush();
    const [row] = await latestCalls(db, storeId, 10);
    expect(row).toMatchObject({
      storeId,
      marketplace: "TRENDYOL",
      callType: "STOCK_UPDATE",
      httpStatus: 200,
      durationMs: 42,
      itemCount: 3,
      batchId: "b-1",
      error: null,
      requestId: "req-42",
    });
  });

  test("many calls are written in batches and read back newest first", async () => {
    const storeId = await marketplaceStore(t);
    const writer = createApiLogWriter(db, silent, { batchSize: 3, delayMs: 60_000 });
    const hook = writer(storeId);
    for (let i = 0; i < 8; i += 1) hook(call({ batchId: `b-${i}`, callType: i % 2 ? "BATCH_STATUS" : "STOCK_UPDATE" }));
    await writer.flush();
    const rows = await latestCalls(db, storeId, 100);
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => b - a));
    expect(await latestCalls(db, storeId, 5)).toHaveLength(5);
  });

  test("a failed call keeps its status, error code and no answer", async () => {
    const storeId = await marketplaceStore(t);
    const writer = createApiLogWriter(db, silent);
    writer(storeId)(call({ httpStatus: null, error: "MARKETPLACE_TIMEOUT", batchId: undefined }));
    await writer.flush();
    const [row] = await latestCalls(db, storeId, 1);
    expect(row).toMatchObject({ httpStatus: null, error: "MARKETPLACE_TIMEOUT", batchId: null });
  });

  test("calls are written without a flush soon after", async () => {
    const storeId = await marketplaceStore(t);
    const writer = createApiLogWriter(db, silent, { delayMs: 5 });
    writer(storeId)(call());
    writer(storeId)(call());
    for (let i = 0; i < 100 && (await latestCalls(db, storeId, 10)).length < 2; i += 1) await sleep(50);
    expect(await latestCalls(db, storeId, 10)).toHaveLength(2);
  });

  test("when the database is gone the hook and flush still never throw, and a warning is logged", async () => {
    const scratch = t.config.databaseUrl ? await createScratchDatabase("sync-api-logs-gone") : undefined;
    const handle = await openDatabase(
      scratch ? { url: scratch.url, log: silent } : { pgliteDataDir: "memory://", pgliteTemplate: await migratedPgliteTemplate(), log: silent },
    );
    await handle.close();
    await scratch?.drop();
    const { log, lines } = capturingLogger("warn");
    const writer = createApiLogWriter(handle.db, log, { batchSize: 2, delayMs: 60_000 });
    const hook = writer(null);
    for (let i = 0; i < 5; i += 1) expect(() => hook(call())).not.toThrow();
    await writer.flush();
    // Five calls in batches of two: three failed inserts, each warned about once, none retried forever.
    const warnings = lines.filter((line) => line.msg === "marketplace api log rows dropped: insert failed");
    expect(warnings.map((line) => line.calls)).toEqual([2, 2, 1]);
  });
});

describe("reading and purging", () => {
  test("purging deletes calls older than the cut-off and keeps the rest", async () => {
    const storeId = await marketplaceStore(t);
    const old = new Date("2026-01-01T00:00:00Z");
    const recent = new Date("2026-06-01T00:00:00Z");
    // Times in the past cannot be made through the hook (it stamps the call's own time).
    await db.insert(marketplaceApiLogs).values([
      { storeId, marketplace: "TRENDYOL", callType: "OTHER", durationMs: 1, createdAt: old },
      { storeId, marketplace: "TRENDYOL", callType: "OTHER", durationMs: 1, createdAt: recent },
    ]);
    expect(await purgeApiLogs(db, new Date("2026-03-01T00:00:00Z"))).toBeGreaterThanOrEqual(1);
    const left = await latestCalls(db, storeId, 10);
    expect(left.map((r) => r.createdAt.toISOString())).toEqual([recent.toISOString()]);
  });

  test("a store id that is not a uuid has no calls", async () => {
    expect(await latestCalls(db, "nope", 10)).toEqual([]);
  });
});
