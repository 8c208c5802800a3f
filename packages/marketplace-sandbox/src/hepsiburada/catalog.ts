/**
 * Hepsiburada's catalog control routes (catalog-body.ts), through the module's control:
 * - `PUT /__sandbox/marketplaces/hepsiburada/{account}/catalog`: listings keyed by merchantSku =
 *   stockCode (the barcode when none); marketplaceId is the hepsiburadaSku the listing read shows;
 *   quantity and salePrice become what the account shows (as a stock or price upload would);
 *   fulfilledByMarketplace and locked set isFulfilledByHB and isLocked; their codes become known.
 * - `PUT .../shown-quantity { key: merchantSku, quantity }`: the stock shown changes behind the
 *   seller's back (404 for a merchantSku the account does not list).
 * The listing read (listings.ts) answers from the same account.
 */
import { type CatalogBody, CatalogBody as CatalogSchema, catalogListings, DEFAULT_PRICE_MINOR, type ShownQuantityBody, ShownQuantityBody as ShownSchema } from "../catalog-body";
import { parseBody } from "../control-body";
import type { Incoming, Reply } from "../module";
import { problem } from "../reply";
import { listedCodes } from "./listings";
import type { HepsiburadaAccount } from "./state";

function putCatalog(account: HepsiburadaAccount, body: CatalogBody): Reply {
  for (const listing of catalogListings(body)) {
    const code = listing.stockCode ?? listing.barcode;
    // A listing given again keeps the hepsiburadaSku it had unless a new one comes.
    const hepsiburadaSku = listing.marketplaceId ?? account.catalog.get(code)?.hepsiburadaSku;
    account.catalog.set(code, { barcode: listing.barcode, ...(hepsiburadaSku !== undefined && { hepsiburadaSku }) });
    account.known?.add(code);
    if (listing.quantity !== undefined) account.quantities.set(code, listing.quantity);
    if (listing.salePrice !== undefined || !account.prices.has(code)) account.prices.set(code, (listing.salePrice ?? DEFAULT_PRICE_MINOR) / 100);
    if (listing.fulfilledByMarketplace === true) account.fulfilledByHb.add(code);
    else if (listing.fulfilledByMarketplace === false) account.fulfilledByHb.delete(code);
    if (listing.locked === true) account.lockedListings.add(code);
    else account.lockedListings.delete(code);
  }
  return { status: 200, body: { listings: listedCodes(account).length } };
}

function setShownQuantity(account: HepsiburadaAccount, body: ShownQuantityBody): Reply {
  if (!listedCodes(account).includes(body.key)) return problem(404, "NOT_FOUND", `No listing ${body.key}`);
  account.quantities.set(body.key, body.quantity);
  return { status: 200, body: { key: body.key, quantity: body.quantity } };
}

/** The module's `catalog` and `shown-quantity` control routes (PUT only). */
export function hepsiburadaCatalogControl(account: HepsiburadaAccount, what: "catalog" | "shown-quantity", incoming: Incoming): Reply {
  if (incoming.method !== "PUT") return problem(405, "METHOD_NOT_ALLOWED", "Method not allowed");
  if (what === "catalog") {
    const body = parseBody<CatalogBody>(CatalogSchema, incoming.body);
    return typeof body === "string" ? problem(422, "VALIDATION_FAILED", body) : putCatalog(account, body);
  }
  const body = parseBody<ShownQuantityBody>(ShownSchema, incoming.body);
  return typeof body === "string" ? problem(422, "VALIDATION_FAILED", body) : setShownQuantity(account, body);
}
