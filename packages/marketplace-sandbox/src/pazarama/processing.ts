import { PAZARAMA } from "@pazarsync/backend/src/domains/marketplace/pazarama/facts";
import { type PazaramaSandboxState, type PzAccount, type PzBatch, type PzItem, type PzResult, PZ_REASONS } from "./state";

/**
 * Why an item fails, or undefined: unknown codes, list < sale, and Pazarama's approval rule (a
 * price cut of 70% or more from the live sale price waits for approval and is not applied). The
 * fault setting's errorRate adds transient per-item failures.
 */
function failureOf(state: PazaramaSandboxState, account: PzAccount, kind: PzBatch["kind"], item: PzItem): string | undefined {
  if (account.known && !account.known.has(item.code)) return PZ_REASONS.unknownCode;
  if (kind === "PRICE") {
    const sale = item.salePrice ?? 0;
    if ((item.listPrice ?? 0) < sale) return PZ_REASONS.listBelowSale;
    const live = account.prices.get(item.code)?.salePrice;
    if (live !== undefined && sale <= live * (1 - PAZARAMA.approvalDiscountRatio)) return PZ_REASONS.approval;
  }
  if (state.context.random() < state.context.currentFaults().errorRate) return PZ_REASONS.transient;
  return undefined;
}

function apply(account: PzAccount, item: PzItem): void {
  if (item.stockCount !== undefined) account.quantities.set(item.code, item.stockCount);
  if (item.salePrice !== undefined && item.listPrice !== undefined) account.prices.set(item.code, { listPrice: item.listPrice, salePrice: item.salePrice });
}

function process(state: PazaramaSandboxState, batch: PzBatch): void {
  const account = state.accounts.get(batch.account);
  if (!account) return;
  batch.results = batch.items.map((item): PzResult => {
    const failure = failureOf(state, account, batch.kind, item);
    if (failure === undefined) apply(account, item);
    return { code: item.code, status: failure === undefined ? 0 : 1, detail: failure ?? "Başarılı" };
  });
}

/** Processes due batches in arrival order and forgets those past retention. Lazy: run before reading. */
export function settlePazarama(state: PazaramaSandboxState, now: number): void {
  for (const batch of state.batches.values()) {
    if (batch.expiresAt <= now) {
      state.batches.delete(batch.id);
      continue;
    }
    if (!batch.results && batch.readyAt <= now) process(state, batch);
  }
}

const STATUS_TEXT = { 0: "Başarılı", 1: "Tamamlanamadı", 3: "İşleniyor" } as const;

/** One lake-projections entry: the written part (`stock` or `price`) carries status and detail. */
function entryOf(batch: PzBatch, item: PzItem, result: PzResult | undefined) {
  const status = result?.status ?? 3;
  const detail = result?.detail ?? "";
  const part = batch.kind === "STOCK" ? { status, operationDetail: detail, count: item.stockCount } : { status, operationDetail: detail, salePrice: item.salePrice, listPrice: item.listPrice };
  return {
    batchId: batch.id,
    code: item.code,
    price: batch.kind === "PRICE" ? part : null,
    stock: batch.kind === "STOCK" ? part : null,
    operationSourceText: "MerchantApi",
    operationStatusText: STATUS_TEXT[status],
  };
}

/** The lake-projections answer (shape from client docs), one page of entries. */
export function listingStateView(batch: PzBatch, page: number, pageSize: number) {
  const entries = batch.items.map((item, i) => entryOf(batch, item, batch.results?.[i]));
  const shown = entries.slice((page - 1) * pageSize, page * pageSize);
  const count = (status: number) => entries.filter((e) => (e.stock ?? e.price)?.status === status).length;
  const totalPages = Math.max(1, Math.ceil(entries.length / pageSize));
  return {
    pageIndex: page,
    pageSize,
    totalPages,
    totalCount: entries.length,
    hasNextPage: page < totalPages,
    hasPreviousPage: page > 1,
    data: shown,
    success: true,
    messageCode: "MSS0",
    message: "İşlem Başarıyla Gerçekleştirildi",
    successCount: count(0),
    notCompletedCount: count(1),
    failedCount: 0,
    processingCount: count(3),
  };
}
