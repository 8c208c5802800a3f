import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nginxBinary } from "../../src/scripts/topology/nginx-config";
import { childrenOf, isAlive } from "../../src/scripts/topology/pids";
import { startTopology, type Topology } from "../../src/scripts/topology/topology";
import { createScratchDatabase, type ScratchDatabase } from "../support/database";
import { redisUrl, skipReason, uniquePrefix } from "../support/env";

// Issue 8, "Must show": through the local topology (two src/main.ts processes in production
// mode behind nginx, on real Postgres and Redis) requests spread over both replicas, the API
// keeps answering with one replica killed, and both replicas export the sync and order metrics.
const noNginx = nginxBinary() ? undefined : "nginx is not installed (apt-get install nginx-light): the topology tests are skipped";
if (noNginx) process.stderr.write(`[skip] ${noNginx}\n`);
const needs = skipReason("postgres") ?? skipReason("redis") ?? noNginx;

const ADMIN_PASSWORD = "a long admin password";
const adminEmail = `ops-${randomBytes(3).toString("hex")}@example.com`;
let topology: Topology | undefined;
let scratch: ScratchDatabase | undefined;
let runDir: string | undefined;
let adminToken = "";
const familyPids: number[] = [];

beforeAll(async () => {
  if (needs) return;
  scratch = await createScratchDatabase("topology");
  runDir = mkdtempSync(join(tmpdir(), "ps-topology-"));
  topology = await startTopology({
    runDir,
    env: {
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      DATABASE_URL: scratch.url,
      REDIS_URL: redisUrl as string,
      REDIS_KEY_PREFIX: uniquePrefix("topology"),
      JWT_SECRET: randomBytes(32).toString("base64"),
      CREDENTIALS_KEY: randomBytes(32).toString("base64"),
      TRUST_PROXY: "true",
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD,
    },
  });
  familyPids.push(topology.nginxPid, ...childrenOf(topology.nginxPid), ...topology.replicas.map((r) => r.pid));
}, 120_000);

afterAll(async () => {
  await topology?.stop();
  await scratch?.drop();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${(topology as Topology).url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text.startsWith("{") ? JSON.parse(text) : {}) as Json };
}

async function created(path: string, body: unknown, token: string): Promise<string> {
  const res = await call("POST", path, body, token, { "idempotency-key": randomBytes(8).toString("hex") });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.id);
}

const instanceOf = async (url: string) => (await fetch(`${url}/health/live`)).headers.get("x-instance");

describe.skipIf(!!needs)("the local topology: two replicas behind nginx", () => {
  test("45 requests through nginx are answered by both replicas, each echoing the client's X-Request-Id", async () => {
    const t = topology as Topology;
    const answeredBy = new Map<string, number>();
    for (let i = 0; i < 45; i++) {
      const res = await call("GET", "/health/live", undefined, undefined, { "x-request-id": `topo-${i}` });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id")).toBe(`topo-${i}`);
      const instance = res.headers.get("x-instance") ?? "none";
      answeredBy.set(instance, (answeredBy.get(instance) ?? 0) + 1);
    }
    const replicas = await Promise.all(t.replicas.map((r) => instanceOf(r.url)));
    expect(new Set(replicas).size).toBe(2);
    expect([...answeredBy.keys()].sort()).toEqual([...replicas].sort() as string[]);
    for (const count of answeredBy.values()) expect(count).toBeGreaterThanOrEqual(10);
    // Without one, nginx makes the id, sends it to the replica and returns it.
    const generated = await call("GET", "/health/live");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
  });

  test("/metrics is refused through nginx and served by each replica with the sync and order metrics", async () => {
    const t = topology as Topology;
    adminToken = String((await call("POST", "/api/v1/auth/login", { email: adminEmail, password: ADMIN_PASSWORD })).body.accessToken);
    const warehouse = await created("/api/v1/inventory/warehouses", { code: "MAIN", name: "Main" }, adminToken);
    const shelf = await created(`/api/v1/inventory/warehouses/${warehouse}/shelves`, { code: "A1" }, adminToken);
    const product = await created("/api/v1/catalog/products", { sku: "TOPO", barcode: "869TOPO", name: "Topo", type: "SIMPLE", price: 1000, listPrice: 1000, currency: "TRY", vatRate: 20 }, adminToken);
    expect((await call("POST", `/api/v1/inventory/shelves/${shelf}/stock`, { productId: product, delta: 20, reason: "opening stock" }, adminToken)).status).toBe(200);
    const store = await created("/api/v1/stores", { name: "Web", type: "WEB", warehouseIds: [warehouse] }, adminToken);
    const orders = 4;
    for (let i = 0; i < orders; i++) await created("/api/v1/orders", { storeId: store, items: [{ productId: product, quantity: 1 }] }, adminToken);

    expect((await call("GET", "/metrics")).status).toBe(403);
    let placed = 0;
    for (const replica of t.replicas) {
      const res = await fetch(`${replica.url}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const name of ["sync_dirty_backlog", "sync_items_sent_total", "sync_latency_seconds", "sync_dead_letters", "marketplace_orders_taken_in_total"]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
      for (const line of text.split("\n")) {
        if (line.startsWith("http_request_duration_seconds_count{") && line.includes('method="POST"') && line.includes('route="/api/v1/orders"') && line.includes('status="201"')) {
          placed += Number(line.slice(line.lastIndexOf(" ") + 1));
        }
      }
    }
    expect(placed).toBe(orders);
  });

  test("with one replica SIGKILLed, 30 consecutive requests through nginx all answer 2xx from the other", async () => {
    const t = topology as Topology;
    const [victim, survivor] = t.replicas as [Topology["replicas"][number], Topology["replicas"][number]];
    const survivorInstance = await instanceOf(survivor.url);
    await victim.kill();
    expect(isAlive(victim.pid)).toBe(false);
    const statuses: number[] = [];
    const instances = new Set<string | null>();
    for (let i = 0; i < 30; i++) {
      const headers = { "x-request-id": `after-kill-${i}` };
      const res = i % 2 === 0 ? await call("GET", "/health/live", undefined, undefined, headers) : await call("GET", "/api/v1/auth/me", undefined, adminToken, headers);
      statuses.push(res.status);
      instances.add(res.headers.get("x-instance"));
    }
    expect(statuses.filter((s) => s < 200 || s > 299)).toEqual([]);
    expect([...instances]).toEqual([survivorInstance]);
    // nginx's access log shows why: a request sent to the dead replica was passed on to the other.
    const retried = readFileSync(join(runDir as string, "nginx-access.log"), "utf8")
      .split("\n")
      .filter((line) => line.includes('"request_id":"after-kill-'))
      .map((line) => JSON.parse(line) as { upstream: string; status: number })
      .filter((entry) => entry.upstream.includes(`127.0.0.1:${victim.port}, 127.0.0.1:${survivor.port}`));
    expect(retried.length).toBeGreaterThan(0);
    for (const entry of retried) expect(entry.status).toBe(200);
  });

  test("stop() leaves no process of the topology behind", async () => {
    const t = topology as Topology;
    expect(familyPids.length).toBeGreaterThanOrEqual(4);
    await t.stop();
    expect(familyPids.filter(isAlive)).toEqual([]);
  }, 30_000);
});
