/**
 * A marketplace catalog of 2,000 remote listings for a listing import against the sandbox, built
 * so that the outcome of every row is known in advance, within what the marketplace's read can
 * express (Hepsiburada shows no barcode, PttAVM no stock code):
 * - linked by barcode; linked by stock code alone (PttAVM: by a listing's own barcode);
 * - NO_MATCH; AMBIGUOUS; BARCODE_AND_STOCK_CODE_DISAGREE (barcode and stock code read);
 *   TAKEN; DUPLICATE_REMOTE (pairs of remote listings naming one product, in one page and pages apart).
 * Products and the listings that exist before the import are written with set-based SQL.
 */
import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../src/infra/db";
import type { MarketplaceName } from "../../src/domains/marketplace/types";
import type { CatalogSeed } from "../marketplace/catalog-support";

export type Reason = "NO_MATCH" | "AMBIGUOUS" | "BARCODE_AND_STOCK_CODE_DISAGREE" | "TAKEN" | "DUPLICATE_REMOTE";
type Seed = NonNullable<CatalogSeed["listings"]>[number];

/** What each marketplace's listing read shows of a listing seeded in its sandbox catalog. */
const READS: Record<MarketplaceName, { barcode: boolean; stockCode: "seeded" | "seeded-or-barcode" | "none"; fulfilled: boolean; locked: boolean }> = {
  TRENDYOL: { barcode: true, stockCode: "seeded-or-barcode", fulfilled: false, locked: true },
  HEPSIBURADA: { barcode: false, stockCode: "seeded-or-barcode", fulfilled: true, locked: true },
  N11: { barcode: true, stockCode: "seeded-or-barcode", fulfilled: true, locked: false },
  PTTAVM: { barcode: true, stockCode: "none", fulfilled: false, locked: false },
  PAZARAMA: { barcode: true, stockCode: "seeded", fulfilled: false, locked: false },
};

export interface RemoteSpec {
  seed: Seed & { marketplaceId: string };
  /** What the read shows. */
  barcode: string | null;
  stockCode: string | null;
  fulfilled: boolean;
  locked: boolean;
  /** The sku of the product it links to or conflicts over (TAKEN, DUPLICATE_REMOTE), if any. */
  product?: string;
  /** Null: LINKED; else the reason expected; undefined for a duplicate pair, decided by reading order. */
  reason: Reason | null | undefined;
  /** The skus a CONFLICT names. */
  candidates?: string[];
  /** Remote listings naming one product: the first read links, the other is DUPLICATE_REMOTE. */
  pair?: string;
}

export interface BuiltCatalog {
  marketplace: MarketplaceName;
  tag: string;
  products: { sku: string; barcode: string }[];
  /** Listings the store has before the import (by product sku). */
  before: { sku: string; barcode?: string; marketplaceId?: string }[];
  /** In the order the sandbox reads them. */
  remote: RemoteSpec[];
  expected: { read: number; linked: number; unlinked: number; conflicting: number };
}

const pad = (n: number) => String(n).padStart(6, "0");

