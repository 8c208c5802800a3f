import { TRENDYOL } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";
import type { MarketplaceName } from "@pazarsync/backend/src/domains/marketplace/types";
import { SANDBOX_MARKETPLACES } from "./marketplaces";
import type { SandboxContext, SandboxMarketplace } from "./module";
import { type Faults, noFaults, type SandboxOptions, type SandboxVariants, type SellerAccountInput } from "./options";
import { TrendyolClaimBook } from "./trendyol-claims";
import { TrendyolCommandCalls } from "./trendyol-commands-api";
import { TrendyolOrderBook } from "./trendyol-orders";
import type { TrendyolListingMeta } from "./trendyol-catalog";
import { TrendyolWebhooks } from "./trendyol-orders-webhooks";

/** An item as the sandbox received it (prices in Trendyol's decimals). */
export interface RequestItem {
  barcode: string;
  quantity?: number;
  salePrice?: number;
  listPrice?: number;
}

export interface ResultItem {
  requestItem: RequestItem;
  status: "SUCCESS" | "FAILED";
  failureReasons: string[];
}

export interface StoredBatch {
  id: string;
  sellerId: string;
  createdAt: number;
  readyAt: number;
  expiresAt: number;
  requestItems: RequestItem[];
  /** Set when the batch is processed (at readyAt, in arrival order). */
  results?: ResultItem[];
}

export interface SellerAccount {
  sellerId: string;
  apiKey: string;
  apiSecret: string;
  /** Null: every barcode is known. */
  knownBarcodes: Set<string> | null;
  quantities: Map<string, number>;
  prices: Map<string, { salePrice?: number; listPrice?: number }>;
  /** Per barcode, when its price changed: the 30-per-minute rule. */
  priceUpdates: Map<string, number[]>;
  /** Per barcode, what the catalog read shows beyond quantity and prices (trendyol-catalog.ts). */
  catalog: Map<string, TrendyolListingMeta>;
}

export interface RecordedRequest {
  /** Which marketplace's endpoint was called. */
  marketplace: MarketplaceName;
  method: string;
  path: string;
  /** The seller / merchant / client account the request named or authenticated as. */
  sellerId: string | null;
  /** Trendyol: "price-and-inventory" | "batch-requests" | "orders-stream" | "webhooks" | "other"; other marketplaces name theirs. */
  endpoint: string;
  receivedAt: string;
  /** When the answer went out (or the connection was dropped). */
  answeredAt: string;
  itemCount: number;
  /** Null when the connection was dropped without an answer. */
  status: number | null;
  batchRequestId?: string;
  /** Stock writes: sha256 of the body as received, so identical requests can be counted. */
  bodyHash?: string;
}

/** What the sandbox remembers; also handed to in-process callers (tests, the demo) for inspection. */
export class SandboxState implements SandboxContext {
  readonly timeScale: number;
  readonly rateLimitTimeScale: number;
  /** Stock writes (price-and-inventory) being served right now: received, not yet answered. */
  pendingWrites = 0;
  readonly resultDelayMs: number;
  readonly sellers = new Map<string, SellerAccount>();
  readonly batches = new Map<string, StoredBatch>();
  faults: Faults;
  readonly random: () => number;
  readonly now: () => number;
  readonly variants: Partial<SandboxVariants>;
  readonly idOffset: number;
  private recorded: RecordedRequest[] = [];
  private readonly maxRecorded: number;
  private readonly windows = new Map<string, number[]>();
  private readonly recentBodies = new Map<string, number>();
  /** Every marketplace but Trendyol (whose state is the fields above). */
  readonly marketplaces: SandboxMarketplace[];
  /** Trendyol shipment packages (trendyol-orders.ts) and the sellers' order webhooks. */
  readonly trendyolOrders: TrendyolOrderBook;
  readonly trendyolWebhooks = new TrendyolWebhooks((ms) => this.scaled(ms));
  /** Trendyol returns, and the way-back calls received per order (for "exactly once" / "no call"). */
  readonly trendyolClaims = new TrendyolClaimBook();
  readonly trendyolCommandCalls = new TrendyolCommandCalls();

