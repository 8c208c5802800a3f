/**
 * Control routes for Trendyol orders, beside the seller's other control routes:
 *   POST   /__sandbox/sellers/{id}/orders                      { lines: [{ barcode, stockCode?, quantity, unitPrice }], orderNumber?, fieldNames? } -> 201
 *   GET    /__sandbox/sellers/{id}/orders                      every package of the seller, as the stream shows it
 *   POST   /__sandbox/sellers/{id}/orders/{packageId}/cancel   the marketplace cancels it (status Cancelled)
 *   POST   /__sandbox/sellers/{id}/orders/{packageId}/status   { status } any other package status
 *   POST   /__sandbox/sellers/{id}/orders/{packageId}/unsupplied { lines: [{ lineId, quantity }] } the seller cannot supply
 *          these units: the package becomes Cancelled with them, the rest moves to a new package (same orderNumber,
 *          createdBy "cancel", originPackageIds [the old package])
 *   PUT    /__sandbox/sellers/{id}/webhook                     { url, auth: { type: BASIC, username, password } | { type: API_KEY, apiKey } }
 *   DELETE /__sandbox/sellers/{id}/webhook
 *   GET    /__sandbox/sellers/{id}/webhook/deliveries          what was delivered, attempts and last HTTP status
 * unitPrice is in minor units; every change is also POSTed to the seller's webhook.
 */
import { Type } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { TRENDYOL } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";
import { orderLines, SellerParams } from "./control-body";
import { problem, toResponse } from "./reply";
import type { SandboxState } from "./state";
import { type PackageStatus, packagePayload, type SandboxPackage } from "./trendyol-orders";

const OrderBody = Type.Object(
  {
    // An empty barcode is a line Trendyol sends without one; stockCode is the seller's own code (the barcode when left out).
    lines: orderLines({ barcode: Type.String({ maxLength: 200 }), stockCode: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
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

const PackageParams = Type.Object({ sellerId: SellerParams.properties.sellerId, packageId: Type.String({ pattern: "^[0-9]+$" }) });

/** Tells the seller's webhook (if any); what to answer about the package. */
function told(state: SandboxState, changed: SandboxPackage) {
  const payload = packagePayload(changed);
  state.trendyolWebhooks.notify(changed.sellerId, changed.packageId, changed.status, payload);
  return { shipmentPackageId: changed.packageId, orderNumber: changed.orderNumber, payload };
}

function announced(state: SandboxState, changed: SandboxPackage, status: number): Response {
  return toResponse({ status, body: told(state, changed) });
}

function changeStatus(state: SandboxState, sellerId: string, packageId: number, status: PackageStatus): Response {
  const changed = state.trendyolOrders.setStatus(sellerId, packageId, status, state.now());
  return changed ? announced(state, changed, 200) : toResponse(problem(404, "NOT_FOUND", `No package ${packageId}`));
}

/** Both packages are announced, the unsupplied one first; answers both. */
function unsupplied(state: SandboxState, sellerId: string, packageId: number, lines: { lineId: number; quantity: number }[]): Response {
  const split = state.trendyolOrders.unsupply(sellerId, packageId, lines, state.now());
  if (typeof split === "string") return toResponse(problem(409, "NOT_UNSUPPLIABLE", split));
  const first = told(state, split.unsupplied);
  const rest = split.rest ? told(state, split.rest) : null;
  return toResponse({ status: 200, body: { unsupplied: first, rest } });
}

export function trendyolOrderControl(state: SandboxState) {
  return new Elysia({ prefix: "/sellers/:sellerId" })
    .onBeforeHandle(({ params }) => {
      const { sellerId } = params as { sellerId: string };
      if (!state.sellers.has(sellerId)) return toResponse(problem(404, "NOT_FOUND", `No seller ${sellerId} in the sandbox`));
    })
    .get("/orders", ({ params }) => ({ orders: state.trendyolOrders.of(params.sellerId).map(packagePayload) }), { params: SellerParams })
    .post("/orders", ({ params, body }) => announced(state, state.trendyolOrders.create(params.sellerId, body.lines, state.now(), body), 201), {
      params: SellerParams,
      body: OrderBody,
      parse: "json",
    })
    .post("/orders/:packageId/cancel", ({ params }) => changeStatus(state, params.sellerId, Number(params.packageId), "Cancelled"), { params: PackageParams })
    .post("/orders/:packageId/status", ({ params, body }) => changeStatus(state, params.sellerId, Number(params.packageId), body.status), {
      params: PackageParams,
      body: StatusBody,
      parse: "json",
    })
    .post("/orders/:packageId/unsupplied", ({ params, body }) => unsupplied(state, params.sellerId, Number(params.packageId), body.lines), {
      params: PackageParams,
      body: UnsuppliedBody,
      parse: "json",
    })
    .put(
      "/webhook",
      ({ params, body }) => {
        state.trendyolWebhooks.register(params.sellerId, body);
        return { url: body.url, auth: body.auth.type };
      },
      { params: SellerParams, body: WebhookBody, parse: "json" },
    )
    .delete("/webhook", ({ params }) => toResponse(state.trendyolWebhooks.remove(params.sellerId) ? { status: 204 } : problem(404, "NOT_FOUND", "No webhook")), {
      params: SellerParams,
    })
    .get(
      "/webhook/deliveries",
      ({ params }) => {
        const mine = new Set(state.trendyolOrders.of(params.sellerId).map((p) => p.packageId));
        return { deliveries: state.trendyolWebhooks.deliveries(mine) };
      },
      { params: SellerParams },
    );
}
