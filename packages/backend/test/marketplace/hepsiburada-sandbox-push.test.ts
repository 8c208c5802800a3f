/**
 * The sandbox plays Hepsiburada's order push (fixtures hepsiburada/order-push, order-cancel-push):
 * once a merchant's target is set, a new order is POSTed to `{url}/orders` and each cancelled
 * record PUT to `{url}/lineitems/{id}/cancel`, with Basic auth, in the fixtures' shapes, in the
 * order they happened; a push not answered 2xx is sent again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixture, shapeMismatches } from "@pazarsync/marketplace-fixtures";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import { HB_ACCOUNT, hbSandbox } from "./hepsiburada-support";

interface Received {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

let sandbox: RunningSandbox;
let receiver: ReturnType<typeof Bun.serve>;
const received: Received[] = [];
/** Statuses the receiver answers next (then 201 / 204). */
const failNext: number[] = [];

beforeAll(async () => {
  // A scale at which the 60 s retry interval is 60 ms.
  sandbox = await hbSandbox({ timeScale: 1000 });
  receiver = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      received.push({ method: request.method, path: url.pathname, authorization: request.headers.get("authorization"), body: await request.json() });
      const failed = failNext.shift();
      if (failed !== undefined) return new Response("down", { status: failed });
      return new Response(null, { status: request.method === "POST" ? 201 : 204 });
    },
  });
});
// The sandbox is stopped by hbSandbox's own afterAll.
afterAll(async () => {
  await receiver.stop(true);
});

const controlUrl = (what: string) => `${sandbox.url}/__sandbox/marketplaces/hepsiburada/${HB_ACCOUNT.account}/${what}`;
const base = () => `http://127.0.0.1:${receiver.port}/hooks/hb-store`;
const AUTH = `Basic ${Buffer.from("hb-user:hb-pass").toString("base64")}`;

