/**
 * POST /api/v1/marketplace/webhooks/trendyol/:storeId — Trendyol's order webhook deliveries.
 * Unlike our own API this route accepts fields it does not know: the body is Trendyol's order
 * model, which Trendyol extends and renames (Dec 2025) on its own schedule, and refusing a
 * delivery for a new field would lose it until the next pull. Only what intake needs is checked.
 * Auth runs before the body is validated, so a stranger learns nothing about the body's rules.
 */
import { Elysia, t } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import type { TrendyolWebhooks } from "./trendyol-webhooks";

const PackageId = t.Union([t.Integer({ minimum: 0 }), t.String({ minLength: 1, maxLength: 64 })]);
const Price = t.Optional(t.Number({ minimum: 0, description: "lira, decimals" }));

const TrendyolPackage = t.Object(
  {
    shipmentPackageId: t.Optional(PackageId),
    id: t.Optional(PackageId),
    orderNumber: t.Optional(t.Union([t.String({ maxLength: 64 }), t.Integer()])),
    status: t.Optional(t.String({ maxLength: 64 })),
    shipmentPackageStatus: t.Optional(t.String({ maxLength: 64 })),
    currencyCode: t.Optional(t.String({ maxLength: 8 })),
    lastModifiedDate: t.Optional(t.Union([t.Integer({ minimum: 0 }), t.String({ maxLength: 64 })])),
    lines: t.Array(
      t.Object(
        {
          barcode: t.String({ minLength: 1, maxLength: 200 }),
          quantity: t.Integer({ minimum: 1, maximum: 100_000 }),
          lineUnitPrice: Price,
          price: Price,
        },
        { additionalProperties: true },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  {
    additionalProperties: true,
    description:
      "A Trendyol shipment package (order model), old or Dec 2025 field names; unknown fields are accepted. shipmentPackageId (or id) is required.",
  },
);

const Accepted = t.Object({
  accepted: t.Literal(true),
  externalOrderId: t.String({ description: "the package id the order is recorded under" }),
  status: t.String({ description: "Trendyol's package status as delivered" }),
}, { description: "Accepted: the order is taken in right after this answer" });

export function orderWebhookController(deps: { trendyolWebhooks: TrendyolWebhooks }) {
  const { trendyolWebhooks } = deps;
  return new Elysia({ name: "order-webhooks", prefix: "/api/v1/marketplace/webhooks", detail: { tags: ["marketplace"] } }).post(
    "/trendyol/:storeId",
    ({ params, body }) => {
      const accepted = trendyolWebhooks.accept(params.storeId.toLowerCase(), body);
      return { accepted: true as const, externalOrderId: accepted.externalId, status: accepted.status };
    },
    {
      params: t.Object({ storeId: t.String({ maxLength: 64 }) }),
      // Before validation (transform runs first): refusals are 401 whatever the body.
      transform: async ({ params, request }) => {
        await trendyolWebhooks.authenticate(params.storeId, {
          authorization: request.headers.get("authorization"),
          apiKey: request.headers.get("x-api-key"),
        });
      },
      body: TrendyolPackage,
      response: { 200: Accepted, ...errors(400, 401, 422) },
      detail: {
        summary: "Trendyol order webhook: answered at once, the order is taken in right after (idempotent; the periodic pull remains the source of truth)",
        description:
          "Auth per store: HTTP Basic with the store's credentials webhookUsername/webhookPassword, or the x-api-key header with webhookApiKey. Any refusal is 401 WEBHOOK_UNAUTHORISED.",
        security: [],
        parameters: [
          { in: "header", name: "x-api-key", required: false, schema: { type: "string" }, description: "the store's webhookApiKey (instead of Basic auth)" },
        ],
      },
    },
  );
}
