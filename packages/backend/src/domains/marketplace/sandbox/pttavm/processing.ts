import { PTTAVM } from "../../pttavm/facts";
import { type PttAccount, type PttavmSandboxState, type PttItem, type PttResultItem, PTT_REASONS, type PttTracking } from "./state";

function failuresOf(state: PttavmSandboxState, account: PttAccount, item: PttItem): string[] {
  if (account.known && !account.known.has(item.barcode)) return [PTT_REASONS.unknownBarcode(item.barcode)];
  const reasons: string[] = [];
  if (item.quantity !== undefined && (item.quantity < 0 || item.quantity > PTTAVM.maxQuantity)) reasons.push(PTT_REASONS.quantityRange);
  const stored = account.prices.get(item.barcode);
  const sale = item.salePrice ?? stored?.salePrice;
  const list = item.listPrice ?? stored?.listPrice;
  if (sale !== undefined && list !== undefined && list < sale) reasons.push(PTT_REASONS.listBelowSale);
  // The fault setting's errorRate: a transient per-item failure, not an HTTP one.
  if (reasons.length === 0 && state.context.random() < state.context.currentFaults().errorRate) reasons.push(PTT_REASONS.transient);
  return reasons;
}

function apply(account: PttAccount, item: PttItem): void {
  if (item.quantity !== undefined) account.quantities.set(item.barcode, item.quantity);
  if (item.salePrice !== undefined || item.listPrice !== undefined) {
    const stored = account.prices.get(item.barcode) ?? {};
    account.prices.set(item.barcode, { salePrice: item.salePrice ?? stored.salePrice, listPrice: item.listPrice ?? stored.listPrice });
  }
}

function process(state: PttavmSandboxState, tracking: PttTracking): void {
  const account = state.accounts.get(tracking.account);
  if (!account) return;
  tracking.results = tracking.items.map((item): PttResultItem => {
    const errors = failuresOf(state, account, item);
    if (errors.length === 0) apply(account, item);
    return { barcode: item.barcode, status: errors.length === 0 ? "SUCCESS" : "FAILED", errors };
  });
}

/** Processes due trackings in arrival order and forgets those past retention. Lazy: run before reading. */
export function settlePttavm(state: PttavmSandboxState, now: number): void {
  for (const tracking of state.trackings.values()) {
    if (tracking.expiresAt <= now) {
      state.trackings.delete(tracking.id);
      continue;
    }
    if (!tracking.results && tracking.readyAt <= now) process(state, tracking);
  }
}

/** The tracking-result answer (shape assumed, see pttavm/facts.ts); items are absent until processed. */
export function trackingView(tracking: PttTracking) {
  const items = tracking.results ?? [];
  const failedCount = items.filter((item) => item.status === "FAILED").length;
  return {
    success: true,
    trackingId: tracking.id,
    status: tracking.results ? "COMPLETED" : "IN_PROGRESS",
    totalCount: tracking.items.length,
    successCount: items.length - failedCount,
    failedCount,
    items,
  };
}
