import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createScratchDatabase, type ScratchDatabase } from "../support/database";
import { skipReason } from "../support/env";
import { appProcessEnv, startServer, type RunningServer } from "../support/process";

// Two real app processes on one Postgres and one Redis, as two replicas behind nginx would be,
// and a burst of concurrent orders for more than the stock: the proof that nothing oversells.
const needsServers = skipReason("postgres") ?? skipReason("redis");
const STOCK = 50;
const ORDERS = 400;
const servers: RunningServer[] = [];
let scratch: ScratchDatabase | undefined;

afterAll(async () => {
  for (const server of servers) if (server.proc.exitCode === null) await server.stop("SIGTERM");
  await scratch?.drop();
});

async function call(base: string, method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function created(base: string, path: string, body: unknown, token: string): Promise<string> {
  const res = await call(base, "POST", path, body, token);
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.id);
}

interface Cluster {
  a: RunningServer;
  b: RunningServer;
  url: string;
  admin: string;
  warehouse: string;
  shelf: string;
  /** Customer tokens, signed in on the second process. */
  customers: string[];
}

let running: Promise<Cluster> | undefined;

/** The two processes, an admin, a warehouse with a shelf and eight customers, shared by the tests of this file. */
function cluster(): Promise<Cluster> {
  running ??= startCluster();
  return running;
}

async function startCluster(): Promise<Cluster> {
  scratch = await createScratchDatabase("nooversell");
  const adminEmail = `ops-${randomBytes(3).toString("hex")}@example.com`;
  const env = {
    ...appProcessEnv(scratch.url, "nooversell", adminEmail),
    // Marketplace orders arrive by webhook here; the pull finds nothing at start and does not run again.
    ORDER_PULL_INTERVAL_MS: "3600000",
    // The proof is about overselling, not latency: on a busy test machine hundreds of writers queued
    // on one product's lock and pool wait longer than production's few seconds, which would be 503s.
    LOCK_WAIT_MS: "120000",
    REQUEST_TIMEOUT_MS: "120000",
    DATABASE_CONNECT_TIMEOUT_MS: "120000",
    DATABASE_STATEMENT_TIMEOUT_MS: "120000",
  };
  const [a, b] = await Promise.all([startServer(env), startServer(env)]);
  servers.push(a, b);

  const login = await call(a.url, "POST", "/api/v1/auth/login", { email: adminEmail, password: "a long admin password" });
  const admin = String(login.body.accessToken);
  const warehouse = await created(a.url, "/api/v1/inventory/warehouses", { code: "MAIN", name: "Main" }, admin);
  const shelf = await created(a.url, `/api/v1/inventory/warehouses/${warehouse}/shelves`, { code: "A1" }, admin);
  const customers: string[] = [];
  for (let i = 0; i < 8; i++) {
    const email = `buyer-${i}-${randomBytes(3).toString("hex")}@example.com`;
    expect((await call(a.url, "POST", "/api/v1/auth/register", { email, password: "buyer password" })).status).toBe(201);
    customers.push(String((await call(b.url, "POST", "/api/v1/auth/login", { email, password: "buyer password" })).body.accessToken));
  }
  return { a, b, url: scratch.url, admin, warehouse, shelf, customers };
}

let skus = 0;

/** SCARCE with `stock` units, PLENTY with 10,000, and a set of one of each: answers their ids and barcodes. */
async function scarceAndSet(c: Cluster, stock: number) {
  const tag = `${++skus}${randomBytes(2).toString("hex")}`;
  const product = (sku: string) => ({ sku: `${sku}-${tag}`, barcode: `869${sku}${tag}`, name: sku, type: "SIMPLE", price: 1000, listPrice: 1000, currency: "TRY", vatRate: 20 });
  const scarce = await created(c.a.url, "/api/v1/catalog/products", product("SCARCE"), c.admin);
  const plenty = await created(c.a.url, "/api/v1/catalog/products", product("PLENTY"), c.admin);
  const set = await created(
    c.a.url,
    "/api/v1/catalog/products",
    { ...product("BUNDLE"), type: "SET", components: [{ productId: scarce, quantity: 1 }, { productId: plenty, quantity: 1 }] },
    c.admin,
  );
  for (const [id, quantity] of [[scarce, stock], [plenty, 10_000]] as const) {
    const res = await call(c.a.url, "POST", `/api/v1/inventory/shelves/${c.shelf}/stock`, { productId: id, delta: quantity, reason: "opening stock" }, c.admin);
    expect(res.status).toBe(200);
  }
  return { scarce, set, barcodes: { scarce: `869SCARCE${tag}`, set: `869BUNDLE${tag}` } };
}

