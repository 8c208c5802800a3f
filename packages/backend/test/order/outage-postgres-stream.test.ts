import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { databaseUrl, skipReason } from "../support/env";
import { hostAndPort, startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { checkAfterOutage, reportRun, duringOutage, ordererOn, runOrderStream, type Orderer } from "./outage-support";
import { newCustomer, openShop, stockedProduct, type Shop } from "./support";

// Postgres cut for 10 s under a stream of web orders: every order is answered at once with a
// retryable 503, nothing half-done is left behind, and same-key retries settle every one.
const OUTAGE_MS = 10_000;
const CONNECT_TIMEOUT_MS = 1000;
const needsPostgres = skipReason("postgres");

describe.skipIf(!!needsPostgres)("an order stream through a Postgres outage", () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let shop: Shop;
  let productIds: string[];
  let orderers: Orderer[];

  beforeAll(async () => {
    const target = hostAndPort(databaseUrl as string, 5432);
    proxy = await startTcpProxy(target.host, target.port);
    t = await createTestApp({
      label: "pg_stream",
      routeDatabase: (url) => proxy.url(url),
      env: { DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), DATABASE_STATEMENT_TIMEOUT_MS: "5000", REQUEST_TIMEOUT_MS: "20000" },
    });
    shop = await openShop(t);
    productIds = [await stockedProduct(t, shop, 1000), await stockedProduct(t, shop, 1000)];
    orderers = [];
    for (let i = 0; i < 3; i++) orderers.push(await ordererOn(t, await newCustomer(t)));
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  test("with Postgres cut for 10 s, orders are answered 503 DATABASE_UNAVAILABLE within the connect timeout, and afterwards every order is there once or settled by its same-key retry", async () => {
    const run = await runOrderStream({
      orderers,
      storeId: shop.storeId,
      productIds,
      beforeMs: 1500,
      outageMs: OUTAGE_MS,
      afterMs: 4000,
      cut: () => proxy.cut("reset"),
      restore: () => proxy.restore(),
    });
    const during = duringOutage(run);
    expect(during.length).toBeGreaterThan(5);
    for (const o of during) {
      expect({ status: o.status, code: o.code }).toEqual({ status: 503, code: "DATABASE_UNAVAILABLE" });
      expect(o.took).toBeLessThan(3 * CONNECT_TIMEOUT_MS);
    }
    // Sales resume once Postgres is back.
    expect(run.outcomes.some((o) => o.startedAt > run.restoredAt && o.status === 201)).toBe(true);
    const totals = await checkAfterOutage(t, run, shop.storeId);
    reportRun("postgres fault run", run, totals);
    expect(totals.accepted).toBeGreaterThan(5);
  });
});
