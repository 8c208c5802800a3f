/**
 * The catalog control bodies, the same on every marketplace (Trendyol under
 * /__sandbox/sellers/{id}, the modules under /__sandbox/marketplaces/{name}/{account}):
 * - `PUT .../catalog` adds or replaces listings, given one by one and/or generated
 *   (`${prefix}${n padded to 6}` for n in [from, from + count), from 0 by default); answers
 *   `{ listings: <how many the account lists now> }`;
 * - `PUT .../shown-quantity { key, quantity }` changes what the marketplace shows behind the
 *   seller's back; the key is what that marketplace keys on (Trendyol the barcode, Hepsiburada
 *   the merchant SKU, ...).
 * Prices are in minor units (kuruş), like the rest of the control routes; each marketplace keeps
 * them in its own units.
 */
import { type Static, Type } from "@sinclair/typebox";

const Code = Type.String({ minLength: 1, maxLength: 200 });
const Quantity = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const Price = Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: "minor units" });

export const CatalogListing = Type.Object(
  {
    barcode: Code,
    stockCode: Type.Optional(Code),
    marketplaceId: Type.Optional(Code),
    quantity: Type.Optional(Quantity),
    salePrice: Type.Optional(Price),
    listPrice: Type.Optional(Price),
    fulfilledByMarketplace: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CatalogListing = Static<typeof CatalogListing>;

const Prefix = Type.String({ minLength: 1, maxLength: 100 });

export const CatalogBody = Type.Object(
  {
    listings: Type.Optional(Type.Array(CatalogListing, { maxItems: 100_000 })),
    generate: Type.Optional(
      Type.Object(
        {
          count: Type.Integer({ minimum: 1, maximum: 100_000 }),
          barcodePrefix: Prefix,
          stockCodePrefix: Type.Optional(Prefix),
          quantity: Type.Optional(Quantity),
          from: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CatalogBody = Static<typeof CatalogBody>;

export const ShownQuantityBody = Type.Object({ key: Code, quantity: Quantity }, { additionalProperties: false });
export type ShownQuantityBody = Static<typeof ShownQuantityBody>;

/** The sandbox's price for a listing given none, so reads always show one (100.00 TL). */
export const DEFAULT_PRICE_MINOR = 10_000;

/** Every listing the body names, the given ones first, then the generated ones. */
export function catalogListings(body: CatalogBody): CatalogListing[] {
  const listings = [...(body.listings ?? [])];
  const generate = body.generate;
  if (generate) {
    const from = generate.from ?? 0;
    for (let n = from; n < from + generate.count; n += 1) {
      const suffix = String(n).padStart(6, "0");
      listings.push({
        barcode: `${generate.barcodePrefix}${suffix}`,
        ...(generate.stockCodePrefix !== undefined && { stockCode: `${generate.stockCodePrefix}${suffix}` }),
        ...(generate.quantity !== undefined && { quantity: generate.quantity }),
      });
    }
  }
  return listings;
}
