import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createScratchDatabase, type ScratchDatabase } from "../support/database";
import { databaseUrl, redisUrl, skipReason, uniquePrefix } from "../support/env";
import { startServer, type RunningServer } from "../support/process";

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

describe.skipIf(!!needsServers)("two app processes, one Postgres, one Redis", () => {
  test(`${ORDERS} concurrent orders for a product with stock ${STOCK} and a set containing it sell exactly ${STOCK}`, async () => {
    scratch = await createScratchDatabase("nooversell");
    const adminEmail = `ops-${randomBytes(3).toString("hex")}@example.com`;
    const env = {
      DATABASE_URL: scratch.url,
      REDIS_URL: redisUrl as string,
      REDIS_KEY_PREFIX: uniquePrefix("nooversell"),
      JWT_SECRET: randomBytes(32).toString("base64"),
      CREDENTIALS_KEY: randomBytes(32).toString("base64"),
      PASSWORD_MEMORY_COST_KIB: "1024",
      PASSWORD_TIME_COST: "1",
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: "a long admin password",
    };
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    servers.push(a, b);

    const login = await call(a.url, "POST", "/api/v1/auth/login", { email: adminEmail, password: "a long admin password" });
    const admin = String(login.body.accessToken);
    const warehouse = await created(a.url, "/api/v1/inventory/warehouses", { code: "MAIN", name: "Main" }, admin);
    const shelf = await created(a.url, `/api/v1/inventory/warehouses/${warehouse}/shelves`, { code: "A1" }, admin);
    const product = (sku: string) => ({ sku, barcode: `869${sku}`, name: sku, type: "SIMPLE", price: 1000, listPrice: 1000, currency: "TRY", vatRate: 20 });
    const scarce = await created(a.url, "/api/v1/catalog/products", product("SCARCE"), admin);
    const plenty = await created(a.url, "/api/v1/catalog/products", product("PLENTY"), admin);
    const set = await created(
      a.url,
      "/api/v1/catalog/products",
      { ...product("BUNDLE"), type: "SET", components: [{ productId: scarce, quantity: 1 }, { productId: plenty, quantity: 1 }] },
      admin,
    );
    for (const [id, quantity] of [[scarce, STOCK], [plenty, 10_000]] as const) {
      const res = await call(a.url, "POST", `/api/v1/inventory/shelves/${shelf}/stock`, { productId: id, delta: quantity, reason: "opening stock" }, admin);
      expect(res.status).toBe(200);
    }
    const store = await created(a.url, "/api/v1/stores", { name: "Web", type: "WEB", warehouseIds: [warehouse] }, admin);

    const customers: string[] = [];
    for (let i = 0; i < 8; i++) {
      const email = `buyer-${i}-${randomBytes(3).toString("hex")}@example.com`;
      expect((await call(a.url, "POST", "/api/v1/auth/register", { email, password: "buyer password" })).status).toBe(201);
      customers.push(String((await call(b.url, "POST", "/api/v1/auth/login", { email, password: "buyer password" })).body.accessToken));
    }

    const sql = postgres(scratch.url, { max: 1, onnotice: () => undefined });
    const deadlocksBefore = Number((await sql`select deadlocks from pg_stat_database where datname = current_database()`)[0]?.deadlocks);

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
    const [negative] = await sql`select count(*)::int as n from inventory_levels where on_hand < 0 or reserved < 0 or reserved > on_hand`;
    expect(negative?.n).toBe(0);
    // The ledger adds up to the levels, for every product and warehouse.
    const mismatches = await sql`
      select l.product_id from inventory_levels l
      left join (
        select product_id, warehouse_id,
               sum(on_hand_after - on_hand_before)::int as on_hand, sum(reserved_after - reserved_before)::int as reserved
        from stock_movements group by product_id, warehouse_id
      ) m on m.product_id = l.product_id and m.warehouse_id = l.warehouse_id
      where coalesce(m.on_hand, 0) <> l.on_hand or coalesce(m.reserved, 0) <> l.reserved`;
    expect(mismatches).toHaveLength(0);
    const [allocated] = await sql`select coalesce(sum(quantity), 0)::int as n from order_allocations where product_id = ${scarce} and state = 'RESERVED'`;
    expect(allocated?.n).toBe(STOCK);
    const deadlocksAfter = Number((await sql`select deadlocks from pg_stat_database where datname = current_database()`)[0]?.deadlocks);
    expect(deadlocksAfter - deadlocksBefore).toBe(0);
    await sql.end();

    const invariants = await call(b.url, "GET", "/api/v1/inventory/invariants", undefined, admin);
    expect(invariants.body.ok).toBe(true);
  }, 180_000);
});