const deadlocks = async (sql: postgres.Sql) => Number((await sql`select deadlocks from pg_stat_database where datname = current_database()`)[0]?.deadlocks);

/** Every level within its bounds, and the ledger adding up to the levels for every product and warehouse. */
async function expectLedgerAndLevelsAgree(sql: postgres.Sql) {
  const [negative] = await sql`select count(*)::int as n from inventory_levels where on_hand < 0 or reserved < 0 or reserved > on_hand`;
  expect(negative?.n).toBe(0);
  const mismatches = await sql`
    select l.product_id from inventory_levels l
    left join (
      select product_id, warehouse_id,
             sum(on_hand_after - on_hand_before)::int as on_hand, sum(reserved_after - reserved_before)::int as reserved
      from stock_movements group by product_id, warehouse_id
    ) m on m.product_id = l.product_id and m.warehouse_id = l.warehouse_id
    where coalesce(m.on_hand, 0) <> l.on_hand or coalesce(m.reserved, 0) <> l.reserved`;
  expect(mismatches).toHaveLength(0);
}

describe.skipIf(!!needsServers)("two app processes, one Postgres, one Redis", () => {
  test(`${ORDERS} concurrent orders for a product with stock ${STOCK} and a set containing it sell exactly ${STOCK}`, async () => {
    const c = await cluster();
    const { a, b, customers, admin } = c;
    const { scarce, set } = await scarceAndSet(c, STOCK);
    const store = await created(a.url, "/api/v1/stores", { name: "Web", type: "WEB", warehouseIds: [c.warehouse] }, admin);

    const sql = postgres(c.url, { max: 1, onnotice: () => undefined });
    const deadlocksBefore = await deadlocks(sql);

    // Half the orders take the product loose, half through the set: both need one of the scarce unit.
    const results = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        call(
          (i % 2 === 0 ? a : b).url,
          "POST",
          "/api/v1/orders",
          { storeId: store, items: [{ productId: i % 4 < 2 ? scarce : set, quantity: 1 }] },
          customers[i % customers.length],
          { "idempotency-key": `burst-${i}` },
        ),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 201)).toHaveLength(STOCK);
    for (const refused of results.filter((r) => r.status === 409)) {
      expect((refused.body.error as { code: string }).code).toBe("OUT_OF_STOCK");
    }

    const [level] = await sql`select on_hand, reserved from inventory_levels where product_id = ${scarce}`;
    expect(level).toEqual({ on_hand: STOCK, reserved: STOCK });
    await expectLedgerAndLevelsAgree(sql);
    const [allocated] = await sql`select coalesce(sum(quantity), 0)::int as n from order_allocations where product_id = ${scarce} and state = 'RESERVED'`;
    expect(allocated?.n).toBe(STOCK);
    expect((await deadlocks(sql)) - deadlocksBefore).toBe(0);
    await sql.end();

    const invariants = await call(b.url, "GET", "/api/v1/inventory/invariants", undefined, admin);
    expect(invariants.body.ok).toBe(true);
  }, 180_000);

  test(`web orders and marketplace deliveries racing across both processes for stock ${STOCK} and a set sell exactly ${STOCK}; OVERSOLD holds nothing`, async () => {
    const c = await cluster();
    const { a, b, customers, admin } = c;
    const { scarce, set, barcodes } = await scarceAndSet(c, STOCK);
    const web = await created(a.url, "/api/v1/stores", { name: "Web too", type: "WEB", warehouseIds: [c.warehouse] }, admin);
    const hook = { webhookUsername: "ty-hook", webhookPassword: "hook-secret-1", webhookApiKey: "hook-api-key-1" };
    const marketplace = await created(
      a.url,
      "/api/v1/stores",
      // Nothing is pushed to or pulled from it: a closed port stands in for Trendyol.
      { name: "Trendyol", type: "TRENDYOL", sellerId: "97531", baseUrl: "http://127.0.0.1:9", sendStock: false, credentials: { apiKey: "k", apiSecret: "s", ...hook }, warehouseIds: [c.warehouse] },
      admin,
    );
    const authorization = `Basic ${Buffer.from(`${hook.webhookUsername}:${hook.webhookPassword}`).toString("base64")}`;
    const sql = postgres(c.url, { max: 1, onnotice: () => undefined });
    const deadlocksBefore = await deadlocks(sql);

    // Every other request is a marketplace package; each process gets both kinds; a quarter of each take the set.
    const requests = Array.from({ length: ORDERS }, (_, i) => {
      const server = (i % 4 < 2 ? a : b).url;
      const viaSet = i % 8 >= 4;
      if (i % 2 === 0) {
        const items = [{ productId: viaSet ? set : scarce, quantity: 1 }];
        return call(server, "POST", "/api/v1/orders", { storeId: web, items }, customers[i % customers.length], { "idempotency-key": `race-${i}` });
      }
      const id = 700_000 + i;
      const line = { lineId: id * 10, barcode: viaSet ? barcodes.set : barcodes.scarce, quantity: 1, lineUnitPrice: 10 };
      return call(server, "POST", `/api/v1/marketplace/webhooks/trendyol/${marketplace}`, { shipmentPackageId: id, status: "Created", lastModifiedDate: Date.now(), lines: [line] }, undefined, { authorization });
    });
    const results = await Promise.all(requests);
    const webAnswers = results.filter((_, i) => i % 2 === 0);
    const deliveries = results.filter((_, i) => i % 2 === 1);
    expect(webAnswers.filter((r) => r.status !== 201 && r.status !== 409)).toEqual([]);
    expect(deliveries.filter((r) => r.status !== 200)).toEqual([]);
    const outcomes = deliveries.map((r) => r.body.outcome);
    expect(outcomes.every((outcome) => outcome === "created" || outcome === "oversold")).toBe(true);
    const sold = webAnswers.filter((r) => r.status === 201).length + outcomes.filter((outcome) => outcome === "created").length;
    expect(sold).toBe(STOCK);

    const [level] = await sql`select on_hand, reserved from inventory_levels where product_id = ${scarce}`;
    expect(level).toEqual({ on_hand: STOCK, reserved: STOCK });
    const [oversold] = await sql`
      select count(*)::int as orders, count(*) filter (where shortages is null)::int as without_shortages,
             coalesce(sum((select count(*) from order_allocations a where a.order_id = o.id)), 0)::int as allocations
      from orders o where o.store_id = ${marketplace} and o.status = 'OVERSOLD'`;
    expect(oversold).toEqual({ orders: outcomes.filter((outcome) => outcome === "oversold").length, without_shortages: 0, allocations: 0 });
    const [held] = await sql`
      select coalesce(sum(a.quantity), 0)::int as n from order_allocations a join orders o on o.id = a.order_id
      where a.product_id = ${scarce} and a.state = 'RESERVED' and o.store_id in (${web}, ${marketplace})`;
    expect(held?.n).toBe(STOCK);
    await expectLedgerAndLevelsAgree(sql);
    expect((await deadlocks(sql)) - deadlocksBefore).toBe(0);
    await sql.end();

    const invariants = await call(a.url, "GET", "/api/v1/inventory/invariants", undefined, admin);
    expect(invariants.body.ok).toBe(true);
  }, 180_000);
});
