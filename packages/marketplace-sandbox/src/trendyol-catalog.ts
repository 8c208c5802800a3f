/**
 * Trendyol's catalog in the sandbox: each seller's listings as filterProducts (approved products
 * v2) answers them, fixtures trendyol/listing-read, .paged, .token:
 * `GET /integration/product/sellers/{id}/products/approved?page&size[&barcode|stockCode|nextPageToken]`
 * -> `{ totalElements, totalPages, page, size, nextPageToken, content: [{ contentId, ..., variants: [...] }] }`.
 * - The seller's listings: the catalog set through `PUT /__sandbox/sellers/{id}/catalog`, its known
 *   barcodes, and every barcode it was sent, in barcode order; one content per barcode here.
 * - The quantity and prices shown are the seller's (what pushes set, price-and-inventory keys on the
 *   barcode); a listing never given a quantity shows `stock` without one, as the source's second variant.
 * - size 1..100 (absent: 50, the sandbox's choice), page from 0 with page x size at most 10,000
 *   (400 otherwise); every answer carries a nextPageToken for the page after it, and a request with
 *   one reads from there, whatever page says.
 * - `PUT .../shown-quantity { key: barcode, quantity }` changes the quantity shown behind the seller's back.
 */
import type { Reply } from "./module";
import { type CatalogBody, catalogListings, DEFAULT_PRICE_MINOR, type ShownQuantityBody } from "./catalog-body";
import type { SandboxState, SellerAccount } from "./state";

/** What Trendyol keeps of a listing beyond its quantity and prices (SellerAccount.quantities / prices). */
export interface TrendyolListingMeta {
  contentId: number;
  variantId: number | string;
  stockCode: string;
  onSale: boolean;
  locked: boolean;
  archived: boolean;
  createdAt: number;
  /** When the shown stock last changed through the catalog routes; null: never. */
  stockChangedAt: number | null;
}

const MAX_SIZE = 100;
const DEFAULT_SIZE = 50;
const MAX_WINDOW = 10_000;

let nextId = 70_000_000;

const refused = (message: string): Reply => ({ status: 400, body: { errors: [{ key: "invalid.request", message }] } });
const decimal = (minor: number) => Math.round(minor) / 100;

/** The listing's metadata, made on first sight for barcodes known or sent but never put in the catalog. */
function metaOf(seller: SellerAccount, barcode: string, now: number): TrendyolListingMeta {
  let meta = seller.catalog.get(barcode);
  if (!meta) {
    nextId += 1;
    meta = { contentId: nextId, variantId: nextId, stockCode: barcode, onSale: true, locked: false, archived: false, createdAt: now, stockChangedAt: null };
    seller.catalog.set(barcode, meta);
  }
  return meta;
}

/** Every barcode the seller lists, in barcode order. */
export function trendyolListingBarcodes(seller: SellerAccount): string[] {
  const barcodes = new Set([...seller.catalog.keys(), ...(seller.knownBarcodes ?? []), ...seller.quantities.keys(), ...seller.prices.keys()]);
  return [...barcodes].sort();
}

/** `PUT .../catalog`: adds or replaces listings; their barcodes become known. */
export function putTrendyolCatalog(seller: SellerAccount, body: CatalogBody, now: number): { listings: number } {
  for (const listing of catalogListings(body)) {
    const before = metaOf(seller, listing.barcode, now);
    const id = listing.marketplaceId;
    seller.catalog.set(listing.barcode, {
      ...before,
      ...(id !== undefined && { variantId: /^\d{1,15}$/.test(id) ? Number(id) : id }),
      stockCode: listing.stockCode ?? listing.barcode,
      locked: listing.locked ?? false,
      ...(listing.quantity !== undefined && { stockChangedAt: now }),
    });
    seller.knownBarcodes?.add(listing.barcode);
    if (listing.quantity !== undefined) seller.quantities.set(listing.barcode, listing.quantity);
    const price = seller.prices.get(listing.barcode);
    const salePrice = listing.salePrice ?? (price?.salePrice === undefined ? DEFAULT_PRICE_MINOR : undefined);
    const listPrice = listing.listPrice ?? listing.salePrice ?? (price?.listPrice === undefined ? DEFAULT_PRICE_MINOR : undefined);
    seller.prices.set(listing.barcode, {
      ...price,
      ...(salePrice !== undefined && { salePrice: decimal(salePrice) }),
      ...(listPrice !== undefined && { listPrice: decimal(listPrice) }),
    });
  }
  return { listings: trendyolListingBarcodes(seller).length };
}

