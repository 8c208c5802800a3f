/**
 * Control routes for the marketplaces served by modules (module.ts), under
 * /__sandbox/marketplaces/{name}: what an account shows, new accounts, and marketplace orders
 * for order-intake tests and the demo; any other `{account}/{what}` is the module's own (module.ts).
 */
import { Type } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { orderLines } from "./control-body";
import { incomingOf } from "./incoming";
import type { SandboxMarketplace } from "./module";
import { problem, toResponse } from "./reply";
import type { SandboxState } from "./state";

const AccountBody = Type.Object(
  {
    account: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.-]+$" }),
    key: Type.String({ minLength: 1, maxLength: 200 }),
    secret: Type.String({ minLength: 1, maxLength: 200 }),
    known: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1_000_000 })),
  },
  { additionalProperties: false },
);

const OrderBody = Type.Object({ lines: orderLines({ code: Type.String({ minLength: 1, maxLength: 200 }) }) }, { additionalProperties: false });

const MarketplaceParams = Type.Object({ name: Type.String({ pattern: "^[A-Za-z0-9]+$" }) });
const AccountParams = Type.Object({ name: Type.String({ pattern: "^[A-Za-z0-9]+$" }), account: Type.String({ minLength: 1 }) });
const ModuleControlParams = Type.Object({ name: Type.String({ pattern: "^[A-Za-z0-9]+$" }), account: Type.String({ minLength: 1 }), what: Type.String({ pattern: "^[a-z-]+$" }) });
const OrderParams = Type.Object({ name: Type.String({ pattern: "^[A-Za-z0-9]+$" }), account: Type.String({ minLength: 1 }), orderId: Type.String({ minLength: 1 }) });

const notPlayed = (module: SandboxMarketplace) => toResponse(problem(405, "NOT_SUPPORTED", `${module.name} orders are not played by the sandbox`));

export function marketplaceControl(state: SandboxState) {
  /** The module named in the path, or the 404 to answer. */
  const moduleNamed = (name: string): SandboxMarketplace | Response =>
    state.marketplace(name) ?? toResponse(problem(404, "NOT_FOUND", `No sandbox marketplace ${name}`));

  return new Elysia({ prefix: "/marketplaces" })
    .post(
      "/:name/accounts",
      ({ params, body }) => {
        const module = moduleNamed(params.name);
        if (module instanceof Response) return module;
        return toResponse(module.addAccount(body) ? { status: 201, body: { account: body.account } } : problem(409, "ACCOUNT_EXISTS", `Account ${body.account} exists`));
      },
      { params: MarketplaceParams, body: AccountBody, parse: "json" },
    )
    .get(
      "/:name/:account/shown",
      ({ params }) => {
        const module = moduleNamed(params.name);
        if (module instanceof Response) return module;
        const shown = module.shown(params.account, state.now());
        return toResponse(shown ? { status: 200, body: shown } : problem(404, "NOT_FOUND", `No account ${params.account}`));
      },
      { params: AccountParams },
    )
    .post(
      "/:name/:account/orders",
      ({ params, body }) => {
        const module = moduleNamed(params.name);
        if (module instanceof Response) return module;
        if (!module.createOrder) return notPlayed(module);
        const created = module.createOrder(params.account, body, state.now());
        return toResponse(created ? { status: 201, body: created } : problem(404, "NOT_FOUND", `No account ${params.account}`));
      },
      { params: AccountParams, body: OrderBody, parse: "json" },
    )
    .post(
      "/:name/:account/orders/:orderId/cancel",
      ({ params }) => {
        const module = moduleNamed(params.name);
        if (module instanceof Response) return module;
        if (!module.cancelOrder) return notPlayed(module);
        const cancelled = module.cancelOrder(params.account, params.orderId, state.now());
        return toResponse(cancelled ? { status: 200, body: { cancelled: params.orderId } } : problem(404, "NOT_FOUND", `No order ${params.orderId}`));
      },
      { params: OrderParams },
    )
    .all(
      "/:name/:account/:what",
      async ({ params, request }) => {
        const module = moduleNamed(params.name);
        if (module instanceof Response) return module;
        const reply = module.control?.(params.account, params.what, await incomingOf(request), state.now());
        return toResponse(reply ?? problem(404, "NOT_FOUND", "No such route"));
      },
      { params: ModuleControlParams, parse: "none" },
    );
}