async function control(method: string, what: string, body?: unknown): Promise<Response> {
  return fetch(controlUrl(what), { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function order(lines: { code: string; quantity: number; unitPrice: number }[]): Promise<string> {
  return ((await (await control("POST", "orders", { lines })).json()) as { id: string }).id;
}

async function until(count: number): Promise<void> {
  const end = Date.now() + 5000;
  while (received.length < count && Date.now() < end) await Bun.sleep(10);
  expect(received.length).toBeGreaterThanOrEqual(count);
}

describe("Hepsiburada order push in the sandbox", () => {
  test("the control route sets, shows (without the password) and removes a merchant's push target; a bad body is 422", async () => {
    expect((await control("PUT", "push", { url: "not a url", username: "u", password: "p" })).status).toBe(422);
    expect((await control("PUT", "push", { url: base(), username: "u" })).status).toBe(422);
    expect((await control("PUT", "push", { url: `${base()}/`, username: "hb-user", password: "hb-pass" })).status).toBe(200);
    const shown = (await (await control("GET", "push")).json()) as { target: Record<string, string> };
    expect(shown.target).toEqual({ url: base(), username: "hb-user" });
    expect((await control("PATCH", "push")).status).toBe(405);
  });

  test("a new order is POSTed to {url}/orders and a cancelled line PUT to {url}/lineitems/{id}/cancel, in the fixtures' shapes, with Basic auth, in order", async () => {
    received.length = 0;
    const number = await order([
      { code: "SKU-P1", quantity: 3, unitPrice: 1_250 },
      { code: "SKU-P2", quantity: 1, unitPrice: 999 },
    ]);
    const cancel = await fetch(controlUrl("cancel-line"), { method: "POST", body: JSON.stringify({ lineId: `${number}-1`, quantity: 2 }) });
    expect(cancel.status).toBeLessThan(300);
    await until(2);
    const [pushed, cancelled] = received;
    expect([pushed?.method, pushed?.path, pushed?.authorization]).toEqual(["POST", "/hooks/hb-store/orders", AUTH]);
    const orderPush = fixture("hepsiburada", "order-push").exchanges[0]?.request;
    expect(shapeMismatches(orderPush?.body, pushed?.body, "sent")).toEqual([]);
    expect(shapeMismatches(orderPush?.body, pushed?.body, "answered")).toEqual([]);
    const items = (pushed?.body as { items: Record<string, unknown>[] }).items;
    expect(items.map((item) => [item.id, item.orderNumber, item.merchantSKU, item.quantity, (item.unitPrice as { amount: number }).amount])).toEqual([
      [`${number}-1`, number, "SKU-P1", 3, 12.5],
      [`${number}-2`, number, "SKU-P2", 1, 9.99],
    ]);

    expect([cancelled?.method, cancelled?.path, cancelled?.authorization]).toEqual(["PUT", `/hooks/hb-store/lineitems/${number}-1/cancel`, AUTH]);
    const cancelPush = fixture("hepsiburada", "order-cancel-push").exchanges[0]?.request;
    expect(shapeMismatches(cancelPush?.body, cancelled?.body, "sent")).toEqual([]);
    expect(shapeMismatches(cancelPush?.body, cancelled?.body, "answered")).toEqual([]);
    expect(cancelled?.body).toMatchObject({ id: `${number}-1`, orderNumber: number, quantity: 2 });

    // The push carries the cancelled list's own cancelDate, so a receiver can match the two.
    const listed = await fetch(`${sandbox.url}/orders/merchantid/${HB_ACCOUNT.account}/cancelled?offset=0&limit=50`, {
      headers: { authorization: `Basic ${Buffer.from(`${HB_ACCOUNT.account}:${HB_ACCOUNT.secret}`).toString("base64")}`, "user-agent": HB_ACCOUNT.key },
    });
    const records = ((await listed.json()) as { items: { lineItemId: string; cancelDate: string }[] }).items.filter((r) => r.lineItemId === `${number}-1`);
    expect(records.map((r) => r.cancelDate)).toEqual([(cancelled?.body as { cancelDate: string }).cancelDate]);
  });

  test("a whole-order cancellation pushes one record per line; a push answered 500 is sent again; after DELETE nothing is pushed", async () => {
    received.length = 0;
    failNext.push(500);
    const number = await order([{ code: "SKU-P3", quantity: 1, unitPrice: 100 }]);
    await until(2);
    expect(received.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/hooks/hb-store/orders"],
      ["POST", "/hooks/hb-store/orders"],
    ]);
    // The second push was received; the sandbox records its answer a moment later.
    const deliveriesOf = async () => ((await (await control("GET", "push")).json()) as { deliveries: Record<string, unknown>[] }).deliveries.filter((d) => d.orderNumber === number);
    const end = Date.now() + 5000;
    let deliveries = await deliveriesOf();
    while (deliveries[0]?.delivered !== true && Date.now() < end) {
      await Bun.sleep(10);
      deliveries = await deliveriesOf();
    }
    expect(deliveries).toEqual([{ kind: "order", orderNumber: number, attempts: 2, delivered: true, lastHttpStatus: 201 }]);

    const two = await order([
      { code: "SKU-P4", quantity: 2, unitPrice: 100 },
      { code: "SKU-P5", quantity: 1, unitPrice: 100 },
    ]);
    await until(3);
    received.length = 0;
    expect((await control("POST", `orders/${two}/cancel`)).status).toBe(200);
    await until(2);
    expect(received.map((r) => [r.path, (r.body as { quantity: number }).quantity])).toEqual([
      [`/hooks/hb-store/lineitems/${two}-1/cancel`, 2],
      [`/hooks/hb-store/lineitems/${two}-2/cancel`, 1],
    ]);

    expect((await control("DELETE", "push")).status).toBe(204);
    received.length = 0;
    await order([{ code: "SKU-P6", quantity: 1, unitPrice: 100 }]);
    await Bun.sleep(100);
    expect(received).toEqual([]);
  });
});
