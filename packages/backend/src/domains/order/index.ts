import { Elysia } from "elysia";
import { Orders } from "@pazarsync/shared";
import { pageRequest } from "../../http/pagination";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { OrderModel as M } from "./model";
import type { OrderService } from "./service";

const staffOnly = requireRole("staff", "admin");

/** Documented by hand: read by the service, so a missing key is our 400, not the schema's 422. */
const idempotencyKeyHeader = {
  in: "header" as const,
  name: "Idempotency-Key",
  required: true,
  description: "The caller's key for this order (1..200 of A-Z a-z 0-9 _ - : .); a retry with the same key and body gets the first answer",
  schema: { type: "string" as const, pattern: Orders.IDEMPOTENCY_KEY_PATTERN, maxLength: 200 },
};

/** /api/v1/orders: placing orders, reading them, and moving them through their statuses. */
export function orderController(deps: { orders: OrderService; identity: IdentityService }) {
  const { orders } = deps;
  return new Elysia({ name: "order", prefix: "/api/v1/orders", detail: { tags: ["order"] } })
    .use(identityGuard(deps.identity))
    .post(
      "",
      async ({ body, caller, request, set }) => {
        const placed = await orders.placeOrder(caller, body, request.headers.get("idempotency-key"));
        set.status = 201;
        if (placed.replayed) set.headers["idempotent-replayed"] = "true";
        return placed.order;
      },
      {
        auth: true,
        body: M.PlaceOrderBody,
        response: { 201: M.Order, ...errors(400, 401, 403, 409, 422, 503) },
        detail: {
          summary: "Place an order: stock is reserved at once (409 OUT_OF_STOCK names every short product); prices come from the catalog",
          parameters: [idempotencyKeyHeader],
        },
      },
    )
    .get(
      "",
      ({ caller, query }) => orders.listOrders(caller, { status: query.status, storeId: query.storeId }, pageRequest(query)),
      {
        auth: true,
        query: M.OrderListQuery,
        response: { 200: M.OrderPage, ...errors(401, 422) },
        detail: { summary: "Orders, newest first: a customer's own, or all for staff" },
      },
    )
    .get("/:id", ({ caller, params }) => orders.getOrder(caller, params.id), {
      auth: true,
      params: M.OrderParams,
      response: { 200: M.Order, ...errors(401, 404, 422) },
      detail: { summary: "One order (the owner's or any for staff; staff also see its allocations)" },
    })
    .post("/:id/confirm", ({ caller, params }) => orders.confirmOrder(caller, params.id), {
      ...staffOnly,
      params: M.OrderParams,
      response: { 200: M.Order, ...errors(401, 403, 404, 409, 422) },
      detail: { summary: "Confirm a CREATED order (staff)" },
    })
    .post("/:id/cancel", ({ caller, params }) => orders.cancelOrder(caller, params.id), {
      auth: true,
      params: M.OrderParams,
      response: { 200: M.Order, ...errors(401, 404, 409, 422, 503) },
      detail: { summary: "Cancel before shipment (the owner, or staff); releases exactly what was reserved" },
    })
    .post("/:id/ship", ({ caller, params }) => orders.shipOrder(caller, params.id), {
      ...staffOnly,
      params: M.OrderParams,
      response: { 200: M.Order, ...errors(401, 403, 404, 409, 422, 503) },
      detail: { summary: "Ship a CONFIRMED order: its reservation leaves the shelves (staff)" },
    })
    .post("/:id/deliver", ({ caller, params }) => orders.deliverOrder(caller, params.id), {
      ...staffOnly,
      params: M.OrderParams,
      response: { 200: M.Order, ...errors(401, 403, 404, 409, 422) },
      detail: { summary: "Mark a SHIPPED order delivered (staff)" },
    })
    .post("/:id/lines/:lineId/map", ({ caller, params, body }) => orders.mapAttentionLine(caller, params.id, Number(params.lineId), body.productId), {
      ...staffOnly,
      params: M.OrderLineParams,
      body: M.MapLineBody,
      response: { 200: M.Order, ...errors(400, 401, 403, 404, 409, 422, 503) },
      detail: {
        summary:
          "Map a marketplace order line no product matched (UNKNOWN_BARCODE; lineId is its lineNo) to a product (staff). Once no line waits the order reserves, or is OVERSOLD when short. 404 ORDER_LINE_NOT_FOUND, 409 ORDER_LINE_NOT_UNMATCHED, 422 UNKNOWN_PRODUCT or ORDER_LINE_UNREADABLE",
      },
    });
}
