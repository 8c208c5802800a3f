/**
 * Control routes for Trendyol orders, beside the seller's other control routes:
 *   POST   /__sandbox/sellers/{id}/orders                      { lines: [{ barcode, quantity, unitPrice }], orderNumber?, fieldNames? } -> 201
 *   GET    /__sandbox/sellers/{id}/orders                      every package of the seller, as the stream shows it
 *   POST   /__sandbox/sellers/{id}/orders/{packageId}/cancel   the marketplace cancels it (status Cancelled)
 *   POST   /__sandbox/sellers/{id}/orders/{packageId}/status   { status } any other package status
 *   POST   /__sandbox/sellers/{id}/orders/{packageId}/unsupplied { lines: [{ lineId, quantity }] } the seller cannot supply
 *          these units: the package becomes UnSupplied with them, the rest moves to a new package (same orderNumber)
 *   PUT    /__sandbox/sellers/{id}/webhook                     { url, auth: { type: BASIC, username, password } | { type: API_KEY, apiKey } }
 *   DELETE /__sandbox/sellers/{id}/webhook
 *   GET    /__sandbox/sellers/{id}/webhook/deliveries          what was delivered, attempts and last HTTP status
 * unitPrice is in minor units; every change is also POSTed to the seller's webhook.
 */
import { type Static, Type } from "@sinclair/typebox";
import { TRENDYOL } from "../trendyol/facts";
import { orderLines, parseBody, problem } from "./control-body";
import type { Incoming, Reply } from "./module";
import type { SandboxState } from "./state";
import { type PackageStatus, packagePayload, type SandboxPackage } from "./trendyol-orders";

const PATH = /^\/__sandbox\/sellers\/([A-Za-z0-9_-]+)\/(orders|webhook)(?:\/([0-9]+|deliveries))?(?:\/(cancel|status|unsupplied))?$/;

const OrderBody = Type.Object(
  {
    lines: orderLines({ barcode: Type.String({ minLength: 1, maxLength: 200 }) }),
    orderNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    fieldNames: Type.Optional(Type.Union([Type.Literal("current"), Type.Literal("legacy")])),
  },
  { additionalProperties: false },
);

const StatusBody = Type.Object({ status: Type.Union(TRENDYOL.packageStatuses.map((s) => Type.Literal(s))) }, { additionalProperties: false });

const UnsuppliedBody = Type.Object(
  {
    lines: Type.Array(
      Type.Object({ lineId: Type.Integer({ minimum: 1 }), quantity: Type.Integer({ minimum: 1, maximum: 9999 }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

const WebhookBody = Type.Object(
  {
    url: Type.String({ pattern: "^https?://" }),
    auth: Type.Union([
      Type.Object({ type: Type.Literal("BASIC"), username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      Type.Object({ type: Type.Literal("API_KEY"), apiKey: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    ]),
  },
  { additionalProperties: false },
);

/** Tells the seller's webhook (if any) and answers the package. */
function announced(state: SandboxState, changed: SandboxPackage, status: number): Reply {
  const payload = packagePayload(changed);
  state.trendyolWebhooks.notify(changed.sellerId, changed.packageId, changed.status, payload);
  return { status, body: { shipmentPackageId: changed.packageId, orderNumber: changed.orderNumber, payload } };
}

function changeStatus(state: SandboxState, sellerId: string, packageId: number, status: PackageStatus, now: number): Reply {
  const changed = state.trendyolOrders.setStatus(sellerId, packageId, status, now);
  return changed ? announced(state, changed, 200) : problem(404, "NOT_FOUND", `No package ${packageId}`);
}

function ordersRoute(state: SandboxState, incoming: Incoming, sellerId: string, packageId: string | undefined, action: string | undefined, now: number): Reply {
  if (!packageId && !action && incoming.method === "GET") return { status: 200, body: { orders: state.trendyolOrders.of(sellerId).map(packagePayload) } };
  if (!packageId && !action && incoming.method === "POST") {
    const body = parseBody<Static<typeof OrderBody>>(OrderBody, incoming.body);
    if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
    return announced(state, state.trendyolOrders.create(sellerId, body.lines, now, body), 201);
  }
  const id = Number(packageId);
  if (packageId && action === "cancel" && incoming.method === "POST") return changeStatus(state, sellerId, id, "Cancelled", now);
  if (packageId && action === "status" && incoming.method === "POST") {
    const body = parseBody<Static<typeof StatusBody>>(StatusBody, incoming.body);
    if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
    return changeStatus(state, sellerId, id, body.status, now);
  }
  if (packageId && action === "unsupplied" && incoming.method === "POST") return unsupplied(state, incoming, sellerId, id, now);
  return problem(405, "METHOD_NOT_ALLOWED", "Method not allowed");
}

/** Both packages are announced, the unsupplied one first; answers both. */
function unsupplied(state: SandboxState, incoming: Incoming, sellerId: string, packageId: number, now: number): Reply {
  const body = parseBody<Static<typeof UnsuppliedBody>>(UnsuppliedBody, incoming.body);
  if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
  const split = state.trendyolOrders.unsupply(sellerId, packageId, body.lines, now);
  if (typeof split === "string") return problem(409, "NOT_UNSUPPLIABLE", split);
  const unsuppliedReply = announced(state, split.unsupplied, 200);
  const restReply = split.rest ? announced(state, split.rest, 200) : undefined;
  return { status: 200, body: { unsupplied: unsuppliedReply.body, rest: restReply?.body ?? null } };
}

function webhookRoute(state: SandboxState, incoming: Incoming, sellerId: string, sub: string | undefined): Reply {
  if (sub === "deliveries" && incoming.method === "GET") {
    const mine = new Set(state.trendyolOrders.of(sellerId).map((p) => p.packageId));
    return { status: 200, body: { deliveries: state.trendyolWebhooks.deliveries(mine) } };
  }
  if (sub === undefined && incoming.method === "PUT") {
    const body = parseBody<Static<typeof WebhookBody>>(WebhookBody, incoming.body);
    if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
    state.trendyolWebhooks.register(sellerId, body);
    return { status: 200, body: { url: body.url, auth: body.auth.type } };
  }
  if (sub === undefined && incoming.method === "DELETE") return state.trendyolWebhooks.remove(sellerId) ? { status: 204 } : problem(404, "NOT_FOUND", "No webhook");
  return problem(405, "METHOD_NOT_ALLOWED", "Method not allowed");
}

/** Undefined when the path is not a Trendyol order or webhook control route. */
export function handleTrendyolOrderControl(state: SandboxState, incoming: Incoming, now: number): Reply | undefined {
  const match = PATH.exec(incoming.path);
  if (!match) return undefined;
  const [, sellerId = "", what, sub, action] = match;
  if (!state.sellers.has(sellerId)) return problem(404, "NOT_FOUND", `No seller ${sellerId} in the sandbox`);
  if (what === "webhook") return action ? problem(404, "NOT_FOUND", "No such route") : webhookRoute(state, incoming, sellerId, sub);
  if (sub === "deliveries") return problem(404, "NOT_FOUND", "No such route");
  return ordersRoute(state, incoming, sellerId, sub, action, now);
}
