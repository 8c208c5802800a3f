import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { databaseUrl, skipReason } from "../support/env";
import { bodyOf } from "../support/http";
import { get, staff } from "../support/identity";
import { hostAndPort, startTcpProxy, type CutMode, type TcpProxy } from "../support/tcp-proxy";

// Postgres going away (through a proxy this file owns): every database route answers a quick,
// retryable 503 DATABASE_UNAVAILABLE instead of hanging until the request timeout or a 500.
const CONNECT_TIMEOUT_MS = 800;
const needsPostgres = skipReason("postgres");

describe.skipIf(!!needsPostgres)("with Postgres unreachable", () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let staffToken: string;

  beforeAll(async () => {
    const target = hostAndPort(databaseUrl as string, 5432);
    proxy = await startTcpProxy(target.host, target.port);
    t = await createTestApp({
      label: "db_outage",
      routeDatabase: (url) => proxy.url(url),
      env: { DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), DATABASE_STATEMENT_TIMEOUT_MS: "3000", REQUEST_TIMEOUT_MS: "20000" },
    });
    staffToken = (await staff(t)).tokens.accessToken;
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  for (const mode of ["reset", "blackhole"] as CutMode[]) {
    test(`a database outage (${mode}) is answered 503 DATABASE_UNAVAILABLE with Retry-After within the connect timeout, not a 500 after a long hang`, async () => {
      proxy.cut(mode);
      try {
        for (let i = 0; i < 2; i++) {
          const started = performance.now();
          const res = await get(t, "/api/v1/catalog/products", staffToken);
          const took = performance.now() - started;
          const body = await bodyOf(res);
          expect({ status: res.status, code: body.error?.code }).toEqual({ status: 503, code: "DATABASE_UNAVAILABLE" });
          expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
          expect(took).toBeLessThan(3 * CONNECT_TIMEOUT_MS);
        }
        expect(t.reported).toEqual([]);
      } finally {
        proxy.restore();
      }
      // Back to normal once Postgres answers again.
      let status = 0;
      for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
        status = (await get(t, "/api/v1/catalog/products", staffToken)).status;
        if (status !== 200) await Bun.sleep(100);
      }
      expect(status).toBe(200);
    });
  }
});