/** The sandbox's reading order: Trendyol by barcode, Hepsiburada by merchant SKU, the others as seeded. */
function readingOrder(marketplace: MarketplaceName, remote: RemoteSpec[]): RemoteSpec[] {
  const keyOf = (r: RemoteSpec) => (marketplace === "TRENDYOL" ? r.seed.barcode : (r.seed.stockCode ?? r.seed.barcode));
  if (marketplace !== "TRENDYOL" && marketplace !== "HEPSIBURADA") return remote;
  return [...remote].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

export function buildCatalog(marketplace: MarketplaceName, tag: string, idBase: number): BuiltCatalog {
  const reads = READS[marketplace];
  const hasBarcode = reads.barcode;
  const hasStockCode = reads.stockCode !== "none";
  const products: BuiltCatalog["products"] = [];
  const before: BuiltCatalog["before"] = [];
  let nextProduct = 0;
  const product = (barcode?: (sku: string) => string) => {
    nextProduct += 1;
    const sku = `${tag}-S${pad(nextProduct)}`;
    const made = { sku, barcode: barcode ? barcode(sku) : `${tag}-B${pad(nextProduct)}` };
    products.push(made);
    return made;
  };
  let nextId = 0;
  const remote = (seed: Seed, expect: Omit<RemoteSpec, "seed" | "barcode" | "stockCode" | "fulfilled" | "locked">): RemoteSpec => {
    nextId += 1;
    const shownStockCode = reads.stockCode === "none" ? null : reads.stockCode === "seeded" ? (seed.stockCode ?? null) : (seed.stockCode ?? seed.barcode);
    return {
      seed: { ...seed, marketplaceId: String(idBase + nextId) },
      barcode: hasBarcode ? seed.barcode : null,
      stockCode: shownStockCode,
      fulfilled: reads.fulfilled && seed.fulfilledByMarketplace === true,
      // Hepsiburada shows a listing it fulfils as locked too (lockReasons CatalogExchange).
      locked: reads.locked && (seed.locked === true || (marketplace === "HEPSIBURADA" && seed.fulfilledByMarketplace === true)),
      ...expect,
    };
  };

  const early: RemoteSpec[] = [];
  const middle: RemoteSpec[] = [];
  const late: RemoteSpec[] = [];
  // DUPLICATE_REMOTE: 20 products each named by two remote listings (10 pairs side by side, 10 pages apart).
  for (let k = 0; k < 20; k++) {
    const adjacent = k < 10;
    // Hepsiburada and Trendyol read in code order: a barcode just after the sku keeps the pair together.
    const p = product(adjacent ? (sku) => `${sku}B` : undefined);
    const pair = `${tag}-pair-${k}`;
    let first: RemoteSpec;
    let second: RemoteSpec;
    if (!hasStockCode) {
      // PttAVM: the product's listing already carries the marketplace's own barcode; read first, it links.
      const own = `${tag}-OWN${pad(k)}`;
      before.push({ sku: p.sku, barcode: own });
      first = remote({ barcode: own, quantity: 1 }, { product: p.sku, reason: undefined, pair });
      second = remote({ barcode: p.barcode, quantity: 1 }, { product: p.sku, reason: undefined, pair });
    } else {
      first = remote({ barcode: hasBarcode ? p.barcode : `${tag}-HB1-${k}`, stockCode: p.sku, quantity: 1 }, { product: p.sku, reason: undefined, pair });
      const ownBarcode = adjacent ? `${p.barcode}Z` : `${tag}-X${pad(k)}`;
      second = remote({ barcode: ownBarcode, stockCode: p.barcode, quantity: 1 }, { product: p.sku, reason: undefined, pair });
    }
    if (adjacent) middle.push(first, second);
    else {
      early.push(first);
      late.push(second);
    }
  }
  // TAKEN: the product's listing is linked to another remote listing already.
  for (let k = 0; k < 20; k++) {
    const p = product();
    before.push({ sku: p.sku, marketplaceId: `OTHER-${tag}-${k}` });
    middle.push(remote(hasBarcode ? { barcode: p.barcode, quantity: 2 } : { barcode: `${tag}-TK${k}`, stockCode: p.sku, quantity: 2 }, { product: p.sku, reason: "TAKEN", candidates: [p.sku] }));
  }
  // AMBIGUOUS: the deciding code is one product's sku (PttAVM: one product's listing barcode) and another's barcode.
  for (let k = 0; k < 20; k++) {
    const code = `${tag}-AM${pad(k)}`;
    const one = product(() => `${tag}-AMA${pad(k)}`);
    const other = product(() => code);
    if (hasStockCode) {
      // The sku is the code: rename the first product's sku.
      one.sku = code;
      middle.push(remote({ barcode: `${tag}-AMX${pad(k)}`, stockCode: code, quantity: 3 }, { reason: "AMBIGUOUS", candidates: [one.sku, other.sku] }));
    } else {
      before.push({ sku: one.sku, barcode: code });
      middle.push(remote({ barcode: code, quantity: 3 }, { reason: "AMBIGUOUS", candidates: [one.sku, other.sku] }));
    }
  }
  // BARCODE_AND_STOCK_CODE_DISAGREE: only where the read shows both.
  if (hasBarcode && hasStockCode) {
    for (let k = 0; k < 20; k++) {
      const byBarcode = product();
      const byStockCode = product();
      middle.push(remote({ barcode: byBarcode.barcode, stockCode: byStockCode.sku, quantity: 4 }, { reason: "BARCODE_AND_STOCK_CODE_DISAGREE", candidates: [byBarcode.sku, byStockCode.sku] }));
    }
  }
  // NO_MATCH.
  for (let k = 0; k < 300; k++) middle.push(remote({ barcode: `${tag}-U${pad(k)}`, stockCode: `${tag}-US${pad(k)}`, quantity: 5 }, { reason: "NO_MATCH" }));
  // Linked by stock code alone (the barcode is the marketplace's own); PttAVM: by the listing's own barcode.
  for (let k = 0; k < 100; k++) {
    const p = product();
    if (!hasStockCode) {
      const own = `${tag}-R${pad(k)}`;
      before.push({ sku: p.sku, barcode: own });
      middle.push(remote({ barcode: own, quantity: k % 7 }, { product: p.sku, reason: null }));
    } else if (!hasBarcode) {
      middle.push(remote({ barcode: `${tag}-R${pad(k)}`, stockCode: p.barcode, quantity: k % 7 }, { product: p.sku, reason: null }));
    } else {
      middle.push(remote({ barcode: `${tag}-R${pad(k)}`, stockCode: p.sku, quantity: k % 7 }, { product: p.sku, reason: null }));
    }
  }
  // Linked by barcode (Hepsiburada: by merchant SKU = our sku), up to 2,000 remote listings.
  const fixed = early.length + middle.length + late.length;
  for (let i = 0; i < 2000 - fixed; i++) {
    const p = product();
    const flags = { ...(i % 100 === 0 && { fulfilledByMarketplace: true }), ...(i % 100 === 50 && { locked: true }) };
    const seed: Seed = !hasBarcode
      ? { barcode: `${tag}-HBL${pad(i)}`, stockCode: p.sku, quantity: i % 50, ...flags }
      : { barcode: p.barcode, ...(hasStockCode && i % 2 === 1 && { stockCode: p.sku }), quantity: i % 50, ...flags };
    middle.push(remote(seed, { product: p.sku, reason: null }));
  }
  // PttAVM's read (isActive=true) leaves locked listings out: none are seeded there.
  const all = [...early, ...middle, ...late].map((r) => (reads.locked ? r : { ...r, seed: { ...r.seed, locked: undefined } }));
  const ordered = readingOrder(marketplace, all);
  // Each pair: the first read links.
  const seenPair = new Set<string>();
  for (const r of ordered) {
    if (!r.pair) continue;
    r.reason = seenPair.has(r.pair) ? "DUPLICATE_REMOTE" : null;
    if (r.reason) r.candidates = [r.product ?? ""];
    seenPair.add(r.pair);
  }
  const linked = ordered.filter((r) => r.reason === null).length;
  const unlinked = ordered.filter((r) => r.reason === "NO_MATCH").length;
  return { marketplace, tag, products, before, remote: ordered, expected: { read: ordered.length, linked, unlinked, conflicting: ordered.length - linked - unlinked } };
}

/** The sandbox seed body: every listing, in the order built (the insertion-ordered sandboxes read it so). */
export function seedBody(catalog: BuiltCatalog): CatalogSeed {
  return { listings: catalog.remote.map((r) => Object.fromEntries(Object.entries(r.seed).filter(([, v]) => v !== undefined)) as Seed) };
}

/** Writes the products and the store's listings that exist before the import; answers product ids by sku. */
export async function writeOurCatalog(db: Database, storeId: string, catalog: BuiltCatalog): Promise<Map<string, string>> {
  await db.execute(sql`
    insert into products (sku, barcode, name, type, price, list_price, vat_rate)
    select p.sku, p.barcode, 'Import e2e ' || p.sku, 'SIMPLE', 10000, 12000, 20
    from jsonb_to_recordset(${JSON.stringify(catalog.products)}::jsonb) as p(sku text, barcode text)`);
  const rows = await queryRows<{ id: string; sku: string }>(db, sql`select id, sku from products where sku like ${`${catalog.tag}-%`}`);
  const ids = new Map(rows.map((row) => [row.sku, row.id]));
  await db.execute(sql`
    insert into listings (store_id, product_id, enabled, barcode, marketplace_product_id)
    select ${storeId}::uuid, p.id, true, b.barcode, b.marketplace_id
    from jsonb_to_recordset(${JSON.stringify(catalog.before.map((b) => ({ sku: b.sku, barcode: b.barcode ?? null, marketplace_id: b.marketplaceId ?? null })))}::jsonb)
      as b(sku text, barcode text, marketplace_id text)
    join products p on p.sku = b.sku`);
  return ids;
}

/** The listing the import must leave for a linked remote listing (a code stored only where it differs from the default). */
export function expectedListing(catalog: BuiltCatalog, r: RemoteSpec): { barcode: string | null; stock_code: string | null; marketplace_product_id: string } {
  const p = catalog.products.find((x) => x.sku === r.product);
  const prior = catalog.before.find((b) => b.sku === r.product);
  if (!p) throw new Error(`no product for ${r.seed.marketplaceId}`);
  const barcode = r.barcode === null ? (prior?.barcode ?? null) : r.barcode === p.barcode ? null : r.barcode;
  const stockCode = r.stockCode === null ? null : r.stockCode === p.barcode ? null : r.stockCode;
  return { barcode, stock_code: stockCode, marketplace_product_id: r.seed.marketplaceId };
}