/** `PUT .../shown-quantity`: 404 for a barcode the seller does not list. */
export function setTrendyolShownQuantity(seller: SellerAccount, body: ShownQuantityBody, now: number): Reply {
  if (!trendyolListingBarcodes(seller).includes(body.key)) return { status: 404, body: { error: { code: "NOT_FOUND", message: `No listing ${body.key}` } } };
  seller.quantities.set(body.key, body.quantity);
  metaOf(seller, body.key, now).stockChangedAt = now;
  return { status: 200, body: { key: body.key, quantity: body.quantity } };
}

function contentOf(seller: SellerAccount, barcode: string, now: number) {
  const meta = metaOf(seller, barcode, now);
  const quantity = seller.quantities.get(barcode);
  const price = seller.prices.get(barcode) ?? {};
  const salePrice = price.salePrice ?? decimal(DEFAULT_PRICE_MINOR);
  const listPrice = price.listPrice ?? salePrice;
  return {
    contentId: meta.contentId,
    productMainId: barcode,
    brand: { id: 1, name: "Sandbox" },
    category: { id: 1, name: "Sandbox" },
    creationDate: meta.createdAt,
    lastModifiedDate: meta.createdAt,
    lastModifiedBy: "sandbox",
    title: `Sandbox product ${barcode}`,
    description: "",
    images: [],
    attributes: [],
    variants: [
      {
        variantId: meta.variantId,
        supplierId: Number(seller.sellerId) || 0,
        barcode,
        commission: 0,
        attributes: [],
        productUrl: `https://sandbox.invalid/p-${meta.contentId}`,
        onSale: meta.onSale && !meta.archived,
        channels: ["CORE"],
        deliveryOption: { deliveryDuration: 1 },
        stock: quantity === undefined ? { lastModifiedDate: null } : { quantity, lastModifiedDate: meta.stockChangedAt ?? meta.createdAt },
        price: { salePrice, listPrice, priceSeenByCustomer: salePrice },
        stockCode: meta.stockCode,
        origin: "TR",
        vatRate: 20,
        sellerCreatedDate: meta.createdAt,
        sellerModifiedDate: meta.createdAt,
        locked: meta.locked,
        lockReason: meta.locked ? "Sandbox" : null,
        lockDate: meta.locked ? meta.createdAt : null,
        archived: meta.archived,
        archivedDate: null,
        docNeeded: false,
        hasViolation: false,
        blacklisted: false,
      },
    ],
  };
}

const tokenOf = (start: number) => Buffer.from(JSON.stringify({ sort: [start] })).toString("base64");

function startOf(token: string): number | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    const start = typeof value === "object" && value !== null && "sort" in value && Array.isArray(value.sort) ? value.sort[0] : undefined;
    return Number.isSafeInteger(start) && Number(start) >= 0 ? Number(start) : undefined;
  } catch {
    return undefined;
  }
}

const whole = (value: string | undefined) => (value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : undefined);

/** GET .../products/approved (after auth, User-Agent and the quota). */
export function approvedProducts(state: SandboxState, sellerId: string, query: Record<string, string>, now: number): Reply {
  const seller = state.sellers.get(sellerId);
  if (!seller) return refused(`No seller ${sellerId}`);
  const size = query.size === undefined ? DEFAULT_SIZE : whole(query.size);
  if (size === undefined || size < 1 || size > MAX_SIZE) return refused(`size must be 1..${MAX_SIZE}`);
  const page = query.page === undefined ? 0 : whole(query.page);
  if (page === undefined) return refused("page must be a whole number from 0");
  let start = page * size;
  if (query.nextPageToken !== undefined) {
    const from = startOf(query.nextPageToken);
    if (from === undefined) return refused("nextPageToken is not valid");
    start = from;
  } else if (start > MAX_WINDOW) return refused(`page x size must be at most ${MAX_WINDOW}; use nextPageToken`);
  let barcodes = trendyolListingBarcodes(seller);
  if (query.barcode !== undefined) barcodes = barcodes.filter((barcode) => barcode === query.barcode);
  if (query.stockCode !== undefined) barcodes = barcodes.filter((barcode) => metaOf(seller, barcode, now).stockCode === query.stockCode);
  const content = barcodes.slice(start, start + size).map((barcode) => contentOf(seller, barcode, now));
  const body = {
    totalElements: barcodes.length,
    totalPages: Math.ceil(barcodes.length / size),
    page: Math.floor(start / size),
    size,
    nextPageToken: tokenOf(start + size),
    content,
  };
  return { status: 200, body };
}
