// Request and response schemas of the catalog product routes, shared with clients.
import { Type, type Static } from "@sinclair/typebox";
import { PageQueryFields, Page, Timestamp, Uuid } from "./common";

export const ProductType = Type.Union([Type.Literal("SIMPLE"), Type.Literal("SET")], {
  description: "SIMPLE: a thing on a shelf; SET: a bundle of simple products sold as one",
});
export type ProductType = Static<typeof ProductType>;

// Trimmed, non-empty codes: a stray space would make two SKUs look alike but not compare equal.
const Code = (description: string) =>
  Type.String({ minLength: 1, maxLength: 64, pattern: "^\\S(.*\\S)?$", description });

export const Sku = Code("the seller's stock keeping unit, unique");
export const Barcode = Code("GTIN/EAN or the seller's barcode, unique; marketplaces match listings by it");
export const ProductName = Type.String({ minLength: 1, maxLength: 300, pattern: "\\S", description: "display name" });
/** Postgres `integer`: larger amounts cannot be stored. */
export const Money = Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: "minor units (kuruş)" });
export const Currency = Type.String({ pattern: "^[A-Z]{3}$", maxLength: 3, description: "ISO 4217 code, e.g. TRY" });
export const VatRate = Type.Integer({ minimum: 0, maximum: 100, description: "VAT in percent" });

export const ComponentInput = Type.Object(
  {
    productId: Uuid,
    quantity: Type.Integer({ minimum: 1, maximum: 999, description: "how many of this product one set holds" }),
  },
  { additionalProperties: false, description: "A simple product inside a set" },
);
export type ComponentInput = Static<typeof ComponentInput>;

// No minItems: an empty list gets its own code (SET_WITHOUT_COMPONENTS) from the service.
export const ComponentsInput = Type.Array(ComponentInput, {
  maxItems: 100,
  description: "a set's components (required and non-empty for a SET; absent or empty for a SIMPLE)",
});

export const CreateProductBody = Type.Object(
  {
    sku: Sku,
    barcode: Barcode,
    name: ProductName,
    type: ProductType,
    price: Money,
    listPrice: Money,
    currency: Type.Optional(Currency),
    vatRate: VatRate,
    active: Type.Optional(Type.Boolean({ description: "default true" })),
    components: Type.Optional(ComponentsInput),
  },
  { additionalProperties: false, description: "A new product; currency defaults to TRY" },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

export const UpdateProductBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    barcode: Type.Optional(Barcode),
    name: Type.Optional(ProductName),
    type: Type.Optional(ProductType),
    price: Type.Optional(Money),
    listPrice: Type.Optional(Money),
    currency: Type.Optional(Currency),
    vatRate: Type.Optional(VatRate),
    active: Type.Optional(Type.Boolean()),
    components: Type.Optional(ComponentsInput),
  },
  {
    minProperties: 1,
    additionalProperties: false,
    description: "Fields to change; a set's components are replaced wholesale; type cannot change (TYPE_IMMUTABLE)",
  },
);
export type UpdateProductBody = Static<typeof UpdateProductBody>;

export const Component = Type.Object(
  { productId: Uuid, sku: Type.String(), name: Type.String(), quantity: Type.Integer({ minimum: 1 }) },
  { description: "A component of a set" },
);
export type Component = Static<typeof Component>;

const productFields = {
  id: Uuid,
  sku: Type.String(),
  barcode: Type.String(),
  name: Type.String(),
  type: ProductType,
  price: Type.Integer({ description: "minor units" }),
  listPrice: Type.Integer({ description: "minor units" }),
  currency: Type.String(),
  vatRate: Type.Integer({ description: "percent" }),
  active: Type.Boolean(),
  components: Type.Optional(Type.Array(Component, { description: "sets only, ordered by SKU" })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const Product = Type.Object(productFields, { description: "A product" });
export type Product = Static<typeof Product>;

export const ProductListItem = Type.Object(
  {
    ...productFields,
    sellable: Type.Optional(Type.Integer({ minimum: 0, description: "present when the list was asked with storeId" })),
  },
  { description: "A product in a list" },
);
export type ProductListItem = Static<typeof ProductListItem>;

export const ComponentAvailability = Type.Object(
  {
    productId: Uuid,
    quantity: Type.Integer({ description: "per set" }),
    free: Type.Integer({ description: "free stock of the component in the store's warehouses" }),
    sets: Type.Integer({ description: "complete sets this component alone allows" }),
  },
  { description: "Why a set's number is what it is" },
);

export const StoreAvailability = Type.Object(
  {
    storeId: Uuid,
    sellable: Type.Integer({ minimum: 0, description: "what this store may sell now, after sets and policy" }),
    components: Type.Optional(Type.Array(ComponentAvailability)),
  },
  { description: "Sellable quantity in one store" },
);
export type StoreAvailability = Static<typeof StoreAvailability>;

export const ProductDetail = Type.Object(
  { ...productFields, availability: Type.Array(StoreAvailability, { description: "one entry per store" }) },
  { description: "A product with what every store may sell of it" },
);
export type ProductDetail = Static<typeof ProductDetail>;

export const ProductListQuery = Type.Object({
  ...PageQueryFields,
  type: Type.Optional(ProductType),
  sku: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "exact SKU" })),
  barcode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "exact barcode" })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "case-insensitive part of the name or SKU" })),
  storeId: Type.Optional(Type.String({ pattern: Uuid.pattern, maxLength: 36, description: "adds each product's sellable quantity in this store" })),
});
export type ProductListQuery = Static<typeof ProductListQuery>;

export const ProductPage = Page(ProductListItem, "A page of products, newest first");
export type ProductPage = Static<typeof ProductPage>;

export const ProductParams = Type.Object({ id: Uuid });
