import { createHash } from "node:crypto";
import type { UploadKind } from "@pazarsync/backend/src/domains/marketplace/hepsiburada/facts";
import type { Incoming, ModuleHandled, Reply } from "../module";
import { type CommandRoute, commandRouteOf, handleCommandRoute } from "./command-routes";
import { listHepsiburadaListings } from "./listings";
import { listHepsiburadaCancelled, listHepsiburadaOrders } from "./orders";
import { listHepsiburadaPackages } from "./packages";
import { settleHepsiburada, uploadStatusView } from "./processing";
import type { HepsiburadaAccount, HepsiburadaSandboxState } from "./state";

type Outcome = Omit<ModuleHandled, "account" | "endpoint" | "write">;

/** Problem-details style error body. */
const problem = (status: number, title: string, detail: string, errors?: string[]): Reply => ({
  status,
  body: { title, status, detail, ...(errors ? { errors } : {}) },
});

interface Route {
  endpoint: string;
  method: "GET" | "POST" | "PUT";
  merchantId: string;
  kind?: UploadKind;
  uploadId?: string;
}

function routeOf(path: string): Route | undefined {
  const upload = /^\/listings\/merchantid\/([^/]+)\/(stock|price)-uploads(?:\/id\/([^/]+))?$/.exec(path);
  if (upload?.[1] && upload[2]) {
    const kind: UploadKind = upload[2] === "stock" ? "stock" : "price";
    const merchantId = decodeURIComponent(upload[1]);
    if (upload[3]) return { endpoint: `${kind}-upload-status`, method: "GET", merchantId, kind, uploadId: decodeURIComponent(upload[3]) };
    return { endpoint: `${kind}-uploads`, method: "POST", merchantId, kind };
  }
  const listings = /^\/listings\/merchantid\/([^/]+)$/.exec(path);
  if (listings?.[1]) return { endpoint: "listings", method: "GET", merchantId: decodeURIComponent(listings[1]) };
  const orders = /^\/orders\/merchantid\/([^/]+)(\/cancelled)?$/.exec(path);
  if (orders?.[1]) return { endpoint: orders[2] ? "orders-cancelled" : "orders", method: "GET", merchantId: decodeURIComponent(orders[1]) };
  const packages = /^\/packages\/merchantid\/([^/]+)$/.exec(path);
  if (packages?.[1]) return { endpoint: "orders-packages", method: "GET", merchantId: decodeURIComponent(packages[1]) };
  return undefined;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Basic merchantId:serviceKey, the path's merchant (when it names one) the authenticated one, the developer username as User-Agent. */
function authenticate(state: HepsiburadaSandboxState, incoming: Incoming, merchantId: string | null): HepsiburadaAccount | string {
  const credentials = basicCredentials(incoming.headers.authorization);
  const account = credentials ? state.accounts.get(credentials.user) : undefined;
  if (!credentials || !account || account.serviceKey !== credentials.password) return "merchantId or service key is invalid";
  if (merchantId !== null && account.merchantId !== merchantId) return "the merchant id in the path is not the authenticated merchant";
  if (incoming.headers["user-agent"] !== account.developerUsername) return "User-Agent must be the integrator's developer username";
  return account;
}

/** Over a listing quota: 429 (the listing API's documented limit answer). Orders: 429 with X-RateLimit-*. */
function limitReply(state: HepsiburadaSandboxState, account: string, route: Pick<Route, "endpoint" | "method">, now: number): { refused?: Reply; headers?: Record<string, string> } {
  const { limits } = state;
  const claims = route.endpoint.startsWith("claims");
  if (route.endpoint.startsWith("orders") || claims) {
    const perSecond = claims ? limits.claimRequestsPerSecond : limits.orderRequestsPerSecond;
    const slot = state.takeRateSlot(`${account}:${claims ? "claims" : "orders"}`, perSecond, 1000, now);
    const headers = {
      "X-RateLimit-Limit": String(perSecond),
      "X-RateLimit-Remaining": String(slot.remaining),
      "X-RateLimit-Reset": String(Math.max(1, Math.ceil(slot.resetMs / 1000))),
    };
    return slot.allowed ? { headers } : { refused: { ...problem(429, "Too Many Requests", "Rate limit exceeded"), headers } };
  }
  if (route.endpoint === "listings") {
    const read = state.takeRateSlot(`${account}:listing-read`, limits.listingReadsPerMinute, 60_000, now);
    return read.allowed ? {} : { refused: problem(429, "Too Many Requests", "Too many requests") };
  }
  const write = route.method === "POST";
  const slot = write
    ? state.takeRateSlot(`${account}:listing-write`, limits.listingWritesPerMinute, 60_000, now)
    : state.takeRateSlot(`${account}:listing-status`, limits.listingStatusReadsPerMinute, 60_000, now);
  return slot.allowed ? {} : { refused: problem(429, "Too Many Requests", "Too many requests") };
}

function parseElements(body: string, maxBatchSize: number): unknown[] | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return "the body is not JSON";
  }
  if (!Array.isArray(value)) return "the body must be an array of listings";
  if (value.length === 0) return "at least one listing is required";
  if (value.length > maxBatchSize) return `at most ${maxBatchSize} SKUs per upload`;
  return value;
}

