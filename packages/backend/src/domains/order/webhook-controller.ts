/**
 * POST /api/v1/marketplace/webhooks/trendyol/:storeId — Trendyol's order webhook deliveries.
 * Unlike our own API this route accepts fields it does not know: the body is Trendyol's order
 * model, which Trendyol extends and renames (Dec 2025) on its own schedule, and refusing a
 * delivery for a new field would lose it until the next pull. Only what intake needs is checked.
 * Auth runs before the body is validated, so a stranger learns nothing about the body's rules.
 * The order is recorded before the answer: a 2xx means it is in Postgres (or was already).
 */
import { Type } from "@sinclair/typebox";
import { Elysia, t } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import { WebhookPackageUnreadable } from "./errors";
import type { TrendyolWebhooks } from "./trendyol-webhooks";

// Type.Integer, not t.Integer: Elysia's is a string-coercing union that the OpenAPI lint refuses (STACK.md).
const WholeNumber = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const PackageId = t.Union([WholeNumber("Trendyol's numeric id"), t.String({ minLength: 1, maxLength: 64 })]);
const Price = t.Optional(t.Number({ minimum: 0, maximum: 1_000_000_000, description: "lira, decimals" }));

const TrendyolPackage = t.Object(
  {
    shipmentPackageId: t.Optional(PackageId),
    id: t.Optional(PackageId),
    orderNumber: t.Optional(t.Union([t.String({ maxLength: 64 }), WholeNumber("Trendyol's order number")])),
    status: t.Optional(t.String({ maxLength: 64 })),
    shipmentPackageStatus: t.Optional(t.String({ maxLength: 64 })),
    currencyCode: t.Optional(t.String({ maxLength: 8 })),
    lastModifiedDate: t.Optional(t.Union([WholeNumber("epoch milliseconds"), t.String({ maxLength: 64 })])),
    lines: t.Array(
      t.Object(
        {
          barcode: t.String({ minLength: 1, maxLength: 200 }),
          quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
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

const TrendyolEnvelope = t.Object(
  { content: t.Array(TrendyolPackage, { minItems: 1, maxItems: 200 }) },
  {
    additionalProperties: true,
    description: "The order list's page envelope ({ totalElements, totalPages, page, size, content }) some deliveries come in; every package is taken in",
  },
);

const Accepted = t.Object(
  {
    accepted: t.Literal(true),
    externalOrderId: t.String({ description: "the key the order is recorded under: the package id, or a digest of an id that cannot be stored" }),
    status: t.String({ description: "Trendyol's package status as delivered" }),
    outcome: t.Union(
      [
        t.Literal("created"),
        t.Literal("duplicate"),
        t.Literal("oversold"),
        t.Literal("needs_attention"),
        t.Literal("cancelled"),
        t.Literal("rejected"),
      ],
      {
        description:
          "what became of it: created (reserved), duplicate (known, nothing changed), oversold (recorded, no stock), needs_attention (recorded for an operator, nothing reserved), cancelled, rejected (a change we refuse, e.g. cancelling a shipped order; logged and counted)",
      },
    ),
  },
  { description: "Recorded: the order was taken in before this answer" },
);

export function orderWebhookController(deps: { trendyolWebhooks: TrendyolWebhooks }) {
  const { trendyolWebhooks } = deps;
  return new Elysia({ name: "order-webhooks", prefix: "/api/v1/marketplace/webhooks", detail: { tags: ["marketplace"] } }).post(
    "/trendyol/:storeId",
    async ({ params, body }) => {
      // An envelope's packages are all taken in before the answer; it names the first (in practice the only one).
      const [first] = await trendyolWebhooks.accept(params.storeId.toLowerCase(), body);
      if (!first) throw new WebhookPackageUnreadable();
      return { accepted: true as const, externalOrderId: first.externalId, status: first.status, outcome: first.outcome };
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
      body: t.Union([TrendyolPackage, TrendyolEnvelope]),
      response: { 200: Accepted, ...errors(400, 401, 422, 503) },
      detail: {
        summary: "Trendyol order webhook: the order is taken in before the answer (idempotent; the periodic pull remains the source of truth)",
        description:
          "Auth per store: HTTP Basic with the store's credentials webhookUsername/webhookPassword, or the x-api-key header with webhookApiKey. Any refusal is 401 WEBHOOK_UNAUTHORISED. An order intake cannot read (unknown barcode, quantity over 9999, an id that cannot be stored) is recorded NEEDS_ATTENTION and answered 200. 503 WEBHOOK_INTAKE_UNAVAILABLE when it cannot be recorded now (database down): deliver it again.",
        security: [],
        // Listed by hand: a detail.parameters list replaces the one Elysia derives from `params`.
        parameters: [
          { in: "path", name: "storeId", required: true, schema: { type: "string", maxLength: 64 }, description: "the store's id in Pazarsync" },
          { in: "header", name: "x-api-key", required: false, schema: { type: "string", maxLength: 4096 }, description: "the store's webhookApiKey (instead of Basic auth)" },
        ],
      },
    },
  );
}
