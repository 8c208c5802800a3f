/** Turns operations of the document into requests against the seeded shop, and learns from answers. */
import type { TestApp } from "../support/app";
import { PASSWORD } from "../support/identity";
import { between, pick, sample, type SampleContext } from "./generate";
import type { AuthChoice, RequestParts } from "./mutations";
import { needsBearer, type Operation, requestBodySchema } from "./openapi";
import { type FuzzShop, HB_PUSH_AUTH, WEBHOOK_API_KEY } from "./shop";

/** The kind of thing a path parameter names: /orders/{id} -> order, /listings/{productId} -> product. */
const SEGMENT_KINDS: Record<string, string> = {
  products: "product",
  stores: "store",
  warehouses: "warehouse",
  shelves: "shelf",
  orders: "order",
  returns: "return",
  sessions: "session",
  "dead-letters": "deadLetter",
};

export function pathParamKind(path: string, name: string): string {
  if (name !== "id") return name.replace(/Id$/, "");
  const segments = path.split("/");
  const at = segments.indexOf(`{${name}}`);
  return SEGMENT_KINDS[segments[at - 1] ?? ""] ?? name;
}

/** Routes that end or rotate sessions run as the victim account, so the fuzz never logs its own roles out. */
export const VICTIM_ROUTES = new Set(["POST /api/v1/auth/logout", "DELETE /api/v1/auth/sessions/{id}"]);

export function sampleContext(shop: FuzzShop, rng: () => number): SampleContext {
  let counter = 0;
  return {
    rng,
    idFor: (kind) => {
      const pool = shop.ids[kind];
      return pool && pool.length > 0 ? pick(rng, pool) : undefined;
    },
    unique: () => ++counter,
  };
}

/** A request the document says is acceptable, with real ids and, where a route needs them, real secrets. */
export function validParts(op: Operation, shop: FuzzShop, ctx: SampleContext): RequestParts {
  const parts: RequestParts = { path: {}, query: {}, headers: {}, auth: "default" };
  for (const param of op.op.parameters ?? []) {
    if (!param.required && ctx.rng() < 0.5) continue;
    const name = param.in === "path" ? pathParamKind(op.path, param.name) : param.name;
    const value = String(sample(param.schema, ctx, name));
    if (param.in === "path") parts.path[param.name] = value;
    else if (param.in === "query") parts.query[param.name] = value;
    else if (param.in === "header") parts.headers[param.name] = value;
  }
  const bodySchema = requestBodySchema(op.op);
  if (bodySchema) parts.body = sample(bodySchema, ctx, "body");
  const body = parts.body as Record<string, unknown>;
  switch (op.label) {
    case "POST /api/v1/auth/login":
      Object.assign(body, { email: shop.victim.email, password: PASSWORD });
      break;
    case "POST /api/v1/auth/refresh":
      body.refreshToken = shop.victim.refreshToken;
      break;
    case "PATCH /api/v1/stores/{id}":
      parts.path.id = shop.scratch.storeId;
      break;
    case "PATCH /api/v1/catalog/products/{id}":
      parts.path.id = shop.scratch.productId;
      break;
    case "GET /api/v1/orders/{id}/label":
      // Only the one order the sandbox gives a label for can succeed; drawn by chance it often is not.
      if (shop.labelledOrderId && ctx.rng() < 0.5) parts.path.id = shop.labelledOrderId;
      break;
    case "POST /api/v1/inventory/products/{id}/quarantine":
      // Units that are in quarantine: the first such request writes them off, the rest are 409.
      parts.path.id = shop.quarantine.productId;
      Object.assign(body, { warehouseId: shop.quarantine.warehouseId, quantity: 1, to: "WRITE_OFF" });
      break;
    case "POST /api/v1/stores":
      // Rules past the schema (service 422s) that a valid request must also meet.
      body.warehouseIds = [...new Set(body.warehouseIds as string[])];
      if (body.type !== "WEB") body.sellerId ??= `fuzz-seller-${ctx.unique()}`;
      break;
    case "POST /api/v1/orders":
      // The WEB store (where customers may order), and lines that meet the rules past the schema:
      // one of productId or barcode, one currency (the scratch product's may have changed), small totals.
      body.storeId = shop.ids.store?.[0];
      body.items = [...new Set((body.items as unknown[]).map(() => pick(ctx.rng, shop.ids.product?.filter((id) => id !== shop.scratch.productId) ?? [])))].map(
        (productId) => ({ productId, quantity: between(ctx.rng, 1, 3) }),
      );
      break;
    case "POST /api/v1/orders/{id}/pick":
    case "POST /api/v1/orders/{id}/invoice":
    case "POST /api/v1/orders/{id}/ship":
      // Generated line numbers are almost never the order's: most steps name all lines, as staff mostly do.
      if (ctx.rng() < 0.7) delete body.lines;
      break;
    case "POST /api/v1/orders/{id}/unsupply":
      // A product of the shop, one unit: now and then the order's own.
      body.lines = [{ productId: pick(ctx.rng, shop.ids.product ?? []), quantity: 1 }];
      break;
    case "POST /api/v1/marketplace/webhooks/trendyol/{storeId}":
    case "POST /api/v1/marketplace/webhooks/shipment-packages/{storeId}":
      parts.path.storeId = shop.trendyolStoreId;
      parts.headers["x-api-key"] = WEBHOOK_API_KEY;
      break;
    case "POST /api/v1/marketplace/webhooks/hepsiburada/{storeId}/orders":
    case "PUT /api/v1/marketplace/webhooks/hepsiburada/{storeId}/lineitems/{lineItemId}/cancel":
      parts.path.storeId = shop.hepsiburadaStoreId;
      parts.headers.authorization = HB_PUSH_AUTH;
      break;
  }
  return parts;
}

