import { parseBody, problem } from "./control-body";
import { BarcodesInput, type Faults, FaultsPatch, SellerAccountInput } from "./options";
import { handleMarketplaceControl } from "./marketplace-control";
import { settle } from "./processing";
import { handleTrendyolOrderControl } from "./trendyol-orders-control";
import type { SandboxState } from "./state";
import type { Incoming, Reply } from "./trendyol-routes";

const SELLER_PATH = /^\/__sandbox\/sellers\/([A-Za-z0-9_-]+)\/(quantities|prices|barcodes)$/;

const notFound = (message: string): Reply => problem(404, "NOT_FOUND", message);

const invalid = (message: string): Reply => problem(422, "VALIDATION_FAILED", message);

function sellerRoute(state: SandboxState, incoming: Incoming, sellerId: string, what: string, now: number): Reply {
  const seller = state.sellers.get(sellerId);
  if (!seller) return notFound(`No seller ${sellerId} in the sandbox`);
  settle(state, now);
  if (what === "quantities" && incoming.method === "GET") return { status: 200, body: Object.fromEntries(seller.quantities) };
  if (what === "prices" && incoming.method === "GET") return { status: 200, body: Object.fromEntries(seller.prices) };
  if (what === "barcodes" && incoming.method === "POST") {
    const body = parseBody<{ barcodes: string[] }>(BarcodesInput, incoming.body);
    if (typeof body === "string") return invalid(body);
    return { status: 200, body: { knownBarcodes: state.registerBarcodes(sellerId, body.barcodes) } };
  }
  return { status: 405, body: { error: { code: "METHOD_NOT_ALLOWED", message: "Method not allowed" } } };
}

/**
 * Inspection and control, for tests and the demo: what the marketplace shows now, what it was
 * sent, and the faults it plays. Unauthenticated: the sandbox listens on loopback by default.
 */
export function handleControl(state: SandboxState, incoming: Incoming, now: number): Reply {
  const { method, path } = incoming;
  const marketplaceReply = handleMarketplaceControl(state, incoming, now);
  if (marketplaceReply) return marketplaceReply;
  const trendyolOrdersReply = handleTrendyolOrderControl(state, incoming, now);
  if (trendyolOrdersReply) return trendyolOrdersReply;
  const seller = SELLER_PATH.exec(path);
  if (seller) return sellerRoute(state, incoming, seller[1] ?? "", seller[2] ?? "", now);
  if (path === "/__sandbox/health" && method === "GET") return { status: 200, body: { status: "ok" } };
  if (path === "/__sandbox/requests" && method === "GET") return { status: 200, body: { requests: state.requests() } };
  if (path === "/__sandbox/requests" && method === "DELETE") {
    state.clearRequests();
    return { status: 204 };
  }
  if (path === "/__sandbox/faults" && method === "GET") return { status: 200, body: state.faults };
  if (path === "/__sandbox/faults" && method === "PUT") {
    const patch = parseBody<Partial<Faults>>(FaultsPatch, incoming.body);
    if (typeof patch === "string") return invalid(patch);
    state.faults = { ...state.faults, ...patch };
    return { status: 200, body: state.faults };
  }
  if (path === "/__sandbox/sellers" && method === "POST") {
    const account = parseBody<SellerAccountInput>(SellerAccountInput, incoming.body);
    if (typeof account === "string") return invalid(account);
    if (!state.addSeller(account)) return { status: 409, body: { error: { code: "SELLER_EXISTS", message: `Seller ${account.sellerId} exists` } } };
    return { status: 201, body: { sellerId: account.sellerId } };
  }
  return notFound(`No sandbox route ${method} ${path}`);
}
