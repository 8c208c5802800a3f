import { randomUUID } from "node:crypto";
import { SellerCatalog } from "../seller-catalog";
import { PAZARAMA } from "@pazarsync/backend/src/domains/marketplace/pazarama/facts";
import type { SandboxAccountInput, SandboxContext } from "../module";

export type PzKind = "STOCK" | "PRICE";

/** A write item as received: stockCount for stock, both prices (TRY decimals) for price. */
export interface PzItem {
  code: string;
  stockCount?: number;
  listPrice?: number;
  salePrice?: number;
}

export interface PzResult {
  code: string;
  /** 0 Başarılı, 1 Tamamlanamadı (client docs). */
  status: 0 | 1;
  detail: string;
}

export interface PzBatch {
  id: string;
  account: string;
  kind: PzKind;
  createdAt: number;
  readyAt: number;
  expiresAt: number;
  items: PzItem[];
  /** Set when processed (at readyAt, in arrival order). */
  results?: PzResult[];
}

/** An order line as Pazarama lists it (fixtures pazarama/order-pull.*.json). */
export interface PzOrderItem {
  orderItemId: string;
  /** 3 Siparişiniz Alındı, 6 Siparişiniz İptal Edildi, ... */
  orderItemStatus: number;
  quantity: number;
  /** Money object, TRY. */
  salePrice: { value: number };
  product: { code: string };
}

export interface PzOrder {
  orderId: string;
  orderNumber: number;
  /** When the order was placed (epoch ms): Pazarama's only order date, and what its search filters on. */
  placedAt: number;
  orderStatus: number;
  items: PzOrderItem[];
}

export interface PzRefund {
  refundId: string;
  orderNumber: number;
  orderItemId: string;
  refundNumber: number;
  refundStatus: number;
  refundType: string;
  requestedAt: number;
  productCode: string;
  rejectType?: number;
  description?: string;
}

export interface PzFulfilment {
  /** Listed item id (a V2 unit's, or the item's) -> its status, where it moved from the order's item. */
  statuses: Map<string, number>;
  tracking: Map<string, { trackingNumber: string; cargoCompanyId: string }>;
  refunds: Map<string, PzRefund>;
  /** orderNumber -> command kind -> calls received. */
  calls: Map<number, Record<string, number>>;
}

export interface PzAccount {
  account: string;
  clientId: string;
  clientSecret: string;
  /** Null: every code is known. */
  known: Set<string> | null;
  quantities: Map<string, number>;
  prices: Map<string, { listPrice: number; salePrice: number }>;
  orders: Map<string, PzOrder>;
  /** The approved products the product list answers; `code` is the barcode, what the writes key on. */
  catalog: SellerCatalog;
  /** The way back (fulfilment.ts): statuses and tracking per listed item, refunds, command calls per order. */
  fulfilment: PzFulfilment;
  /** When the last write passed the spacing check (stock and price alike). */
  lastWriteAt?: number;
}

/** Failure texts in Pazarama's language; the adapter maps them to outcomes by their wording. */
export const PZ_REASONS = {
  unknownCode: "Ürün bulunamadı",
  listBelowSale: "Satış fiyatı liste fiyatından büyük olamaz",
  approval: "Fiyat onay bekliyor: %70 ve üzeri indirimler onay ekibine iletilir",
  transient: "Sistemsel bir hata oluştu, lütfen tekrar deneyiniz",
  spacing: "İki güncelleme isteği arasında en az 10 saniye olmalıdır",
};

/** What the Pazarama sandbox remembers: accounts, tokens, batches, read windows. */
export class PazaramaSandboxState {
  readonly accounts = new Map<string, PzAccount>();
  readonly batches = new Map<string, PzBatch>();
  private readonly tokens = new Map<string, { account: string; expiresAt: number }>();
  private readonly windows = new Map<string, number[]>();
  private orderCounter = 5_000_000;

  constructor(readonly context: SandboxContext) {
    this.orderCounter += context.idOffset ?? 0;
  }

  addAccount(input: SandboxAccountInput): boolean {
    if (this.accounts.has(input.account)) return false;
    this.accounts.set(input.account, {
      account: input.account,
      clientId: input.key,
      clientSecret: input.secret,
      known: input.known ? new Set(input.known) : null,
      quantities: new Map(),
      prices: new Map(),
      orders: new Map(),
      catalog: new SellerCatalog((listing) => listing.barcode, 7_000_000),
      fulfilment: { statuses: new Map(), tracking: new Map(), refunds: new Map(), calls: new Map() },
    });
    return true;
  }

  byClient(clientId: string, clientSecret: string): PzAccount | undefined {
    for (const account of this.accounts.values()) if (account.clientId === clientId && account.clientSecret === clientSecret) return account;
    return undefined;
  }

  /** A token living the (scaled) hour; answers it with its lifetime in whole seconds. */
  issueToken(account: PzAccount, now: number): { token: string; expiresIn: number } {
    for (const [token, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(token);
    const lifetime = this.context.scaled(PAZARAMA.tokenLifetimeMs);
    const token = randomUUID().replaceAll("-", "") + randomUUID().replaceAll("-", "");
    this.tokens.set(token, { account: account.account, expiresAt: now + lifetime });
    return { token, expiresIn: Math.max(1, Math.floor(lifetime / 1000)) };
  }

  /** The account behind a live Bearer token. */
  authenticate(authorization: string | undefined, now: number): PzAccount | undefined {
    const match = /^Bearer (\S+)$/i.exec(authorization ?? "");
    const entry = match ? this.tokens.get(match[1] ?? "") : undefined;
    if (!entry || entry.expiresAt <= now) return undefined;
    return this.accounts.get(entry.account);
  }

  /** Ends every token of an account early (tests and the demo: the adapter must refresh on 401). */
  revokeTokens(account: string): number {
    let revoked = 0;
    for (const [token, entry] of this.tokens) {
      if (entry.account !== account) continue;
      this.tokens.delete(token);
      revoked += 1;
    }
    return revoked;
  }

  /** The spacing rule: a write within the (scaled) 10 s of the last one is refused; answers the wait. */
  takeWriteSlot(account: PzAccount, now: number): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const spacing = this.context.scaled(PAZARAMA.writeSpacingMs);
    if (account.lastWriteAt !== undefined && now - account.lastWriteAt < spacing) return { allowed: false, retryAfterMs: account.lastWriteAt + spacing - now };
    account.lastWriteAt = now;
    return { allowed: true };
  }

  /** Sliding window per account and read endpoint (assumed quota per minute, scaled). */
  takeReadSlot(key: string, perMinute: number, now: number): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const windowMs = this.context.scaled(60_000);
    const hits = (this.windows.get(key) ?? []).filter((at) => at > now - windowMs);
    this.windows.set(key, hits);
    if (hits.length >= perMinute) return { allowed: false, retryAfterMs: (hits[0] ?? now) + windowMs - now };
    hits.push(now);
    return { allowed: true };
  }

  accept(account: string, kind: PzKind, items: PzItem[], now: number): PzBatch {
    const batch: PzBatch = {
      id: randomUUID(),
      account,
      kind,
      createdAt: now,
      readyAt: now + this.context.scaled(this.context.resultDelayMs),
      expiresAt: now + this.context.scaled(PAZARAMA.resultRetentionMs),
      items,
    };
    this.batches.set(batch.id, batch);
    return batch;
  }

  private refundCounter = 564_000;

  nextRefundNumber(): number {
    this.refundCounter += 1;
    return this.refundCounter;
  }

  nextOrderNumber(): number {
    this.orderCounter += 1;
    return this.orderCounter;
  }
}
