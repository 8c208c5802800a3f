import { N11 } from "@pazarsync/backend/src/domains/marketplace/n11/facts";
import type { SandboxAccountInput, SandboxContext } from "../module";
import type { N11SandboxClaim } from "./claims";
import { SellerCatalog } from "../seller-catalog";
import { N11_LISTINGS } from "@pazarsync/backend/src/domains/marketplace/n11/listings-read";

/** A sku as the sandbox received it (prices as TL decimals, parsed from N11's strings). */
export interface N11Sku {
  stockCode: string;
  quantity?: number;
  listPrice?: number;
  salePrice?: number;
  /** The sku exactly as it came, echoed in task details like N11 does. */
  raw: Record<string, unknown>;
}

export interface N11SkuResult {
  stockCode: string;
  status: "SUCCESS" | "FAIL";
  reasons: string[];
  raw: Record<string, unknown>;
}

export interface N11Task {
  id: number;
  account: string;
  createdAt: number;
  readyAt: number;
  expiresAt: number;
  skus: N11Sku[];
  /** Set when processed (at readyAt, in arrival order). */
  results?: N11SkuResult[];
}

export interface N11PackageLine {
  orderLineId: number;
  stockCode: string;
  productName: string;
  quantity: number;
  /** TL decimal, as N11 answers it. */
  price: number;
}

export interface N11Package {
  id: number;
  orderNumber: string;
  shipmentPackageStatus: string;
  /** Epoch milliseconds, as N11 answers dates here. */
  createdDate: number;
  lastModifiedDate: number;
  lines: N11PackageLine[];
}

export interface N11Account {
  account: string;
  appKey: string;
  appSecret: string;
  /** Null: every stock code is known. */
  known: Set<string> | null;
  quantities: Map<string, number>;
  prices: Map<string, { listPrice: number; salePrice: number }>;
  packages: Map<string, N11Package>;
  /** The listings the product query answers; N11 keys them on stockCode (the barcode when none). */
  catalog: SellerCatalog;
  /** The way back (fulfilment.ts): lines moved to Picking, units given up, command calls per order and kind. */
  fulfilment: N11Fulfilment;
}

export interface N11Fulfilment {
  picked: Set<number>;
  givenUp: Map<string, { orderLineId: number; quantity: number; cancelReasonId: number }[]>;
  calls: Map<string, Record<string, number>>;
  /** Return claims by claimReturnId (claims.ts). */
  claims: Map<number, N11SandboxClaim>;
  /** Lines the seller shipped (shipments.ts, MakeOrderItemShipment), by orderLineId. */
  shipped: Map<number, { trackingNumber: string; shipmentCompanyId: number }>;
}

/** Failure texts in N11's language; the adapter maps them to outcomes by their wording. */
export const N11_SANDBOX_REASONS = {
  unknownCode: (code: string) => `Ürün bulunamadı: ${code}`,
  saleAboveList: "Satış fiyatı liste fiyatından büyük olamaz",
  transient: "Sistemsel bir hata oluştu, lütfen tekrar deneyiniz",
};

/** The quotas the sandbox plays per account and endpoint (per minute, scaled). */
export const N11_SANDBOX_QUOTAS: Record<string, number> = {
  "price-stock-update": N11.writeRequestsPerMinute,
  "task-details": N11.statusRequestsPerMinute,
  "shipment-packages": N11.orderRequestsPerMinute,
  "order-update": N11.commandRequestsPerMinute,
  "split-by-quantity": N11.commandRequestsPerMinute,
  "product-query": N11_LISTINGS.requestsPerMinute,
};

/** What the N11 sandbox remembers: accounts (by appkey), tasks, rate windows, packages. */
export class N11SandboxState {
  readonly accounts = new Map<string, N11Account>();
  readonly tasks = new Map<number, N11Task>();
  private readonly windows = new Map<string, number[]>();
  private taskCounter = 70_000_000;
  private packageCounter = 300_000_000;
  private claimCounter = 5_000_000;

  constructor(readonly context: SandboxContext) {
    this.packageCounter += context.idOffset ?? 0;
    this.claimCounter += context.idOffset ?? 0;
  }

  addAccount(input: SandboxAccountInput): boolean {
    if (this.accounts.has(input.account)) return false;
    this.accounts.set(input.account, {
      account: input.account,
      appKey: input.key,
      appSecret: input.secret,
      known: input.known ? new Set(input.known) : null,
      quantities: new Map(),
      prices: new Map(),
      packages: new Map(),
      catalog: new SellerCatalog((listing) => listing.stockCode ?? listing.barcode, 100_000_000),
      fulfilment: { picked: new Set(), givenUp: new Map(), calls: new Map(), claims: new Map(), shipped: new Map() },
    });
    return true;
  }

  /** The account these appkey / appsecret headers belong to; N11 names no account in its paths. */
  authenticate(appKey: string | undefined, appSecret: string | undefined): N11Account | undefined {
    if (!appKey || !appSecret) return undefined;
    for (const account of this.accounts.values()) if (account.appKey === appKey && account.appSecret === appSecret) return account;
    return undefined;
  }

  /** Sliding one-minute window (scaled) per account and endpoint; only requests let through count. */
  takeRateSlot(account: string, endpoint: string, now: number): boolean {
    const windowMs = this.context.scaled(60_000);
    const key = `${account}:${endpoint}`;
    const hits = (this.windows.get(key) ?? []).filter((at) => at > now - windowMs);
    const allowed = hits.length < (N11_SANDBOX_QUOTAS[endpoint] ?? Number.POSITIVE_INFINITY);
    if (allowed) hits.push(now);
    this.windows.set(key, hits);
    return allowed;
  }

  accept(account: string, skus: N11Sku[], now: number): N11Task {
    this.taskCounter += 1;
    const task: N11Task = {
      id: this.taskCounter,
      account,
      createdAt: now,
      readyAt: now + this.context.scaled(this.context.resultDelayMs),
      expiresAt: now + this.context.scaled(N11.resultRetentionMs),
      skus,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  /** N11 numbers a REJECTed request like any other task, though nothing of it is kept. */
  rejectedTaskId(): number {
    this.taskCounter += 1;
    return this.taskCounter;
  }

  nextClaimId(): number {
    this.claimCounter += 1;
    return this.claimCounter;
  }

  nextPackageId(): number {
    this.packageCounter += 1;
    return this.packageCounter;
  }
}
