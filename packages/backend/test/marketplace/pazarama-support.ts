import type { MarketplaceAdapter } from "../../src/domains/marketplace/adapter";
import { createPazaramaAdapter, type PazaramaConfig } from "../../src/domains/marketplace/pazarama/adapter";
import { type SandboxAccountInput, type SandboxOptions, isPazaramaSandbox, type RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { ApiCall, StockPriceItem } from "../../src/domains/marketplace/types";
import { numberedItems, ownSandbox, recordingFetch, type SentRequest } from "./fakes";

export const PZ_ACCOUNT: SandboxAccountInput = { account: "pz-seller-1", key: "pz-client-1", secret: "pz-secret-1" };

/**
 * A sandbox of its own with one Pazarama account; results ready at once. The time scale of 1000
 * makes the 10-second write spacing 10 ms (tests that need the real spacing pass timeScale 1).
 */
export async function pzSandbox(options: SandboxOptions = {}, accounts: SandboxAccountInput[] = [{ ...PZ_ACCOUNT }]): Promise<RunningSandbox> {
  return ownSandbox({ resultDelayMs: 0, timeScale: 1000, ...options, accounts: { PAZARAMA: accounts } });
}

/** An adapter pointed at the sandbox (both hosts), recording what it sends and the calls it reports. */
export function pzAdapterFor(target: { url: string }, overrides: Partial<PazaramaConfig> = {}, next: typeof fetch = fetch) {
  const sent: SentRequest[] = [];
  const calls: ApiCall[] = [];
  const adapter: MarketplaceAdapter = createPazaramaAdapter({
    apiBaseUrl: target.url,
    tokenBaseUrl: target.url,
    clientId: PZ_ACCOUNT.key,
    clientSecret: PZ_ACCOUNT.secret,
    fetch: recordingFetch(sent, next),
    timeoutMs: 5_000,
    // Above the sandbox's scaled 10 ms.
    writeSpacingMs: 20,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  return { adapter, sent, calls };
}

/** A fetch without a server: the token call gets a token, every API call gets what `api` answers. */
export function fakePazarama(api: (url: URL, init?: RequestInit) => Response | Promise<Response>, token: () => Response = () => tokenAnswer()): typeof fetch {
  return (async (input: Request | string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    return url.pathname === "/connect/token" ? token() : api(url, init);
  }) as typeof fetch;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function tokenAnswer(accessToken = "tok-1", expiresIn = 3600): Response {
  return json(200, { data: { accessToken, expiresIn, tokenType: "Bearer" }, success: true });
}

/** A Bearer token for raw calls. */
export async function rawToken(target: RunningSandbox, account: SandboxAccountInput = PZ_ACCOUNT): Promise<string> {
  const res = await fetch(`${target.url}/connect/token`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`${account.key}:${account.secret}`)}`, "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&scope=merchantgatewayapi.fullaccess",
  });
  const body = (await res.json()) as { data: { accessToken: string } };
  return body.data.accessToken;
}

/** Calls the sandbox like a client that ignores the adapter's rules would. */
export function rawPz(target: RunningSandbox, path: string, init: { method?: string; body?: unknown; rawBody?: string; token?: string | null } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  return fetch(`${target.url}${path}`, {
    method: init.method ?? "POST",
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
}

export function revokeTokens(target: RunningSandbox, account = PZ_ACCOUNT.account): number {
  const module = target.state.marketplace("PAZARAMA");
  if (!isPazaramaSandbox(module)) throw new Error("no Pazarama sandbox module");
  return module.revokeTokens(account);
}

export async function shownBy(target: RunningSandbox, account = PZ_ACCOUNT.account) {
  const res = await fetch(`${target.url}/__sandbox/marketplaces/pazarama/${account}/shown`);
  return (await res.json()) as { quantities: Record<string, number>; prices: Record<string, Record<string, number>> };
}

export function pzItems(count: number, quantity = 5, prefix = "PZ"): StockPriceItem[] {
  return numberedItems(count, quantity, prefix);
}

