/**
 * Hepsiburada's order push, on the paths Hepsiburada calls under the base URL the seller gives
 * its integration team, `/api/v1/marketplace/webhooks/hepsiburada/{storeId}`:
 * - POST `{base}/orders` (an order's lines) -> 201 (the Market/OMS FAQ: 200, 201 or 204 succeed);
 * - PUT `{base}/lineitems/{lineItemId}/cancel` (units of one line cancelled) -> 204 (the Order
 *   Cancel page's answer).
 * Like the Trendyol route, the body is Hepsiburada's own model, extended on its schedule: fields
 * are read as far as they can be and what cannot be read is recorded NEEDS_ATTENTION, not refused.
 * The schema only bounds the body (an object; at most MAX_LINES items). Auth runs in `transform`,
 * before validation, so a stranger learns nothing about the body's rules.
 */
import { Elysia, t } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import type { HepsiburadaPush } from "./hepsiburada-push";

/** Ten times what intake reads line by line; an order push carries one order's lines. */
const MAX_LINES = 10_000;
const Field = (description: string) => t.Optional(t.Unknown({ description }));

const OrderPush = t.Object(
  {
    items: t.Optional(
      t.Array(
        Field(
          "one order line: { id (the line id), orderNumber, merchantSKU (our barcode; Hepsiburada's sku when absent), quantity, unitPrice { amount, currency }, orderDate, ... }; one intake cannot read is recorded with its reason",
        ),
        { maxItems: MAX_LINES },
      ),
    ),
  },
  {
    additionalProperties: true,
    description: "Hepsiburada's Create Order push: the lines of an order (grouped by orderNumber); unknown fields are accepted. A push without lines is recorded NEEDS_ATTENTION.",
  },
);

const CancelPush = t.Object(
  {
    id: Field("the cancelled line's id; when it is not the path's line, the push is recorded NEEDS_ATTENTION and releases nothing"),
    orderNumber: Field("the order the line belongs to"),
    quantity: Field("the units of the line cancelled"),
    cancelDate: Field("when: names the cancellation with the line, as the pulled cancelled record does, so the two release once"),
    cancelledBy: Field("Customer or Merchant"),
    cancelReasonCode: Field("e.g. MerchantCanNotBeSupplied"),
    isUnpackedLine: Field("a boolean, or 'true' / 'false' as the official example writes it"),
  },
  { additionalProperties: true, description: "Hepsiburada's Order Cancel push: some units of one line cancelled; unknown fields are accepted" },
);

const PushedOrder = t.Object({
  externalOrderId: t.String({ description: "the key the order is recorded under: the orderNumber, or a digest of the push when it names none" }),
  outcome: t.Union([t.Literal("created"), t.Literal("duplicate"), t.Literal("oversold"), t.Literal("needs_attention"), t.Literal("cancelled"), t.Literal("rejected")], {
    description: "created (reserved), duplicate (known, nothing changed), oversold (recorded, no stock), needs_attention (recorded for an operator), cancelled, rejected (logged and counted)",
  }),
});

const Accepted = t.Object({ accepted: t.Literal(true), orders: t.Array(PushedOrder) }, { description: "Recorded: every order of the push was taken in before this answer" });

const StoreParams = t.Object({ storeId: t.String({ maxLength: 64 }) });
const LineParams = t.Object({ storeId: t.String({ maxLength: 64 }), lineItemId: t.String({ minLength: 1, maxLength: 200 }) });

const AUTH =
  "Auth per store: HTTP Basic with the store's credentials hbPushUsername / hbPushPassword (what the seller gave Hepsiburada's integration team). Every refusal is 401 WEBHOOK_UNAUTHORISED, and nothing is recorded.";
const REFUSED =
  "Only a body that is no push is refused: 400 MALFORMED_BODY when it is not JSON, 422 VALIDATION_FAILED when it is not an object (or, for an order push, items is not a list or holds over 10,000). 503 WEBHOOK_INTAKE_UNAVAILABLE when it cannot be recorded now (database down): send it again.";

export function hepsiburadaPushController(deps: { hepsiburadaPush: HepsiburadaPush }) {
  const { hepsiburadaPush } = deps;
  const authenticate = async ({ params, request }: { params: { storeId: string }; request: Request }) => {
    await hepsiburadaPush.authenticate(params.storeId, request.headers.get("authorization"));
  };
  return new Elysia({ name: "hepsiburada-push", prefix: "/api/v1/marketplace/webhooks/hepsiburada", detail: { tags: ["marketplace"] } })
    .post(
      "/:storeId/orders",
      async ({ params, body, set }) => {
        const orders = await hepsiburadaPush.acceptOrders(params.storeId.toLowerCase(), body);
        set.status = 201;
        return { accepted: true as const, orders };
      },
      {
        params: StoreParams,
        transform: authenticate,
        body: OrderPush,
        response: { 201: Accepted, ...errors(400, 401, 422, 503) },
        detail: {
          summary: "Hepsiburada order push: the order is taken in before the answer (idempotent; the periodic pull remains the source of truth)",
          description: `${AUTH} The order is keyed on its orderNumber and its lines on their ids, as the pull reads them: pushed and pulled, it is one order with one reservation. An order intake cannot read (an unknown SKU, no orderNumber, a quantity it cannot take, no lines) is recorded NEEDS_ATTENTION with the push and answered 201. ${REFUSED}`,
          security: [],
        },
      },
    )
    .put(
      "/:storeId/lineitems/:lineItemId/cancel",
      async ({ params, body, set }) => {
        await hepsiburadaPush.acceptCancellation(params.storeId.toLowerCase(), params.lineItemId, body);
        set.status = 204;
        return null;
      },
      {
        params: LineParams,
        transform: authenticate,
        body: CancelPush,
        response: { 204: t.Null({ description: "Recorded: the line's cancelled units were released (once), or the cancellation was recorded for an operator" }), ...errors(400, 401, 422, 503) },
        detail: {
          summary: "Hepsiburada cancellation push: releases the cancelled units of one line, once (idempotent with the pulled cancelled record of the same cancellation)",
          description: `${AUTH} The cancellation is named by the line and its cancelDate as the pulled cancelled list names it, so a repeat, or the same cancellation pulled, releases nothing more. A cancellation of an order not seen yet is recorded and the order held cancelled; one whose body names another line than the path is recorded NEEDS_ATTENTION and releases nothing. ${REFUSED}`,
          security: [],
        },
      },
    );
}
