/**
 * One sandbox playing all five marketplaces, one account each, and the store settings that reach
 * them: for tests that follow a stock change or an order across every marketplace.
 */
import { startSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { MarketplaceName } from "../../src/domains/marketplace/types";

export interface SandboxMarketplace {
  type: MarketplaceName;
  /** The seller / merchant account on the sandbox, also the store's sellerId. */
  account: string;
  /** The store's credentials, as its adapter reads them. */
  credentials: Record<string, string>;
  key: string;
  secret: string;
}

/** Hepsiburada: account = merchant id, key = developer username (User-Agent), secret = service key. */
export const MARKETPLACES: readonly SandboxMarketplace[] = [
  { type: "TRENDYOL", account: "ty-5m", credentials: { apiKey: "ty-key", apiSecret: "ty-secret" }, key: "ty-key", secret: "ty-secret" },
  { type: "PTTAVM", account: "ptt-5m", credentials: { apiKey: "ptt-key", accessToken: "ptt-token" }, key: "ptt-key", secret: "ptt-token" },
  { type: "N11", account: "n11-5m", credentials: { appKey: "n11-key", appSecret: "n11-secret" }, key: "n11-key", secret: "n11-secret" },
  { type: "HEPSIBURADA", account: "hb-5m", credentials: { serviceKey: "hb-service", developerUsername: "hb-dev" }, key: "hb-dev", secret: "hb-service" },
  { type: "PAZARAMA", account: "pz-5m", credentials: { clientId: "pz-client", clientSecret: "pz-secret" }, key: "pz-client", secret: "pz-secret" },
];

/** A sandbox with every marketplace's account from MARKETPLACES; results ready at once. */
export function everyMarketplaceSandbox(): Promise<RunningSandbox> {
  const others = MARKETPLACES.filter((m) => m.type !== "TRENDYOL");
  const trendyol = MARKETPLACES.filter((m) => m.type === "TRENDYOL");
  return startSandbox({
    resultDelayMs: 0,
    sellers: trendyol.map((m) => ({ sellerId: m.account, apiKey: m.key, apiSecret: m.secret })),
    accounts: Object.fromEntries(others.map((m) => [m.type, [{ account: m.account, key: m.key, secret: m.secret }]])),
  });
}

async function sandboxCall(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

const controlPath = (m: SandboxMarketplace) =>
  m.type === "TRENDYOL" ? `/__sandbox/sellers/${m.account}` : `/__sandbox/marketplaces/${m.type.toLowerCase()}/${m.account}`;

/** What the marketplace shows for this barcode now. */
export async function shownOn(sandbox: RunningSandbox, m: SandboxMarketplace, barcode: string): Promise<number | undefined> {
  const body = await sandboxCall(sandbox, "GET", `${controlPath(m)}/${m.type === "TRENDYOL" ? "quantities" : "shown"}`);
  const quantities = (m.type === "TRENDYOL" ? body : body.quantities) as Record<string, number>;
  return quantities[barcode];
}

/** A buyer orders on the marketplace; answers the marketplace's order (package) id. */
/** `stockCode`: the seller's code on a Trendyol line when it is not the barcode (other marketplaces' orders name the code only). */
export async function orderOn(sandbox: RunningSandbox, m: SandboxMarketplace, lines: { barcode: string; stockCode?: string; quantity: number; unitPrice: number }[]): Promise<string> {
  if (m.type === "TRENDYOL") return String((await sandboxCall(sandbox, "POST", `${controlPath(m)}/orders`, { lines })).shipmentPackageId);
  const created = await sandboxCall(sandbox, "POST", `${controlPath(m)}/orders`, { lines: lines.map(({ barcode, stockCode: _code, ...line }) => ({ code: barcode, ...line })) });
  return String(created.id);
}

/** The marketplace cancels the order. */
export async function cancelOn(sandbox: RunningSandbox, m: SandboxMarketplace, orderId: string): Promise<void> {
  await sandboxCall(sandbox, "POST", `${controlPath(m)}/orders/${encodeURIComponent(orderId)}/cancel`);
}
