/**
 * Hepsiburada's listing read in the sandbox, as the fixture hepsiburada/listing-read shows it:
 * `GET /listings/merchantid/{merchantId}?offset&limit[&merchantSkuList]` answering
 * `{ listings: [...], totalCount, limit, offset }`, every listing with the fixture's fields. The
 * listings are the account's known codes (or every code it was sent or marked fulfilled), in code order;
 * `isFulfilledByHB` (and `isLocked`, as the fixture's HB-fulfilled listing shows) is set per
 * listing through the control route `PUT /__sandbox/marketplaces/hepsiburada/{account}/fulfilled-by-hb`,
 * or with the rest of a listing through `.../catalog` (catalog.ts).
 */
import { type Static, Type } from "@sinclair/typebox";
import { parseBody } from "../control-body";
import { problem } from "../reply";
import type { Incoming, Reply } from "../module";
import type { HepsiburadaAccount } from "./state";

const badRequest = (detail: string): Reply => ({ status: 400, body: { title: "Bad Request", status: 400, detail } });

/** Listing guide: at most 50 merchantSkus per read. */
const MAX_SKU_FILTER = 50;

/** The merchantSkus an account lists: its known codes (the catalog's among them), or, knowing every code, what it was sent, fulfils or was given. */
export function listedCodes(account: HepsiburadaAccount): string[] {
  const codes = account.known ?? new Set([...account.quantities.keys(), ...account.prices.keys(), ...account.fulfilledByHb, ...account.catalog.keys()]);
  return [...codes].sort();
}

function listingOf(account: HepsiburadaAccount, code: string) {
  const fulfilled = account.fulfilledByHb.has(code);
  return {
    listingId: `${account.merchantId}-${code}`,
    uniqueIdentifier: "",
    hepsiburadaSku: account.catalog.get(code)?.hepsiburadaSku ?? `HBV${code}`,
    merchantSku: code,
    price: account.prices.get(code) ?? 0,
    availableStock: account.quantities.get(code) ?? 0,
    dispatchTime: 1,
    cargoCompany1: "HepsiJet",
    cargoCompany2: "",
    cargoCompany3: "",
    shippingAddressLabel: "Sandbox",
    shippingProfileName: "Sandbox",
    claimAddressLabel: "Sandbox",
    maximumPurchasableQuantity: 10,
    minimumPurchasableQuantity: 1,
    pricings: [],
    isSalable: true,
    customizableProperties: [],
    deactivationReasons: [],
    isSuspended: false,
    isLocked: fulfilled || account.locked.has(code) || account.lockedListings.has(code),
    lockReasons: fulfilled ? ["CatalogExchange"] : account.lockedListings.has(code) ? ["Sandbox"] : [],
    isFrozen: account.locked.has(code),
    freezeReasons: [],
    availableWarehouses: [],
    isFulfilledByHB: fulfilled,
    priceIncreaseDisabled: false,
    priceDecreaseDisabled: false,
    stockDecreaseDisabled: false,
    skuAfterSuspension: null,
    productId: `HBP${code}`,
    hasVariant: false,
  };
}

const whole = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);

/** offset and limit are required (the published client's GetListingsQuery); merchantSkuList filters by up to 50 codes. */
export function listHepsiburadaListings(account: HepsiburadaAccount, incoming: Incoming, maxPageSize: number): Reply {
  const offset = whole(incoming.query.offset);
  const limit = whole(incoming.query.limit);
  if (offset === undefined || limit === undefined || limit < 1) return badRequest("limit and offset parameters are required");
  if (limit > maxPageSize) return badRequest(`limit must be at most ${maxPageSize}`);
  let codes = listedCodes(account);
  const filter = incoming.query.merchantSkuList;
  if (filter !== undefined) {
    const wanted = new Set(filter.split(",").map((code) => code.trim()).filter((code) => code.length > 0));
    if (wanted.size > MAX_SKU_FILTER) return badRequest(`at most ${MAX_SKU_FILTER} merchantSkus`);
    codes = codes.filter((code) => wanted.has(code));
  }
  const listings = codes.slice(offset, offset + limit).map((code) => listingOf(account, code));
  return { status: 200, body: { listings, totalCount: codes.length, limit, offset } };
}

const FulfilledBody = Type.Object(
  {
    merchantSkus: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100_000 }),
    fulfilledByHb: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** `PUT .../{account}/fulfilled-by-hb {merchantSkus, fulfilledByHb}`: which listings Hepsiburada fulfils. */
export function setFulfilledByHb(account: HepsiburadaAccount, incoming: Incoming): Reply {
  if (incoming.method !== "PUT") return problem(405, "METHOD_NOT_ALLOWED", "Method not allowed");
  const body = parseBody<Static<typeof FulfilledBody>>(FulfilledBody, incoming.body);
  if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
  for (const sku of body.merchantSkus) {
    if (body.fulfilledByHb) account.fulfilledByHb.add(sku);
    else account.fulfilledByHb.delete(sku);
  }
  return { status: 200, body: { fulfilledByHb: [...account.fulfilledByHb].sort() } };
}
