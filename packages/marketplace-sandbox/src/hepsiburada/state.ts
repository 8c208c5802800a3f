import { randomUUID } from "node:crypto";
import { HEPSIBURADA, type UploadKind } from "@pazarsync/backend/src/domains/marketplace/hepsiburada/facts";
import type { SandboxAccountInput, SandboxContext } from "../module";
import { HepsiburadaPusher } from "./push";

/**
 * The numbers the Hepsiburada sandbox plays: the official caps (4000 SKUs, 5 pending uploads,
 * 1000 order requests per second) and the adapter's assumed defaults for what is not published.
 * A test may build the module with smaller ones to reach a limit cheaply.
 */
export interface HepsiburadaSandboxLimits {
  maxBatchSize: number;
  maxPendingUploads: number;
  maxQuantity: number;
  resultRetentionMs: number;
  listingWritesPerMinute: number;
  listingStatusReadsPerMinute: number;
  /** The listing read's quota (its own, like the adapter's listing-reads group) and its page size at most. */
  listingReadsPerMinute: number;
  listingReadPageSize: number;
  orderRequestsPerSecond: number;
  /** Claim calls per second (the adapter's assumed default: the order services' rate). */
  claimRequestsPerSecond: number;
  /** Open-list page size at most (official 100) and cancelled-list page size at most (50). */
  orderPageSize: number;
  cancelledPageSize: number;
  /** Packages-list page size at most (official 10). */
  packagesPageSize: number;
  /** Highest price (TL) a listing takes; above it OutOfPriceRange. */
  maxPrice: number;
  /** A new price below current x minLockRatio locks the listing (MinLock); above current x maxLockRatio, MaxLock. */
  minLockRatio: number;
  maxLockRatio: number;
}

export const HEPSIBURADA_SANDBOX_LIMITS: HepsiburadaSandboxLimits = {
  maxBatchSize: HEPSIBURADA.maxBatchSize,
  maxPendingUploads: HEPSIBURADA.maxPendingUploads,
  maxQuantity: HEPSIBURADA.maxQuantity,
  resultRetentionMs: HEPSIBURADA.resultRetentionMs,
  listingWritesPerMinute: HEPSIBURADA.listingWritesPerMinute,
  listingStatusReadsPerMinute: HEPSIBURADA.listingStatusReadsPerMinute,
  listingReadsPerMinute: HEPSIBURADA.listingReadsPerMinute,
  // Undocumented maximum; the sandbox takes up to 100 so a test can page cheaply or in one go.
  listingReadPageSize: 100,
  orderRequestsPerSecond: HEPSIBURADA.orderRequestsPerSecond,
  claimRequestsPerSecond: HEPSIBURADA.claimRequestsPerSecond,
  orderPageSize: HEPSIBURADA.orderPageSize,
  cancelledPageSize: HEPSIBURADA.cancelledPageSize,
  packagesPageSize: HEPSIBURADA.packagesPageSize,
  maxPrice: 1_000_000,
  minLockRatio: 0.5,
  maxLockRatio: 3,
};

export interface UploadError {
  elementNo: number;
  hepsiburadaSku: string;
  merchantSku: string;
  errors: string[];
}

/** As the published client declares it, plus the prices the lock compared (sandbox extras). */
export interface PriceValidation {
  elementNo: number;
  hepsiburadaSku: string;
  merchantSku: string;
  type: "MinLock" | "MaxLock";
  minPrice: number;
  maxPrice: number;
  regulativePriceDetail: { minAmount: number; maxAmount: number; categoryName: string };
  description: string;
  currentPrice: number;
  requestedPrice: number;
}

export interface Upload {
  id: string;
  kind: UploadKind;
  account: string;
  createdAt: number;
  readyAt: number;
  expiresAt: number;
  /** The array elements exactly as received. */
  elements: unknown[];
  /** Set when processed (at readyAt, in arrival order). */
  result?: { errors: UploadError[]; priceValidations: PriceValidation[] };
}

/**
 * One order line as the open list answers it (fixture hepsiburada/order-pull): dates zoneless,
 * Turkey time, like the query dates; `merchantSKU` spelled with capitals as on the wire.
 */
