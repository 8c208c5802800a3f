import { randomUUID } from "node:crypto";
import { PTTAVM } from "@pazarsync/backend/src/domains/marketplace/pttavm/facts";
import type { SandboxAccountInput, SandboxContext } from "../module";
import { SellerCatalog } from "../seller-catalog";

/** A stock-prices item as the sandbox received it (prices in TRY decimals, fixture stock-price-write). */
export interface PttItem {
  barcode: string;
  quantity?: number;
  priceWithVAT?: number;
  priceWithoutVAT?: number;
  vatRate?: number;
  discount?: number;
}

/** One productBasedInfos entry of a processed tracking (fixture result-poll.*). */
export interface PttResultItem {
  barcode: string;
  status: "Completed" | "Cancelled";
  message: string | null;
  failureReasons: string[];
  productId: number;
}

export interface PttTracking {
  id: string;
  account: string;
  createdAt: number;
  readyAt: number;
  expiresAt: number;
  items: PttItem[];
  /** Set when processed (at readyAt, in arrival order). */
  results?: PttResultItem[];
}

/** An order line as the order search answers it (fixture order-pull); amounts are TRY decimals. */
export interface PttOrderLine {
  lineItemId: number;
  urunId: number;
  urunBarkod: string;
  variantBarkod: string | null;
  siparisDurumu: string;
  toplamIslemAdedi: number;
  kdvOrani: number;
  kdvHaricToplamTutar: number;
  kdvDahilToplamTutar: number;
  /** Set once an invoice was sent for the line (Sipariş Detay's isInvoice). */
  isInvoice?: boolean;
}

export interface PttOrder {
  siparisNo: string;
  /** `YYYY-MM-DDTHH:mm:ss`, moved on every change (the sandbox's reading of "işlem tarihi"). */
  islemTarihi: string;
  kargoTutari: number;
  siparisUrunler: PttOrderLine[];
  /** The shipment barcode PTT made (create-barcode); absent until then. */
  kargoBarkod?: string | null;
  barcodes?: { barcode: string; type: string }[];
}

/** What a price write leaves on a product. */
export interface PttPrice {
  priceWithVAT?: number;
  vatRate?: number;
  discount?: number;
}

export interface PttAccount {
  account: string;
  apiKey: string;
  accessToken: string;
  /** Null: every barcode is known. */
  known: Set<string> | null;
  quantities: Map<string, number>;
  prices: Map<string, PttPrice>;
  orders: Map<string, PttOrder>;
  /** The listings the product search answers, keyed on barcode like every PttAVM write. */
  catalog: SellerCatalog;
  /** The way back: invoice links and command calls per order, warehouses barcodes are made for. */
  fulfilment: PttFulfilment;
}

export interface PttFulfilment {
  warehouses: { id: number; name: string }[];
  invoiceUrls: Map<string, string>;
  /** order id -> command kind (INVOICE, SHIP) -> calls received. */
  calls: Map<string, Record<string, number>>;
  /** create-barcode tracking ids -> the orders they made barcodes for. */
  barcodeJobs: Map<string, string[]>;
}

/** Failure texts in PttAVM's language; the adapter maps them to outcomes by their wording. */
export const PTT_REASONS = {
  unknownBarcode: (barcode: string) => `Ürün bulunamadı: ${barcode}`,
  quantityRange: `Stok miktarı 0 ile ${PTTAVM.maxQuantity} arasında olmalıdır`,
  priceTooLow: "Fiyat 1'den büyük olmalıdır",
  vatRate: "KDV oranı 0, 1, 10 veya 20 olmalıdır",
  discountRange: "İndirim 0 ile 70 arasında olmalıdır",
  priceMismatch: "KDV hariç fiyat, KDV dahil fiyat ve KDV oranı ile uyuşmuyor",
  transient: "Sistemsel bir hata oluştu, lütfen tekrar deneyiniz",
};

/** What the PttAVM sandbox remembers: accounts (by Api-Key), tracking results, rate windows, recent bodies. */
export class PttavmSandboxState {
  readonly accounts = new Map<string, PttAccount>();
  readonly trackings = new Map<string, PttTracking>();
  private readonly windows = new Map<string, number[]>();
  private readonly recentBodies = new Map<string, number>();
  private orderCounter = 1_000_000;
  private lineCounter = 5_000;

  constructor(readonly context: SandboxContext) {
    this.orderCounter += context.idOffset ?? 0;
    this.lineCounter += context.idOffset ?? 0;
  }

  addAccount(input: SandboxAccountInput): boolean {
    if (this.accounts.has(input.account)) return false;
    this.accounts.set(input.account, {
      account: input.account,
      apiKey: input.key,
      accessToken: input.secret,
      known: input.known ? new Set(input.known) : null,
      quantities: new Map(),
      prices: new Map(),
      orders: new Map(),
      catalog: new SellerCatalog((listing) => listing.barcode, 1000),
      fulfilment: { warehouses: [{ id: 100301619, name: "pttavm" }], invoiceUrls: new Map(), calls: new Map(), barcodeJobs: new Map() },
    });
    return true;
  }

  /** The account whose Api-Key and access-token these are; PttAVM names no account in its paths. */
  authenticate(apiKey: string | undefined, accessToken: string | undefined): PttAccount | undefined {
    if (!apiKey || !accessToken) return undefined;
    for (const account of this.accounts.values()) if (account.apiKey === apiKey && account.accessToken === accessToken) return account;
    return undefined;
  }

  /** Sliding window per account and endpoint group (assumed 60 per minute, scaled); answers the wait when refused. */
  takeRateSlot(key: string, now: number): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const windowMs = this.context.scaled(60_000);
    const hits = (this.windows.get(key) ?? []).filter((at) => at > now - windowMs);
    this.windows.set(key, hits);
    if (hits.length >= PTTAVM.requestsPerMinute) return { allowed: false, retryAfterMs: (hits[0] ?? now) + windowMs - now };
    hits.push(now);
    return { allowed: true };
  }

  /** True when this exact body came from this account within the (scaled) 5 minutes. */
  isRecentDuplicate(key: string, now: number): boolean {
    const window = this.context.scaled(PTTAVM.duplicateWindowMs);
    for (const [k, at] of this.recentBodies) if (now - at >= window) this.recentBodies.delete(k);
    return this.recentBodies.has(key);
  }

  rememberBody(key: string, now: number): void {
    this.recentBodies.set(key, now);
  }

  accept(account: string, items: PttItem[], now: number): PttTracking {
    const tracking: PttTracking = {
      id: randomUUID(),
      account,
      createdAt: now,
      readyAt: now + this.context.scaled(this.context.resultDelayMs),
      expiresAt: now + this.context.scaled(PTTAVM.resultRetentionMs),
      items,
    };
    this.trackings.set(tracking.id, tracking);
    return tracking;
  }

  nextOrderId(): string {
    this.orderCounter += 1;
    return `PTT-${this.orderCounter}`;
  }

  private barcodeCounter = 2_710_200_000_000;

  nextBarcode(): string {
    this.barcodeCounter += 1;
    return String(this.barcodeCounter);
  }

  nextBarcodeJob(): string {
    return randomUUID().replaceAll("-", "");
  }

  /** Line item ids are unique across orders, as invoices name lines by them alone. */
  nextLineItemId(): number {
    this.lineCounter += 1;
    return this.lineCounter;
  }
}
