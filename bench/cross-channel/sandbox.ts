/**
 * The sandbox as the bench drives it, through its control routes: what each marketplace shows,
 * a buyer's order on a marketplace, and the push targets (Trendyol's webhook, Hepsiburada's
 * order push where this checkout's sandbox plays it).
 */
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { MarketplaceName } from "../../packages/backend/src/domains/marketplace/types";
import { HB_PUSH, MARKETPLACES, type BenchMarketplace, TRENDYOL_WEBHOOK_KEY } from "./shop";

export function startCrossSandbox(resultDelayMs: number): Promise<RunningSandbox> {
  const trendyol = MARKETPLACES.filter((m) => m.type === "TRENDYOL");
  const others = MARKETPLACES.filter((m) => m.type !== "TRENDYOL");
  return startSandbox({
    resultDelayMs,
    sellers: trendyol.map((m) => ({ sellerId: m.account, apiKey: m.key, apiSecret: m.secret })),
    accounts: Object.fromEntries(others.map((m) => [m.type, [{ account: m.account, key: m.key, secret: m.secret }]])),
  });
}

const controlPath = (m: BenchMarketplace) =>
  m.type === "TRENDYOL" ? `/__sandbox/sellers/${m.account}` : `/__sandbox/marketplaces/${m.type.toLowerCase()}/${m.account}`;

async function call(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function json(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await call(sandbox, method, path, body);
  if (res.status >= 300) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Every marketplace's quantities by barcode, read at once. */
export async function shownEverywhere(sandbox: RunningSandbox): Promise<Map<MarketplaceName, Record<string, number>>> {
  const read = await Promise.all(
    MARKETPLACES.map(async (m) => {
      const body = await json(sandbox, "GET", `${controlPath(m)}/${m.type === "TRENDYOL" ? "quantities" : "shown"}`);
      return [m.type, (m.type === "TRENDYOL" ? body : body.quantities) as Record<string, number>] as const;
    }),
  );
  return new Map(read);
}

/** A buyer orders `quantity` of `barcode` on the marketplace. */
export async function orderOn(sandbox: RunningSandbox, m: BenchMarketplace, barcode: string, quantity: number): Promise<void> {
  const line = { quantity, unitPrice: 150_000 };
  if (m.type === "TRENDYOL") await json(sandbox, "POST", `${controlPath(m)}/orders`, { lines: [{ barcode, ...line }] });
  else await json(sandbox, "POST", `${controlPath(m)}/orders`, { lines: [{ code: barcode, ...line }] });
}

/** Whether this checkout's sandbox pushes Hepsiburada orders (its control route answers). */
export async function hepsiburadaPushPlayed(sandbox: RunningSandbox): Promise<boolean> {
  const hb = MARKETPLACES.find((m) => m.type === "HEPSIBURADA") as BenchMarketplace;
  const res = await call(sandbox, "GET", `${controlPath(hb)}/push`);
  await res.arrayBuffer();
  return res.status === 200;
}

/**
 * Points the pushes at the server: Trendyol's webhook (the control route's target, standing in
 * for a registration) and, when played, Hepsiburada's push base URL. Answers which are on.
 */
export async function pointPushesAt(
  sandbox: RunningSandbox,
  serverUrl: string,
  storeIds: Map<MarketplaceName, string>,
  options: { hepsiburada: boolean },
): Promise<MarketplaceName[]> {
  const on: MarketplaceName[] = [];
  const ty = MARKETPLACES.find((m) => m.type === "TRENDYOL") as BenchMarketplace;
  await json(sandbox, "PUT", `${controlPath(ty)}/webhook`, {
    url: `${serverUrl}/api/v1/marketplace/webhooks/trendyol/${storeIds.get("TRENDYOL")}`,
    auth: { type: "API_KEY", apiKey: TRENDYOL_WEBHOOK_KEY },
  });
  on.push("TRENDYOL");
  if (options.hepsiburada) {
    const hb = MARKETPLACES.find((m) => m.type === "HEPSIBURADA") as BenchMarketplace;
    await json(sandbox, "PUT", `${controlPath(hb)}/push`, {
      url: `${serverUrl}/api/v1/marketplace/webhooks/hepsiburada/${storeIds.get("HEPSIBURADA")}`,
      username: HB_PUSH.username,
      password: HB_PUSH.password,
    });
    on.push("HEPSIBURADA");
  }
  return on;
}

/** Pushes delivered and not, per marketplace pushing (one not delivered means its order was measured through the pull). */
export async function pushDeliveries(sandbox: RunningSandbox, pushed: readonly MarketplaceName[]): Promise<string[]> {
  const lines: string[] = [];
  for (const type of pushed) {
    const m = MARKETPLACES.find((x) => x.type === type) as BenchMarketplace;
    const path = type === "TRENDYOL" ? `${controlPath(m)}/webhook/deliveries` : `${controlPath(m)}/push`;
    const res = await call(sandbox, "GET", path);
    if (res.status !== 200) continue;
    const body = (await res.json()) as unknown;
    const list = (Array.isArray(body) ? body : ((body as { deliveries?: unknown[] }).deliveries ?? [])) as { delivered?: boolean }[];
    lines.push(`${type} ${list.filter((d) => d.delivered).length} delivered, ${list.filter((d) => !d.delivered).length} not`);
  }
  return lines;
}
