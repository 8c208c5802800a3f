/**
 * Control routes for the marketplaces served by modules (module.ts), under
 * /__sandbox/marketplaces/{name}: what an account shows, new accounts, and marketplace orders
 * for order-intake tests and the demo.
 */
import { type Static, Type } from "@sinclair/typebox";
import { orderLines, parseBody, problem } from "./control-body";
import type { Incoming, Reply } from "./module";
import type { SandboxState } from "./state";

const PATH = /^\/__sandbox\/marketplaces\/([A-Za-z0-9]+)(?:\/([^/]+))?\/(shown|accounts|orders|[a-z-]+)(?:\/([^/]+)\/(cancel))?$/;

const AccountBody = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.-]+$" }),
    key: Type.String({ minLength: 1, maxLength: 200 }),
    secret: Type.String({ minLength: 1, maxLength: 200 }),
    known: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1_000_000 })),
  },
  { additionalProperties: false },
);

const OrderBody = Type.Object(
  {
    lines: orderLines({ code: Type.String({ minLength: 1, maxLength: 200 }) }),
  },
  { additionalProperties: false },
);

/** Undefined when the path is not a marketplace control route. */
export function handleMarketplaceControl(state: SandboxState, incoming: Incoming, now: number): Reply | undefined {
  const match = PATH.exec(incoming.path);
  if (!match) return undefined;
  const [, name = "", account, what, orderId, cancel] = match;
  const module = state.marketplace(name);
  if (!module) return problem(404, "NOT_FOUND", `No sandbox marketplace ${name}`);
  const method = incoming.method;
  if (what === "accounts" && !account && method === "POST") {
    const body = parseBody<Static<typeof AccountBody>>(AccountBody, incoming.body);
    if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
    return module.addAccount(body) ? { status: 201, body: { account: body.account } } : problem(409, "ACCOUNT_EXISTS", `Account ${body.account} exists`);
  }
  if (!account) return problem(404, "NOT_FOUND", "No such route");
  if (what !== "shown" && what !== "orders") {
    return module.control?.(decodeURIComponent(account), what ?? "", incoming) ?? problem(404, "NOT_FOUND", "No such route");
  }
  if (what === "shown" && method === "GET") {
    const shown = module.shown(account, now);
    return shown ? { status: 200, body: shown } : problem(404, "NOT_FOUND", `No account ${account}`);
  }
  if (what === "orders" && method === "POST" && !orderId) {
    if (!module.createOrder) return problem(405, "NOT_SUPPORTED", `${module.name} orders are not played by the sandbox`);
    const body = parseBody<Static<typeof OrderBody>>(OrderBody, incoming.body);
    if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
    const created = module.createOrder(account, body, now);
    return created ? { status: 201, body: created } : problem(404, "NOT_FOUND", `No account ${account}`);
  }
  if (what === "orders" && orderId && cancel && method === "POST") {
    if (!module.cancelOrder) return problem(405, "NOT_SUPPORTED", `${module.name} orders are not played by the sandbox`);
    return module.cancelOrder(account, decodeURIComponent(orderId), now) ? { status: 200, body: { cancelled: orderId } } : problem(404, "NOT_FOUND", `No order ${orderId}`);
  }
  return problem(405, "METHOD_NOT_ALLOWED", "Method not allowed");
}
