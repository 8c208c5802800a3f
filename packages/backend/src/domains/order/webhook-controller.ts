/**
 * POST /api/v1/marketplace/webhooks/trendyol/:storeId — Trendyol's order webhook deliveries.
 * Unlike our own API this route takes any order-shaped body: the body is Trendyol's order model,
 * which Trendyol extends and renames (Dec 2025) on its own schedule, and Trendyol delivers again
 * on every non-2xx, so a refusal of a delivery that will never change repeats forever with
 * nothing recorded. What intake cannot read (no order number nor package id, a line without a barcode, a quantity
 * sent as text or past our limits, no lines) is recorded NEEDS_ATTENTION and answered 200. The
 * schema only bounds the body (with the 1 MiB body limit and the 64-level depth check): an object,
 * with at most MAX_LINES lines. Auth runs before the body is validated, so a stranger learns
 * nothing about the body's rules. The order is recorded before the answer: a 2xx means it is in
 * Postgres (or was already).
 */
import { Elysia, t } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import type { TrendyolWebhooks } from "./trendyol-webhooks";

/**
 * Ten times what intake reads line by line (1000; an order past that is recorded
 * LINE_COUNT_OUT_OF_RANGE); Trendyol's packages carry a handful. A longer list is no order but
 * work for us: mapped line by line, it is what the bound is for.
 */
const MAX_LINES = 10_000;
/** Any JSON value: what cannot be read is recorded with the order, not refused. */
const Field = (description: string) => t.Optional(t.Unknown({ description }));

const TrendyolPackage = t.Object(
  {
    shipmentPackageId: Field("the package id, a number or text; the rest of a package some of whose units were cancelled or unsupplied comes under a new one with the same orderNumber"),
    id: Field("the package id before Dec 2025"),
    orderNumber: Field("Trendyol's order number: the order is recorded under it (under the package id when absent; with neither, NEEDS_ATTENTION, MISSING_ORDER_ID)"),
    shipmentPackageStatus: Field("the package status (Created, Picking, Invoiced, Cancelled, UnSupplied, Shipped, ...)"),
    status: Field("the package status before Dec 2025"),
    currencyCode: Field("ISO 4217; TRY when absent"),
    lastModifiedDate: Field("epoch milliseconds or ISO-8601"),
    lines: t.Optional(
      t.Array(Field("a line: { barcode, quantity, lineUnitPrice (price before Dec 2025) in lira, ... }; one intake cannot read is recorded with its reason"), {
        maxItems: MAX_LINES,
      }),
    ),
  },
  {
    additionalProperties: true,
    description:
      "A Trendyol shipment package (order model), old or Dec 2025 field names; unknown fields are accepted, and any field may be missing or of another type: an order intake cannot read is recorded NEEDS_ATTENTION.",
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
    externalOrderId: t.String({ description: "the key the order is recorded under: the orderNumber (the package id when none came), or a digest of an id that cannot be stored" }),
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

/**
 * Trendyol refuses a webhook URL containing "Trendyol" (webhook-model), so the URL we register
 * (trendyol-webhook-registration.ts) is the shipment-packages alias; both paths are one route.
 */
export const TRENDYOL_WEBHOOK_PATHS = ["/trendyol/:storeId", "/shipment-packages/:storeId"] as const;

export function orderWebhookController(deps: { trendyolWebhooks: TrendyolWebhooks }) {
  const { trendyolWebhooks } = deps;
  const [first, alias] = TRENDYOL_WEBHOOK_PATHS;
  const receive = async ({ params, body }: { params: { storeId: string }; body: unknown }) => {
    // An envelope's packages are all taken in before the answer; it names the first (in practice the only one).
    const [accepted] = await trendyolWebhooks.accept(params.storeId.toLowerCase(), body);
    // The schema lets no delivery through without a package (an envelope holds at least one).
    if (!accepted) throw new Error("a webhook delivery without a package passed validation");
    return { accepted: true as const, externalOrderId: accepted.externalId, status: accepted.status, outcome: accepted.outcome };
  };
  const options = {
    params: t.Object({ storeId: t.String({ maxLength: 64 }) }),
    // Before validation (transform runs first): refusals are 401 whatever the body.
    transform: async ({ params, request }: { params: { storeId: string }; request: Request }) => {
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
        "Auth per store: HTTP Basic with the store's credentials webhookUsername/webhookPassword, or the x-api-key header with webhookApiKey. Any refusal is 401 WEBHOOK_UNAUTHORISED. An order intake cannot read (unknown barcode, a line without a barcode, a quantity over 9999 or not a whole number, no lines or over 1000, neither an orderNumber nor a package id, or an order id that cannot be stored) is recorded NEEDS_ATTENTION with its raw payload and answered 200. Only a body that is no order is refused: 400 MALFORMED_BODY when it is not JSON, 422 when it is not an object, its lines are not a list or number over 10,000, or it nests deeper than 64 levels. 503 WEBHOOK_INTAKE_UNAVAILABLE when it cannot be recorded now (database down): deliver it again.",
      security: [],
      // Listed by hand: a detail.parameters list replaces the one Elysia derives from `params`.
      parameters: [
        { in: "path" as const, name: "storeId", required: true, schema: { type: "string" as const, maxLength: 64 }, description: "the store's id in Pazarsync" },
        { in: "header" as const, name: "x-api-key", required: false, schema: { type: "string" as const, maxLength: 4096 }, description: "the store's webhookApiKey (instead of Basic auth)" },
      ],
    },
  };
  return new Elysia({ name: "order-webhooks", prefix: "/api/v1/marketplace/webhooks", detail: { tags: ["marketplace"] } })
    .post(first, receive, options)
    .post(alias, receive, { ...options, detail: { ...options.detail, summary: `${options.detail.summary}; the path registered at Trendyol, whose URLs may not contain "Trendyol"` } });
}
