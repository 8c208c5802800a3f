// Request and response schemas of the stores routes, shared with clients.
import { Type, type Static } from "@sinclair/typebox";
import { Nullable, Page, Timestamp, Uuid } from "./common";

// Literals spelled out (not mapped from an array) so the union keeps its members in Elysia's types.
export const StoreType = Type.Union(
  [
    Type.Literal("WEB"),
    Type.Literal("TRENDYOL"),
    Type.Literal("HEPSIBURADA"),
    Type.Literal("N11"),
    Type.Literal("PAZARAMA"),
    Type.Literal("PTTAVM"),
  ],
  { description: "the sales channel" },
);
export type StoreType = Static<typeof StoreType>;

/** Types we once sold on that closed; accepted by the schema so the service can refuse them with a clear code. */
export const DISCONTINUED_STORE_TYPES = { GITTIGIDIYOR: "GittiGidiyor closed in 2022" } as const;
export const StoreTypeInput = Type.Union([...StoreType.anyOf, Type.Literal("GITTIGIDIYOR")], {
  description: "the sales channel; GITTIGIDIYOR is refused with STORE_TYPE_DISCONTINUED",
});

// Quantities and prices fit Postgres integer columns with room to spare.
const Quantity = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000_000, description });
const Percentage = Type.Integer({ minimum: 1, maximum: 100, description: "share of the free pool offered, 1..100 (rounded down)" });
export const Money = Type.Integer({ minimum: 0, maximum: 2_000_000_000, description: "minor units (kuruş)" });

export const Policy = Type.Object(
  {
    safetyStock: Quantity("kept back from this channel"),
    percentage: Percentage,
    maxQuantity: Nullable(Quantity("the most ever listed; null for no limit")),
    floor: Quantity("below this the channel is told 0"),
  },
  { description: "How much of the pool a channel is offered, applied in the order safety stock, percentage, maximum, floor" },
);
export type Policy = Static<typeof Policy>;

/** A policy in a request: any field left out keeps its default (create) or current value (update). */
export const PolicyInput = Type.Partial(Policy, { additionalProperties: false });
export type PolicyInput = Static<typeof PolicyInput>;

export const Credentials = Type.Record(
  Type.String({ pattern: "^[A-Za-z][A-Za-z0-9_.-]{0,63}$" }),
  Type.String({ minLength: 1, maxLength: 4096 }),
  {
    minProperties: 1,
    maxProperties: 20,
    additionalProperties: false,
    description: "the marketplace's secrets, e.g. { apiKey, apiSecret }; stored encrypted, never returned",
  },
);
export type Credentials = Static<typeof Credentials>;

const Name = Type.String({ minLength: 1, maxLength: 200 });
const SellerId = Type.String({ minLength: 1, maxLength: 100, pattern: "\\S", description: "the seller account on the marketplace; required for marketplaces" });
const BaseUrl = Type.String({ pattern: "^https?://[^\\s/$.?#][^\\s]*$", maxLength: 2048, description: "http(s) URL of the marketplace API" });
const WriteQuota = Type.Integer({
  minimum: 1,
  maximum: 100_000,
  description: "the seller's marketplace write quota tier in requests per minute (e.g. Trendyol's Inventory & Price Write); null uses the marketplace default",
});
const WarehouseIds = Type.Array(Uuid, {
  maxItems: 50,
  description: "the warehouses the store sells from, in the order reservations draw on them",
});

export const StockCodeSource = Type.Union([Type.Literal("BARCODE"), Type.Literal("SKU")], {
  description: "the stock code (Hepsiburada merchantSku, N11 and Trendyol stockCode) of listings that name none: our barcode (default) or our SKU",
});
export type StockCodeSource = Static<typeof StockCodeSource>;

export const CreateStoreBody = Type.Object(
  {
    name: Name,
    type: StoreTypeInput,
    sellerId: Type.Optional(SellerId),
    baseUrl: Type.Optional(BaseUrl),
    credentials: Type.Optional(Credentials),
    warehouseIds: WarehouseIds,
    active: Type.Optional(Type.Boolean()),
    sendStock: Type.Optional(Type.Boolean({ description: "push quantities to the channel (default true)" })),
    sendPrice: Type.Optional(Type.Boolean({ description: "push prices to the channel (default false)" })),
    policy: Type.Optional(PolicyInput),
    writeQuotaPerMinute: Type.Optional(Nullable(WriteQuota)),
    stockCodeSource: Type.Optional(StockCodeSource),
  },
  { additionalProperties: false },
);
export type CreateStoreBody = Static<typeof CreateStoreBody>;

export const UpdateStoreBody = Type.Object(
  {
    name: Type.Optional(Name),
    sellerId: Type.Optional(Nullable(SellerId)),
    baseUrl: Type.Optional(Nullable(BaseUrl)),
    credentials: Type.Optional(Nullable(Credentials)),
    warehouseIds: Type.Optional(WarehouseIds),
    active: Type.Optional(Type.Boolean()),
    sendStock: Type.Optional(Type.Boolean()),
    sendPrice: Type.Optional(Type.Boolean()),
    policy: Type.Optional(PolicyInput),
    writeQuotaPerMinute: Type.Optional(Nullable(WriteQuota)),
    stockCodeSource: Type.Optional(StockCodeSource),
  },
  {
    additionalProperties: false,
    description: "Only the fields given change; credentials and warehouseIds are replaced whole, null clears",
  },
);
export type UpdateStoreBody = Static<typeof UpdateStoreBody>;