export interface HepsiburadaOpenLine {
  id: string;
  orderId: string;
  orderNumber: string;
  orderDate: string;
  merchantSKU: string;
  sku: string;
  productBarcode: string;
  quantity: number;
  unitPrice: { amount: number; currency: "TRY" };
  totalPrice: { amount: number; currency: "TRY" };
  lastStatusUpdateDate: string;
  status: "Open";
  merchantId: string;
  /** The latest day to hand the line to the carrier: the sandbox plays one day after the order. */
  dueDate: string;
}

/** One cancelled line as the cancelled list answers it (fixture hepsiburada/cancelled-list). */
export interface HepsiburadaCancelledLine {
  lineItemId: string;
  orderNumber: string;
  merchantId: string;
  merchantSku: string;
  sku: string;
  quantity: number;
  cancelDate: string;
  cancelReasonCode: string;
  cancelledBy: "Merchant" | "Customer";
}

/** One package line as the packages list answers it (fixture hepsiburada/packages-list). */
export interface HepsiburadaPackageLine {
  lineItemId: string;
  merchantId: string;
  hbSku: string;
  merchantSku: string;
  productBarcode: string;
  quantity: number;
  price: { currency: "TRY"; amount: number };
  totalPrice: { currency: "TRY"; amount: number };
  orderNumber: string;
  orderDate: string;
}

/**
 * The package statuses the sandbox plays: Packaged (the packages list), then, in the store-account
 * model, InTransit, then Delivered or Undelivered (official intransit/deliver/undeliver pages).
 */
export type HepsiburadaPackageStatus = "Packaged" | "InTransit" | "Delivered" | "Undelivered";

/** One package (fixture hepsiburada/packages-list); the list shows it while it is Packaged. */
export interface HepsiburadaPackage {
  id: string;
  packageNumber: string;
  barcode: string;
  status: HepsiburadaPackageStatus;
  dueDate: string;
  orderDate: string;
  cargoCompany: string;
  totalPrice: { currency: "TRY"; amount: number };
  items: HepsiburadaPackageLine[];
}

/** What the sandbox keeps of a package beyond what the packages list shows (commands.ts). */
export interface HepsiburadaPackageRecord {
  invoiceLink?: string;
  /** serialNumber + rowNumber as sent. */
  invoiceNumber?: string;
  trackingNumber?: string;
  trackingUrl?: string;
  shippedAt?: number;
}

/** One claim as the claim list answers it (fixture hepsiburada/claim-list). */
export interface HepsiburadaClaim {
  id: string;
  number: string;
  orderNumber: string;
  orderDate: string;
  claimDate: string;
  claimType: "Return";
  status: "NewRequest" | "Accepted" | "Rejected" | "Cancelled";
  sku: string;
  MerchantSku: string;
  lineItemId: string;
  quantity: number;
  priceAmount: number;
  priceCurrency: "TRY";
  totalPriceAmount: number;
  explanation: string;
  Reason: string;
  customerName: string;
  AwaitingActionExpireDate: string;
  merchantRejectionStatement?: string;
}

/** A line and when it entered its list (epoch ms): open lines by order time, cancelled ones by cancel time. */
export interface HepsiburadaLineEntry<L> {
  line: L;
  at: number;
}

export interface HepsiburadaAccount {
  merchantId: string;
  /** SandboxAccountInput.key: the developer username the User-Agent must carry. */
  developerUsername: string;
  /** SandboxAccountInput.secret: the service key (Basic auth password). */
  serviceKey: string;
  /** Null: every SKU is known. */
  known: Set<string> | null;
  quantities: Map<string, number>;
  prices: Map<string, number>;
  /** SKUs whose listing a price lock froze: further price uploads for them fail ListingFrozen. */
  locked: Set<string>;
  /** SKUs whose listing Hepsiburada fulfils itself (isFulfilledByHB): set through the control route. */
  fulfilledByHb: Set<string>;
  /** By merchantSku: what the catalog control route gave beyond stock and price (catalog.ts). */
  catalog: Map<string, { barcode: string; hepsiburadaSku?: string }>;
  /** merchantSkus Hepsiburada locked (isLocked), set through the catalog control route. */
  lockedListings: Set<string>;
  /** Lines in "order received" status (paid, not packed), in the order they were created. */
  openLines: HepsiburadaLineEntry<HepsiburadaOpenLine>[];
  /** Cancelled lines, in the order they were cancelled. */
  cancelledLines: HepsiburadaLineEntry<HepsiburadaCancelledLine>[];
  /** Packages, in the order they were packed (at: the packing time). */
  packages: HepsiburadaLineEntry<HepsiburadaPackage>[];
  /** The last cancel time written (ms), so two cancellations never share a cancelDate. */
  lastCancelAt: number;
  /** By package number: invoice and tracking (commands.ts). */
  packageRecords: Map<string, HepsiburadaPackageRecord>;
  /** Claims, in the order they were created (at: creation time). */
  claims: HepsiburadaLineEntry<HepsiburadaClaim>[];
  /** By order number: command calls received per kind (pack, invoice, intransit, ...), refused ones too. */
  commandCalls: Map<string, Record<string, number>>;
}

