import { randomUUID } from "node:crypto";
import { TRENDYOL } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";
import type { RequestItem, ResultItem, SandboxState, SellerAccount, StoredBatch } from "./state";

/** Failure texts in Trendyol's style; the adapter maps them to outcomes by their wording. */
export const SANDBOX_REASONS = {
  unknownBarcode: (barcode: string) => `Güncellenmek istenen ürün bulunamadı (barcode not found): ${barcode}`,
  overCap: `Stok adedi ${TRENDYOL.maxQuantity}'den fazla olamaz`,
  negative: "Stok adedi negatif olamaz",
  listBelowSale: "Liste fiyatı satış fiyatından küçük olamaz",
  tooManyPriceUpdates: `Bir ürün için dakikada en fazla ${TRENDYOL.priceUpdatesPerBarcode} fiyat güncellemesi yapılabilir`,
  transient: "Sistemsel bir hata oluştu, lütfen tekrar deneyiniz",
};

export function acceptBatch(state: SandboxState, sellerId: string, items: RequestItem[], now: number): StoredBatch {
  const batch: StoredBatch = {
    id: randomUUID(),
    sellerId,
    createdAt: now,
    readyAt: now + state.scaled(state.resultDelayMs),
    expiresAt: now + state.scaled(TRENDYOL.resultRetentionMs),
    requestItems: items,
  };
  state.batches.set(batch.id, batch);
  return batch;
}

function priceLimited(state: SandboxState, seller: SellerAccount, barcode: string, at: number): boolean {
  const windowStart = at - state.scaled(TRENDYOL.priceUpdateWindowMs);
  const updates = (seller.priceUpdates.get(barcode) ?? []).filter((t) => t > windowStart);
  seller.priceUpdates.set(barcode, updates);
  if (updates.length >= TRENDYOL.priceUpdatesPerBarcode) return true;
  updates.push(at);
  return false;
}

function failuresOf(state: SandboxState, seller: SellerAccount, item: RequestItem, at: number): string[] {
  if (seller.knownBarcodes && !seller.knownBarcodes.has(item.barcode)) return [SANDBOX_REASONS.unknownBarcode(item.barcode)];
  const reasons: string[] = [];
  if (item.quantity !== undefined && item.quantity > TRENDYOL.maxQuantity) reasons.push(SANDBOX_REASONS.overCap);
  if (item.quantity !== undefined && item.quantity < 0) reasons.push(SANDBOX_REASONS.negative);
  const stored = seller.prices.get(item.barcode);
  const sale = item.salePrice ?? stored?.salePrice;
  const list = item.listPrice ?? stored?.listPrice;
  if (sale !== undefined && list !== undefined && list < sale) reasons.push(SANDBOX_REASONS.listBelowSale);
  const changesPrice = item.salePrice !== undefined || item.listPrice !== undefined;
  if (reasons.length === 0 && changesPrice && priceLimited(state, seller, item.barcode, at)) reasons.push(SANDBOX_REASONS.tooManyPriceUpdates);
  if (reasons.length === 0 && state.random() < state.faults.errorRate) reasons.push(SANDBOX_REASONS.transient);
  return reasons;
}

function apply(seller: SellerAccount, item: RequestItem): void {
  if (item.quantity !== undefined) seller.quantities.set(item.barcode, item.quantity);
  if (item.salePrice !== undefined || item.listPrice !== undefined) {
    const stored = seller.prices.get(item.barcode) ?? {};
    seller.prices.set(item.barcode, {
      salePrice: item.salePrice ?? stored.salePrice,
      listPrice: item.listPrice ?? stored.listPrice,
    });
  }
}

function process(state: SandboxState, batch: StoredBatch): void {
  const seller = state.sellers.get(batch.sellerId);
  if (!seller) return;
  batch.results = batch.requestItems.map((item): ResultItem => {
    const failureReasons = failuresOf(state, seller, item, batch.readyAt);
    if (failureReasons.length === 0) apply(seller, item);
    return { requestItem: item, status: failureReasons.length === 0 ? "SUCCESS" : "FAILED", failureReasons };
  });
}

/**
 * Processes every batch whose time has come, in arrival order (Map keeps insertion order), and
 * forgets batches past their retention. Lazy: run before anything reads the state.
 */
export function settle(state: SandboxState, now: number): void {
  for (const batch of state.batches.values()) {
    if (batch.expiresAt <= now) {
      state.batches.delete(batch.id);
      continue;
    }
    if (!batch.results && batch.readyAt <= now) process(state, batch);
  }
}

/** Trendyol's batch-request answer; before processing the items are absent. */
export function batchView(batch: StoredBatch) {
  const items = batch.results ?? [];
  // The documented inventory result echoes each item with the time the update was asked for.
  const updateRequestDate = new Date(batch.createdAt).toISOString();
  return {
    batchRequestId: batch.id,
    items: items.map((item) => ({ ...item, requestItem: { updateRequestDate, ...item.requestItem } })),
    creationDate: batch.createdAt,
    lastModification: batch.results ? batch.readyAt : batch.createdAt,
    sourceType: "API",
    itemCount: batch.requestItems.length,
    failedItemCount: items.filter((item) => item.status === "FAILED").length,
    batchRequestType: TRENDYOL.batchRequestType,
  };
}