function authHeader(op: Operation, auth: AuthChoice, role: AuthChoice, shop: FuzzShop): string | undefined {
  // Session-ending routes only ever see the victim's token (or none): a role's own logout would end the run's sessions.
  const victim = VICTIM_ROUTES.has(op.label) && auth !== "none" && auth !== "garbage";
  const choice = victim ? "victim" : auth === "default" ? (needsBearer(op.op) ? role : "none") : auth;
  if (choice === "none" || choice === "default") return undefined;
  if (choice === "garbage") return "Bearer not.a.token";
  return `Bearer ${choice === "victim" ? shop.victim.accessToken : shop.tokens[choice]}`;
}

function setHeader(headers: Headers, name: string, value: string) {
  try {
    headers.set(name, value);
  } catch {
    // A value fetch cannot put on the wire (CR/LF, NUL, non-Latin-1): send it percent-encoded instead.
    headers.set(name, encodeURIComponent(wellFormed(value)));
  }
}

/** A URL cannot carry a lone surrogate: it becomes U+FFFD, as a browser would send it. */
const wellFormed = (value: string) => value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");

export function toRequest(op: Operation, parts: RequestParts, role: AuthChoice, shop: FuzzShop): { url: string; init: RequestInit } {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(wellFormed(parts.path[name] ?? "")));
  const query = new URLSearchParams(parts.query).toString();
  const headers = new Headers({ "x-forwarded-for": "10.20.0.1" });
  for (const [name, value] of Object.entries(parts.headers)) setHeader(headers, name, value);
  const authorization = authHeader(op, parts.auth, role, shop);
  if (authorization) headers.set("authorization", authorization);
  const init: RequestInit = { method: op.method, headers };
  if (parts.rawBody !== undefined || parts.body !== undefined) {
    headers.set("content-type", parts.contentType ?? "application/json");
    init.body = parts.rawBody ?? JSON.stringify(parts.body);
  }
  return { url: `${path}${query ? `?${query}` : ""}`, init };
}

/** Keeps the victim's tokens and sessions current as logins and refreshes rotate them; new orders join the pool. */
export function learn(op: Operation, status: number, text: string, shop: FuzzShop) {
  if (status === 201 && op.label === "POST /api/v1/orders") shop.ids.order?.push((JSON.parse(text) as { id: string }).id);
  if (status !== 200 || (op.label !== "POST /api/v1/auth/login" && op.label !== "POST /api/v1/auth/refresh")) return;
  const tokens = JSON.parse(text) as { accessToken: string; refreshToken: string; sessionId: string };
  shop.victim.accessToken = tokens.accessToken;
  shop.victim.refreshToken = tokens.refreshToken;
  shop.ids.session = [...(shop.ids.session ?? []).slice(-2), tokens.sessionId];
}

export async function send(t: TestApp, request: { url: string; init: RequestInit }) {
  const res = await t.request(request.url, request.init);
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}