/** What the Hepsiburada sandbox remembers: accounts (by merchant id), uploads, rate windows. */
export class HepsiburadaSandboxState {
  readonly accounts = new Map<string, HepsiburadaAccount>();
  readonly uploads = new Map<string, Upload>();
  /** The merchants' order push targets and deliveries (push.ts). */
  readonly pusher: HepsiburadaPusher;
  private readonly windows = new Map<string, number[]>();
  private orderCounter = 4_100_000;
  private packageCounter = 7_000_000_000;
  private claimCounter = 193_000_000;

  constructor(
    readonly context: SandboxContext,
    readonly limits: HepsiburadaSandboxLimits = HEPSIBURADA_SANDBOX_LIMITS,
  ) {
    this.pusher = new HepsiburadaPusher((ms) => context.scaled(ms));
    this.orderCounter += context.idOffset ?? 0;
    this.packageCounter += context.idOffset ?? 0;
  }

  nextPackageNumber(): number {
    this.packageCounter += 1;
    return this.packageCounter;
  }

  addAccount(input: SandboxAccountInput): boolean {
    if (this.accounts.has(input.account)) return false;
    this.accounts.set(input.account, {
      merchantId: input.account,
      developerUsername: input.key,
      serviceKey: input.secret,
      known: input.known ? new Set(input.known) : null,
      quantities: new Map(),
      prices: new Map(),
      locked: new Set(),
      fulfilledByHb: new Set(),
      catalog: new Map(),
      lockedListings: new Set(),
      openLines: [],
      cancelledLines: [],
      packages: [],
      lastCancelAt: 0,
      packageRecords: new Map(),
      claims: [],
      commandCalls: new Map(),
    });
    return true;
  }

  /**
   * Sliding window (scaled) per account and quota; only requests let through count. Answers the
   * requests left, or the ms until a slot frees when none is.
   */
  takeRateSlot(key: string, limit: number, windowMs: number, now: number): { allowed: boolean; remaining: number; resetMs: number } {
    const scaledWindow = this.context.scaled(windowMs);
    const hits = (this.windows.get(key) ?? []).filter((at) => at > now - scaledWindow);
    const allowed = hits.length < limit;
    if (allowed) hits.push(now);
    this.windows.set(key, hits);
    const oldest = hits[0] ?? now;
    return { allowed, remaining: Math.max(0, limit - hits.length), resetMs: Math.max(0, oldest + scaledWindow - now) };
  }

  /** Uploads of this merchant not finished yet (settle first). */
  pendingUploads(account: string, now: number): number {
    let pending = 0;
    for (const upload of this.uploads.values()) if (upload.account === account && !upload.result && upload.expiresAt > now) pending += 1;
    return pending;
  }

  accept(account: string, kind: UploadKind, elements: unknown[], now: number): Upload {
    const upload: Upload = {
      id: randomUUID(),
      kind,
      account,
      createdAt: now,
      readyAt: now + this.context.scaled(this.context.resultDelayMs),
      expiresAt: now + this.context.scaled(this.limits.resultRetentionMs),
      elements,
    };
    this.uploads.set(upload.id, upload);
    return upload;
  }

  nextClaimNumber(): number {
    this.claimCounter += 1;
    return this.claimCounter;
  }

  nextOrderNumber(): number {
    this.orderCounter += 1;
    return this.orderCounter;
  }
}
