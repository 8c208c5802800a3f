import { Elysia } from "elysia";
import { OrderCommands as C, Orders } from "@pazarsync/shared";
import { Type } from "@sinclair/typebox";
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
      ({ caller, query }) => orders.listOrders(caller, { status: query.status, storeId: query.storeId, dueBefore: query.dueBefore }, pageRequest(query)),
      {
        auth: true,
        query: M.OrderListQuery,
        response: { 200: M.OrderPage, ...errors(401, 403, 422) },
        detail: { summary: "Orders, newest first: a customer's own, or all for staff; with dueBefore (staff), open orders due for dispatch before it, soonest first" },
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
    .post("/:id/cancel", ({ caller, params, body }) => orders.cancelOrder(caller, params.id, body ?? undefined), {
      auth: true,
      params: M.OrderParams,
      body: Type.Optional(C.CancelBody),
      response: { 200: M.Order, ...errors(400, 401, 404, 409, 422, 503) },
      detail: {
        summary:
          "Cancel before shipment (the owner, or staff); releases exactly what was reserved. Staff cancelling a marketplace order also record a CANCEL command for it (reason OUT_OF_STOCK unless given)",
      },
    })
    .post("/:id/pick", ({ caller, params, body }) => orders.pickOrder(caller, params.id, body ?? undefined), {
      ...staffOnly,
      params: M.OrderParams,
      body: Type.Optional(C.PickBody),
      response: { 200: M.Order, ...errors(400, 401, 403, 404, 409, 422, 503) },
      detail: {
        summary:
          "The warehouse picks the order, or the lines named (CREATED or CONFIRMED -> PICKING); a marketplace order records a PICK command. 409 INVALID_TRANSITION, 409 COMMAND_LINES_NOT_PARTIAL, 422 ORDER_LINES_INVALID",
      },
    })
    .post("/:id/invoice", ({ caller, params, body }) => orders.invoiceOrder(caller, params.id, body), {
      ...staffOnly,
      params: M.OrderParams,
      body: C.InvoiceBody,
      response: { 200: M.Order, ...errors(400, 401, 403, 404, 409, 422, 503) },
      detail: {
        summary:
          "The order, or the lines named, was invoiced (CREATED, CONFIRMED or PICKING -> INVOICED); a marketplace order records an INVOICE command with the number. 409 INVALID_TRANSITION, 409 COMMAND_LINES_NOT_PARTIAL, 422 ORDER_LINES_INVALID",
      },
    })
    .post("/:id/ship", ({ caller, params, body }) => orders.shipOrder(caller, params.id, body ?? undefined), {
      ...staffOnly,
      params: M.OrderParams,
      body: Type.Optional(C.ShipBody),
      response: { 200: M.Order, ...errors(400, 401, 403, 404, 409, 422, 503) },
      detail: {
        summary:
          "Ship the order, or the lines named, from CONFIRMED, PICKING or INVOICED: its reservation leaves the shelves (staff). A marketplace order records a SHIP command (and first a PICK its marketplace needs, when none was recorded)",
      },
    })
    .get(
      "/:id/label",
      async ({ params }) => {
        const label = await orders.orderLabel(params.id);
        // The marketplace's bytes as they came (ZPL text today), never cached: a label is per package and may be re-made.
        return new Response(label.body, { headers: { "content-type": label.contentType, "cache-control": "no-store" } });
      },
      {
        ...staffOnly,
        params: M.OrderParams,
        response: { 200: Type.String({ description: "the label as the marketplace gives it, in its content type (Hepsiburada and Trendyol: ZPL text)" }), ...errors(401, 403, 404, 409, 422, 502, 503) },
        detail: {
          summary:
            "A marketplace order's shipping label, fetched from its marketplace (Hepsiburada package labels, Trendyol common label) (staff). 404 ORDER_NOT_FOUND, 409 ORDER_NOT_MARKETPLACE (a web order), 409 ORDER_LABEL_NOT_READY (no package to label yet: not packed, no carrier number), 422 ORDER_LABEL_NOT_SUPPORTED (the marketplace gives no label; details name it and the source), 422 ORDER_LABEL_REFUSED (the marketplace refused this package's label)",
        },
      },
    )
    .post("/:id/unsupply", ({ caller, params, body }) => orders.unsupplyOrder(caller, params.id, body), {
      ...staffOnly,
      params: M.OrderParams,
      body: C.UnsupplyBody,
      response: { 200: M.Order, ...errors(400, 401, 403, 404, 409, 422, 503) },
      detail: {
        summary:
          "Units the seller cannot supply: exactly those are released, the rest stays; an OVERSOLD order is filled once its short units are given up; every unit given up cancels it. A marketplace order records an UNSUPPLY command. 409 INVALID_TRANSITION, 409 COMMAND_LINES_NOT_PARTIAL, 422 UNSUPPLY_LINES_INVALID",
      },
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
