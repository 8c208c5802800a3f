import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ORDER_STATUSES, TRANSITIONS } from "../../src/domains/order/status";
import { createTestApp, type TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { get } from "../support/identity";
import { act, level, newCustomer, openShop, type Shop } from "./support";
import { ACTION_FOR, bodyFor, orderIn, type Status } from "./transitions-support";

let t: TestApp;
let shop: Shop;
let buyer: string;
beforeAll(async () => {
  t = await createTestApp({ label: "order-illegal" });
  shop = await openShop(t);
  buyer = await newCustomer(t);
});
afterAll(() => t.close());

// Every (from, to) pair the table does not allow, for every status a route can ask for.
const illegal = ORDER_STATUSES.flatMap((from) =>
  (Object.keys(ACTION_FOR) as (keyof typeof ACTION_FOR)[]).filter((to) => !TRANSITIONS[from].includes(to)).map((to) => [from, to] as const),
);

describe("illegal transitions through the routes", () => {
  test("the table leaves 52 pairs to refuse", () => {
    expect(illegal).toHaveLength(52);
  });

  for (const [from, to] of illegal) {
    test(`${from} -> ${to} is 409 INVALID_TRANSITION and changes nothing`, async () => {
      const order = await orderIn(t, shop, buyer, from as Status);
      const productId = order.items[0].productId;
      const before = await level(t, shop, productId);
      const action = ACTION_FOR[to];
      const res = await act(t, shop.staffToken, order.id, action, bodyFor(action, shop));
      expect(res.status).toBe(409);
      expect((await bodyOf(res)).error).toMatchObject({ code: "INVALID_TRANSITION", details: { from, to } });
      expect((await bodyOf(await get(t, `/api/v1/orders/${order.id}`, shop.staffToken))).status).toBe(from);
      expect(await level(t, shop, productId)).toEqual(before);
    });
  }
});