export const WebhookRegistration = Type.Object(
  {
    state: Type.Union([Type.Literal("OFF"), Type.Literal("REGISTERED"), Type.Literal("FAILED")], {
      description: "OFF: nothing registered, orders are pulled only (reason says why); REGISTERED: the marketplace delivers orders to us; FAILED: the last attempt failed (reason); the pull goes on",
    }),
    webhookId: Nullable(Type.String({ description: "the marketplace's id of our webhook" })),
    callbackUrl: Nullable(Type.String({ description: "where the marketplace delivers" })),
    lastAttemptAt: Nullable(Timestamp),
    registeredAt: Nullable(Timestamp),
    reason: Nullable(Type.String({ description: "why it is off, or the marketplace's reason for the failure" })),
    httpStatus: Nullable(Type.Integer({ description: "the marketplace's HTTP status of the failed call, when it answered" })),
  },
  { description: "Order webhooks registered at the marketplace (Trendyol); null for channels without them" },
);
export type WebhookRegistration = Static<typeof WebhookRegistration>;

export const Store = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    type: StoreType,
    sellerId: Nullable(Type.String()),
    baseUrl: Nullable(Type.String()),
    active: Type.Boolean(),
    sendStock: Type.Boolean(),
    sendPrice: Type.Boolean(),
    policy: Policy,
    writeQuotaPerMinute: Nullable(Type.Integer({ description: "requests per minute; null uses the marketplace default" })),
    stockCodeSource: StockCodeSource,
    warehouseIds: Type.Array(Uuid, { description: "in the order reservations draw on them" }),
    hasCredentials: Type.Boolean({ description: "credentials are stored (they are never returned)" }),
    credentialsKeyId: Nullable(Type.String({ description: "the id of the key they are encrypted under" })),
    webhook: Nullable(WebhookRegistration),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: "A sales channel" },
);
export type Store = Static<typeof Store>;

export const StorePage = Page(Store, "One page of stores, oldest first");
export type StorePage = Static<typeof StorePage>;

const Override = (schema: ReturnType<typeof Quantity> | typeof Percentage) => Type.Optional(Nullable(schema));

/** A listing's policy overrides in a request: a field left out keeps its value, null uses the store's. */
export const ListingPolicyInput = Type.Object(
  {
    safetyStock: Override(Quantity("kept back from this channel")),
    percentage: Override(Percentage),
    maxQuantity: Override(Quantity("the most ever listed")),
    floor: Override(Quantity("below this the channel is told 0")),
  },
  { additionalProperties: false, description: "per-listing overrides; null uses the store's value" },
);

const Identifier = (description: string) =>
  Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 200,
        // Not blank and no control characters; surrounding spaces are trimmed.
        pattern: "^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$",
        description,
      }),
    ),
  );

export const ListingIdentifiersInput = Type.Object(
  {
    barcode: Identifier("the listing's barcode on the marketplace; null uses the product's"),
    stockCode: Identifier("the seller's stock code / merchant SKU on the marketplace; null uses the store's stockCodeSource"),
    marketplaceProductId: Identifier("the marketplace's own id of the product or listing (Hepsiburada hepsiburadaSku ...)"),
  },
  { additionalProperties: false, description: "the marketplace's identifiers of this listing: a field left out keeps its value, null clears it" },
);

export const ListingBody = Type.Object(
  {
    enabled: Type.Boolean(),
    identifiers: Type.Optional(ListingIdentifiersInput),
    price: Type.Optional(Nullable(Money)),
    policy: Type.Optional(ListingPolicyInput),
  },
  {
    additionalProperties: false,
    description: "Creates or updates the listing: null clears an override, a field left out keeps its current value",
  },
);
export type ListingBody = Static<typeof ListingBody>;

export const ListingPolicy = Type.Object(
  {
    safetyStock: Nullable(Type.Integer()),
    percentage: Nullable(Type.Integer()),
    maxQuantity: Nullable(Type.Integer()),
    floor: Nullable(Type.Integer()),
  },
  { description: "overrides of the store's policy; null uses the store's value" },
);

export const Listing = Type.Object(
  {
    storeId: Uuid,
    productId: Uuid,
    enabled: Type.Boolean(),
    price: Nullable(Type.Integer({ description: "minor units; null sells at the product's price" })),
    policy: ListingPolicy,
    lastPushedQuantity: Nullable(Type.Integer()),
    lastPushedPrice: Nullable(Type.Integer()),
    lastPushedAt: Nullable(Timestamp),
    lastPushStatus: Nullable(Type.String()),
    identifiers: Type.Object(
      { barcode: Nullable(Type.String()), stockCode: Nullable(Type.String()), marketplaceProductId: Nullable(Type.String()) },
      { description: "the listing's own identifiers on the marketplace; null uses the default" },
    ),
    effective: Type.Object(
      { barcode: Type.String(), stockCode: Type.String() },
      { description: "what the marketplace is sent and orders are matched on: the listing's own values, else the product's barcode and the store's stockCodeSource" },
    ),
    fulfilledByMarketplace: Type.Boolean({ description: "the marketplace fulfils it (Hepsiburada isFulfilledByHB): its stock is not pushed" }),
    lockedByMarketplace: Type.Boolean(),
    lastSeenQuantity: Nullable(Type.Integer({ description: "what the marketplace showed at the last read" })),
    lastSeenAt: Nullable(Timestamp),
    lastDriftAt: Nullable(Timestamp),
    importJobId: Nullable(Uuid),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: "A product offered on a store" },
);
export type Listing = Static<typeof Listing>;

export const ListingPage = Page(Listing, "One page of a store's listings, by product id");
export type ListingPage = Static<typeof ListingPage>;