function upload(state: HepsiburadaSandboxState, account: HepsiburadaAccount, kind: UploadKind, body: string, now: number): Outcome {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  settleHepsiburada(state, now);
  // Undocumented how Hepsiburada answers a sixth pending upload: the sandbox refuses it before processing, as a limit.
  if (state.pendingUploads(account.merchantId, now) >= state.limits.maxPendingUploads) {
    return { reply: problem(429, "Too Many Requests", `at most ${state.limits.maxPendingUploads} pending uploads per merchant`, ["TooManyPendingUploads"]), itemCount: 0, bodyHash };
  }
  const elements = parseElements(body, state.limits.maxBatchSize);
  if (typeof elements === "string") return { reply: problem(400, "Bad Request", elements), itemCount: 0, bodyHash };
  const accepted = state.accept(account.merchantId, kind, elements, now);
  return { reply: { status: 200, body: { id: accepted.id } }, itemCount: elements.length, batchId: accepted.id, bodyHash };
}

function uploadStatus(state: HepsiburadaSandboxState, account: HepsiburadaAccount, route: Route, now: number): Outcome {
  settleHepsiburada(state, now);
  const found = route.uploadId ? state.uploads.get(route.uploadId) : undefined;
  // Past retention, another merchant's, or the other kind: not found.
  if (!found || found.account !== account.merchantId || found.kind !== route.kind) {
    return { reply: problem(404, "Not Found", `upload ${route.uploadId ?? ""} not found`), itemCount: 0 };
  }
  return { reply: { status: 200, body: uploadStatusView(found) }, itemCount: found.elements.length, batchId: found.id };
}

/** The order commands and claims (command-routes.ts): method, auth, the order or claim quota, then the call. */
function handleCommand(state: HepsiburadaSandboxState, route: CommandRoute, incoming: Incoming, now: number): ModuleHandled {
  const done = (account: string | null, reply: Reply): ModuleHandled => ({ reply, account, endpoint: route.endpoint, write: false, itemCount: 0 });
  if (incoming.method !== route.method) return done(null, problem(405, "Method Not Allowed", "method not allowed"));
  const account = authenticate(state, incoming, route.merchantId);
  if (typeof account === "string") return done(null, problem(401, "Unauthorized", account));
  const limit = limitReply(state, account.merchantId, route, now);
  if (limit.refused) return done(account.merchantId, limit.refused);
  const reply = handleCommandRoute(state, account, route, incoming, now);
  return done(account.merchantId, { ...reply, headers: { ...reply.headers, ...limit.headers } });
}

/** Checked in the gateway's order: route, method, auth and User-Agent, quota, pending cap, body. */
export function handleHepsiburada(state: HepsiburadaSandboxState, incoming: Incoming, now: number): ModuleHandled {
  const command = commandRouteOf(incoming.path, incoming.method);
  if (command) return handleCommand(state, command, incoming, now);
  const route = routeOf(incoming.path);
  const endpoint = route?.endpoint ?? "other";
  const write = route?.method === "POST" && incoming.method === "POST";
  const done = (account: string | null, outcome: Outcome): ModuleHandled => ({ ...outcome, account, endpoint, write });
  if (!route) return done(null, { reply: problem(404, "Not Found", "no such resource"), itemCount: 0 });
  if (incoming.method !== route.method) return done(null, { reply: problem(405, "Method Not Allowed", "method not allowed"), itemCount: 0 });
  const account = authenticate(state, incoming, route.merchantId);
  if (typeof account === "string") return done(null, { reply: problem(401, "Unauthorized", account), itemCount: 0 });
  const limit = limitReply(state, account.merchantId, route, now);
  if (limit.refused) return done(account.merchantId, { reply: limit.refused, itemCount: 0 });
  if (route.endpoint.startsWith("orders")) {
    const reply =
      route.endpoint === "orders"
        ? listHepsiburadaOrders(state, account, incoming)
        : route.endpoint === "orders-packages"
          ? listHepsiburadaPackages(state, account, incoming, now)
          : listHepsiburadaCancelled(state, account, incoming);
    return done(account.merchantId, { reply: { ...reply, headers: { ...reply.headers, ...limit.headers } }, itemCount: 0 });
  }
  if (route.endpoint === "listings") {
    settleHepsiburada(state, now);
    return done(account.merchantId, { reply: listHepsiburadaListings(account, incoming, state.limits.listingReadPageSize), itemCount: 0 });
  }
  if (route.uploadId) return done(account.merchantId, uploadStatus(state, account, route, now));
  return done(account.merchantId, upload(state, account, route.kind ?? "stock", incoming.body, now));
}
