/**
 * An order stream through an outage: a few orders in flight at all times, each with its own
 * Idempotency-Key, while the test cuts and restores one dependency (through its TCP proxy). Then
 * the checks every outage must pass: nothing accepted is lost, nothing is duplicated, a 503 is
 * either nothing or the order a same-key retry returns, and the stock invariants hold.
 */
import { expect } from "bun:test";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/infra/db";
import type { TestApp } from "../support/app";
import { bodyOf } from "../support/http";
import { get } from "../support/identity";
import { newKey, placeOrder } from "./support";

export interface Orderer {
  app: TestApp;
  token: string;
  userId: string;
}

export interface Outcome {
  orderer: Orderer;
  key: string;
  productId: string;
  status: number;
  code?: string;
  retry?: string;
  orderId?: string;
  startedAt: number;
  took: number;
}

export interface StreamPlan {
  /** One worker per orderer: each keeps one order in flight. */
  orderers: Orderer[];
  storeId: string;
  productIds: string[];
  beforeMs: number;
  outageMs: number;
  afterMs: number;
  cut(): void;
  restore(): void;
}

export interface StreamRun {
  outcomes: Outcome[];
  cutAt: number;
  restoredAt: number;
}

export async function runOrderStream(plan: StreamPlan): Promise<StreamRun> {
  const outcomes: Outcome[] = [];
  let running = true;
  let turn = 0;
  const worker = async (orderer: Orderer) => {
    while (running) {
      const productId = plan.productIds[turn++ % plan.productIds.length] as string;
      const key = newKey("stream");
      const startedAt = performance.now();
      const res = await placeOrder(orderer.app, orderer.token, { storeId: plan.storeId, items: [{ productId, quantity: 1 }] }, key);
      const took = performance.now() - startedAt;
      const body = await bodyOf(res);
      outcomes.push({
        orderer,
        key,
        productId,
        status: res.status,
        code: body?.error?.code,
        retry: body?.error?.details?.retry,
        orderId: res.status === 201 ? body.id : undefined,
        startedAt,
        took,
      });
      // As a client would: a short pause between orders, a longer one after a refusal.
      await Bun.sleep(res.status === 201 ? 20 : 250);
    }
  };
  const workers = plan.orderers.map(worker);
  await Bun.sleep(plan.beforeMs);
  const cutAt = performance.now();
  plan.cut();
  try {
    await Bun.sleep(plan.outageMs);
  } finally {
    plan.restore();
  }
  const restoredAt = performance.now();
  await Bun.sleep(plan.afterMs);
  running = false;
  await Promise.all(workers);
  return { outcomes, cutAt, restoredAt };
}

/** Orders that started while the dependency was cut and were answered before it came back. */
/** One line of figures per fault run, for the record (CI's log keeps it). */
export function reportRun(name: string, run: StreamRun, totals: { accepted: number; refused: number; materialised: number }): void {
  const during = duringOutage(run);
  const answered = during.map((o) => o.took).sort((a, b) => a - b);
  const codes = [...new Set(during.map((o) => `${o.status}${o.code ? ` ${o.code}` : ""}`))].join(", ");
  const max = answered.length > 0 ? Math.round(answered[answered.length - 1] as number) : 0;
  process.stderr.write(
    `${name}: ${run.outcomes.length} orders sent, ${during.length} during the cut (${codes}; slowest answer ${max} ms); ` +
      `${totals.accepted} accepted, ${totals.refused} answered 503 and settled by a same-key retry (${totals.materialised} of them had committed behind the 503)\n`,
  );
}

export const duringOutage = (run: StreamRun) => run.outcomes.filter((o) => o.startedAt >= run.cutAt && o.startedAt + o.took <= run.restoredAt);

async function storedAnswer(t: TestApp, scope: string, key: string): Promise<{ status: number | null; orderId: string | null } | undefined> {
  const [row] = await queryRows<{ status: number | null; order_id: string | null }>(
    t.infra.database.db,
    sql`select response_status as status, response_body->>'id' as order_id from idempotency_keys where scope = ${scope} and key = ${key}`,
  );
  return row && { status: row.status, orderId: row.order_id };
}

/**
 * The checks after the run (every dependency back): every 201 exists once; every other answer
 * is a 503 that left either nothing or the order its same-key retry returns; the store holds
 * exactly the orders answered; reservations match them; the invariants hold.
 */
export async function checkAfterOutage(t: TestApp, run: StreamRun, storeId: string): Promise<{ accepted: number; refused: number; materialised: number }> {
  const ids = new Set<string>();
  const perProduct = new Map<string, number>();
  const count = (productId: string) => perProduct.set(productId, (perProduct.get(productId) ?? 0) + 1);
  for (const o of run.outcomes.filter((o) => o.status === 201)) {
    const orderId = o.orderId as string;
    expect(ids.has(orderId)).toBe(false);
    ids.add(orderId);
    count(o.productId);
    expect((await get(o.orderer.app, `/api/v1/orders/${orderId}`, o.orderer.token)).status).toBe(200);
  }
  const refused = run.outcomes.filter((o) => o.status !== 201);
  let materialised = 0;
  for (const o of refused) {
    expect({ status: o.status, code: o.code, retry: o.retry }).toEqual({ status: 503, code: o.code, retry: "same-idempotency-key" });
    const before = await storedAnswer(t, o.orderer.userId, o.key);
    const retried = await placeOrder(o.orderer.app, o.orderer.token, { storeId, items: [{ productId: o.productId, quantity: 1 }] }, o.key);
    const answer = await bodyOf(retried);
    expect({ first: o.code, retried: retried.status, error: answer.error?.code }).toEqual({ first: o.code, retried: 201, error: undefined });
    const orderId = answer.id as string;
    if (before) {
      // The order committed although its answer was a 503: the retry must return that order.
      materialised += 1;
      expect(before).toEqual({ status: 201, orderId });
    }
    expect(ids.has(orderId)).toBe(false);
    ids.add(orderId);
    count(o.productId);
  }
  const [stored] = await queryRows<{ n: number }>(t.infra.database.db, sql`select count(*)::int as n from orders where store_id = ${storeId}`);
  expect(stored?.n).toBe(ids.size);
  for (const [productId, quantity] of perProduct) {
    const [row] = await queryRows<{ reserved: number }>(
      t.infra.database.db,
      sql`select coalesce(sum(reserved), 0)::int as reserved from inventory_levels where product_id = ${productId}`,
    );
    expect({ productId, reserved: row?.reserved }).toEqual({ productId, reserved: quantity });
  }
  expect((await t.services.inventory.checkInvariants()).violations).toEqual([]);
  return { accepted: run.outcomes.length - refused.length, refused: refused.length, materialised };
}

/** A customer of the app (or of a replica: same database and secrets) ready to order. */
export async function ordererOn(app: TestApp, token: string): Promise<Orderer> {
  const me = await bodyOf(await get(app, "/api/v1/auth/me", token));
  return { app, token, userId: me.id };
}
