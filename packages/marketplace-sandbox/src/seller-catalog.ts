/**
 * A seller account's listing catalog, as the listing reads of the module marketplaces (N11, PttAVM,
 * Pazarama) answer it: barcode, stock code, the marketplace's id, flags and seeded prices. The
 * quantity a listing shows is not kept here: it is the account's quantity under the code that
 * marketplace keys on (what stock pushes set), so a push and a read always agree.
 * Control routes, the same body on every marketplace:
 *   PUT .../catalog {listings?: [...], generate?: {count, barcodePrefix, stockCodePrefix?, quantity?, from?}}
 *   PUT .../shown-quantity {key, quantity}: the marketplace shows another quantity behind our back.
 */
import { CatalogBody, type CatalogBody as CatalogBodyValue, type CatalogListing as CatalogInput, catalogListings, ShownQuantityBody as ShownQuantityBodySchema, type ShownQuantityBody } from "./catalog-body";
import { parseBody } from "./control-body";
import type { Incoming, Reply } from "./module";

export interface CatalogListing {
  barcode: string;
  stockCode?: string;
  marketplaceId: string;
  fulfilledByMarketplace: boolean;
  locked: boolean;
  /** Minor units (kuruş), as seeded; a price write later wins (the module's own price map). */
  salePrice?: number;
  listPrice?: number;
}

/** The most listings one account holds (the control body takes at most 100,000 per call). */
const MAX_LISTINGS = 400_000;

/** One account's listings, in the order they were first added (pages stay stable when one is replaced). */
export class SellerCatalog {
  private readonly byBarcode = new Map<string, CatalogListing>();
  private readonly byKey = new Map<string, string>();
  private ordered: CatalogListing[] | undefined;
  private idCounter: number;

  /** `keyOf`: the code this marketplace keys stock on for a listing; `firstId` numbers made-up marketplace ids. */
  constructor(
    readonly keyOf: (listing: CatalogListing) => string,
    firstId: number,
  ) {
    this.idCounter = firstId;
  }

  get size(): number {
    return this.byBarcode.size;
  }

  /** Adds the listing, or replaces the one with its barcode where it stood. */
  upsert(listing: CatalogListing): void {
    const before = this.byBarcode.get(listing.barcode);
    if (before) this.byKey.delete(this.keyOf(before));
    this.byBarcode.set(listing.barcode, listing);
    this.byKey.set(this.keyOf(listing), listing.barcode);
    this.ordered = undefined;
  }

  /** The listing the marketplace's key names. */
  withKey(key: string): CatalogListing | undefined {
    const barcode = this.byKey.get(key);
    return barcode === undefined ? undefined : this.byBarcode.get(barcode);
  }

  listings(): readonly CatalogListing[] {
    this.ordered ??= [...this.byBarcode.values()];
    return this.ordered;
  }

  nextId(): string {
    this.idCounter += 1;
    return String(this.idCounter);
  }
}

/** What the control routes change on an account, besides its catalog. */
export interface CatalogAccount {
  catalog: SellerCatalog;
  /** Shown quantity by the marketplace's key (what stock pushes set). */
  quantities: Map<string, number>;
  /** Null: every code is known; else seeded listings become known, so pushes to them succeed. */
  known: Set<string> | null;
}

function seed(account: CatalogAccount, input: CatalogInput): void {
  const listing: CatalogListing = {
    barcode: input.barcode,
    ...(input.stockCode === undefined ? {} : { stockCode: input.stockCode }),
    marketplaceId: input.marketplaceId ?? account.catalog.nextId(),
    fulfilledByMarketplace: input.fulfilledByMarketplace ?? false,
    locked: input.locked ?? false,
    ...(input.salePrice === undefined ? {} : { salePrice: input.salePrice }),
    ...(input.listPrice === undefined ? {} : { listPrice: input.listPrice }),
  };
  account.catalog.upsert(listing);
  const key = account.catalog.keyOf(listing);
  account.quantities.set(key, input.quantity ?? account.quantities.get(key) ?? 0);
  account.known?.add(key);
}

/** The catalog and shown-quantity control routes; undefined for any other `what`. */
export function catalogControl(account: CatalogAccount, what: string, incoming: Incoming): Reply | undefined {
  if (what !== "catalog" && what !== "shown-quantity") return undefined;
  if (incoming.method !== "PUT") return { status: 405, body: { error: { code: "METHOD_NOT_ALLOWED", message: `PUT ${what}` } } };
  if (what === "catalog") {
    const body = parseBody<CatalogBodyValue>(CatalogBody, incoming.body);
    if (typeof body === "string") return { status: 400, body: { error: { code: "VALIDATION_FAILED", message: body } } };
    const inputs = catalogListings(body);
    if (account.catalog.size + inputs.length > MAX_LISTINGS) return { status: 400, body: { error: { code: "VALIDATION_FAILED", message: "too many listings" } } };
    for (const input of inputs) seed(account, input);
    return { status: 200, body: { listings: account.catalog.size } };
  }
  const body = parseBody<ShownQuantityBody>(ShownQuantityBodySchema, incoming.body);
  if (typeof body === "string") return { status: 400, body: { error: { code: "VALIDATION_FAILED", message: body } } };
  if (!account.catalog.withKey(body.key) && !account.quantities.has(body.key)) return { status: 404, body: { error: { code: "NOT_FOUND", message: `No listing keyed ${body.key}` } } };
  account.quantities.set(body.key, body.quantity);
  return { status: 200, body: { key: body.key, quantity: body.quantity } };
}

/** TRY decimal of minor units, for answers that carry prices as numbers. */
export const decimalOf = (minor: number | undefined): number | null => (minor === undefined ? null : minor / 100);