  constructor(options: SandboxOptions) {
    this.timeScale = options.timeScale ?? 1;
    if (!(this.timeScale > 0)) throw new Error("timeScale must be positive");
    this.rateLimitTimeScale = options.rateLimitTimeScale ?? this.timeScale;
    if (!(this.rateLimitTimeScale > 0)) throw new Error("rateLimitTimeScale must be positive");
    this.resultDelayMs = options.resultDelayMs ?? 1000;
    this.faults = { ...noFaults, ...options.faults };
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.variants = { ...options.variants };
    this.idOffset = options.idOffset ?? 0;
    if (!Number.isSafeInteger(this.idOffset) || this.idOffset < 0) throw new Error("idOffset must be a natural number");
    this.maxRecorded = options.maxRecordedRequests ?? 10_000;
    this.trendyolOrders = new TrendyolOrderBook(options.trendyolOrderStream ?? "newest-first");
    for (const seller of options.sellers ?? []) this.addSeller(seller);
    this.marketplaces = Object.entries(SANDBOX_MARKETPLACES).flatMap(([name, create]) =>
      create ? [create(this, options.accounts?.[name as MarketplaceName] ?? [])] : [],
    );
  }

  currentFaults(): Faults {
    return this.faults;
  }

  /** The module serving this marketplace (not Trendyol). */
  marketplace(name: string): SandboxMarketplace | undefined {
    return this.marketplaces.find((m) => m.name === name.toUpperCase());
  }

  /** A marketplace duration as this sandbox plays it. */
  scaled(ms: number): number {
    return ms / this.timeScale;
  }

  addSeller(input: SellerAccountInput): boolean {
    if (this.sellers.has(input.sellerId)) return false;
    this.sellers.set(input.sellerId, {
      sellerId: input.sellerId,
      apiKey: input.apiKey,
      apiSecret: input.apiSecret,
      knownBarcodes: input.knownBarcodes ? new Set(input.knownBarcodes) : null,
      quantities: new Map(),
      prices: new Map(),
      priceUpdates: new Map(),
      catalog: new Map(),
    });
    return true;
  }

  registerBarcodes(sellerId: string, barcodes: readonly string[]): number | undefined {
    const seller = this.sellers.get(sellerId);
    if (!seller) return undefined;
    if (seller.knownBarcodes) for (const barcode of barcodes) seller.knownBarcodes.add(barcode);
    return seller.knownBarcodes?.size ?? 0;
  }

  /**
   * Sliding window per seller and endpoint: Trendyol's "50 requests to the same endpoint per 10
   * seconds", or another documented quota (the way back's per-minute ones). Only requests let
   * through are counted; the window shrinks with rateLimitTimeScale.
   */
  takeRateSlot(key: string, now: number, limit: number = TRENDYOL.requestsPerWindow, windowMs: number = TRENDYOL.rateWindowMs): boolean {
    const windowStart = now - windowMs / this.rateLimitTimeScale;
    const hits = (this.windows.get(key) ?? []).filter((at) => at > windowStart);
    const allowed = hits.length < limit;
    if (allowed) hits.push(now);
    this.windows.set(key, hits);
    return allowed;
  }

  /** True when this exact body was accepted from this seller within the (scaled) 15 minutes. */
  isRecentDuplicate(key: string, now: number): boolean {
    const window = this.scaled(TRENDYOL.duplicateWindowMs);
    for (const [k, at] of this.recentBodies) if (now - at >= window) this.recentBodies.delete(k);
    return this.recentBodies.has(key);
  }

  rememberBody(key: string, now: number): void {
    this.recentBodies.set(key, now);
  }

  record(request: RecordedRequest): void {
    this.recorded.push(request);
    if (this.recorded.length > this.maxRecorded) this.recorded.splice(0, this.recorded.length - this.maxRecorded);
  }

  requests(): RecordedRequest[] {
    return [...this.recorded];
  }

  clearRequests(): void {
    this.recorded = [];
  }
}
