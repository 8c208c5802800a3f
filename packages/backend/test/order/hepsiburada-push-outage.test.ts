/**
 * Hepsiburada's order push while Postgres is away: answered 503 (not 2xx and lost), and the push
 * sent again once Postgres is back records the order once. The app reaches Postgres through a TCP
 * proxy this file owns, so the outage is this app's alone.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../support/app";
import { databaseUrl, skipReason } from "../support/env";
import { bodyOf } from "../support/http";
import { hostAndPort, startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { eventually, type HbShop, hbShop, listed, ordersUnder, pushedLine, pushOrder, reserved } from "./hepsiburada-push-support";

const skip = skipReason("postgres");
/** A push refused for our fault: 503 at once (the driver failed fast) or at the request deadline (it waited). */
const TRANSIENT = ["WEBHOOK_INTAKE_UNAVAILABLE", "REQUEST_TIMEOUT"];

let t: TestApp;
let proxy: TcpProxy;
let shop: HbShop;
beforeAll(async () => {
  if (skip || !databaseUrl) return;
  const target = hostAndPort(databaseUrl, 5432);
  proxy = await startTcpProxy(target.host, target.port);
  t = await createTestApp({ label: "hepsiburada-push-outage", routeDatabase: (url) => proxy.url(url), env: { REQUEST_TIMEOUT_MS: "3000" } });
  shop = await hbShop(t);
});
afterAll(async () => {
  if (skip) return;
  proxy?.restore();
  await t?.close();
  await proxy?.close();
});

describe.skipIf(Boolean(skip))("Hepsiburada's order push while Postgres is down", () => {
  test("a push that cannot be recorded is answered 503; sent again after the outage it is recorded once", async () => {
    const { productId, barcode } = await listed(shop, "HB outage", 4);
    const number = `88${Date.now() % 1_000_000}`;
    const body = { items: [pushedLine(number, `${number}-1`, barcode, 1)] };
    proxy.cut("reset");
    try {
      const res = await pushOrder(shop, body);
      expect(res.status).toBe(503);
      expect(TRANSIENT).toContain((await bodyOf(res)).error.code);
    } finally {
      proxy.restore();
    }
    expect(await eventually(async () => (await pushOrder(shop, body)).status === 201, 15_000)).toBe(true);
    expect(await ordersUnder(shop, number)).toHaveLength(1);
    expect(await reserved(shop, productId)).toBe(1);
  }, 60_000);
});
