import { PTTAVM } from "@pazarsync/backend/src/domains/marketplace/pttavm/facts";
import { type PttAccount, type PttavmSandboxState, type PttItem, type PttResultItem, PTT_REASONS, type PttTracking } from "./state";

/** The rules client code quotes from the official page, checked per item as PttAVM reports them (in the tracking result). */
function failuresOf(state: PttavmSandboxState, account: PttAccount, item: PttItem): string[] {
  if (account.known && !account.known.has(item.barcode)) return [PTT_REASONS.unknownBarcode(item.barcode)];
  const reasons: string[] = [];
  if (item.quantity !== undefined && (item.quantity < 0 || item.quantity > PTTAVM.maxQuantity)) reasons.push(PTT_REASONS.quantityRange);
  if (item.priceWithVAT !== undefined && item.priceWithVAT <= PTTAVM.minPriceExclusive / 100) reasons.push(PTT_REASONS.priceTooLow);
  if (item.vatRate !== undefined && !PTTAVM.vatRates.includes(item.vatRate)) reasons.push(PTT_REASONS.vatRate);
  if (item.discount !== undefined && (item.discount < 0 || item.discount > 70)) reasons.push(PTT_REASONS.discountRange);
  const { priceWithVAT, priceWithoutVAT, vatRate } = item;
  // Our own check, not a documented one: a net price more than a kuruş off the gross at that rate.
  if (priceWithVAT !== undefined && priceWithoutVAT !== undefined && vatRate !== undefined && Math.abs(priceWithoutVAT * (1 + vatRate / 100) - priceWithVAT) > 0.011 * (1 + vatRate / 100)) {
    reasons.push(PTT_REASONS.priceMismatch);
  }
  // The fault setting's errorRate: a transient per-item failure, not an HTTP one.
  if (reasons.length === 0 && state.context.random() < state.context.currentFaults().errorRate) reasons.push(PTT_REASONS.transient);
  return reasons;
}

function apply(account: PttAccount, item: PttItem): void {
  if (item.quantity !== undefined) account.quantities.set(item.barcode, item.quantity);
  if (item.priceWithVAT !== undefined || item.vatRate !== undefined || item.discount !== undefined) {
    const stored = account.prices.get(item.barcode) ?? {};
    account.prices.set(item.barcode, {
      priceWithVAT: item.priceWithVAT ?? stored.priceWithVAT,
      vatRate: item.vatRate ?? stored.vatRate,
      discount: item.discount ?? stored.discount,
    });
  }
}

/** A stable product id per barcode, as PttAVM answers productId beside it. */
function productIdOf(barcode: string): number {
  let hash = 0;
  for (const char of barcode) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000;
  return 1_000_000 + hash;
}

function process(state: PttavmSandboxState, tracking: PttTracking): void {
  const account = state.accounts.get(tracking.account);
  if (!account) return;
  tracking.results = tracking.items.map((item): PttResultItem => {
    const failureReasons = failuresOf(state, account, item);
    if (failureReasons.length === 0) apply(account, item);
    const failed = failureReasons.length > 0;
    return { barcode: item.barcode, status: failed ? "Cancelled" : "Completed", message: failed ? (failureReasons[0] ?? null) : null, failureReasons, productId: productIdOf(item.barcode) };
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

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/**
 * The tracking-result answer (fixture result-poll.*): Waiting items until processed, then each
 * Completed or Cancelled; the batch Completed once processed (a batch with refused items is
 * still Completed: Cancelled at batch level is for a batch PttAVM dropped as a whole).
 */
export function trackingView(tracking: PttTracking) {
  const results = tracking.results;
  const infos = results ?? tracking.items.map((item) => ({ barcode: item.barcode, status: "Waiting", message: null, failureReasons: [], productId: productIdOf(item.barcode) }));
  const count = (status: string) => infos.filter((info) => info.status === status).length;
  return {
    trackingId: tracking.id,
    status: results ? "Completed" : "Waiting",
    progress: results ? 100 : 0,
    createdAt: stamp(tracking.createdAt),
    updatedAt: stamp(results ? tracking.readyAt : tracking.createdAt),
    productsSubTrackingResult: {
      countOfTotalProducts: infos.length,
      countOfWaitingProducts: count("Waiting"),
      countOfInProgressProducts: 0,
      countOfCompletedProducts: count("Completed"),
      countOfCancelledProducts: count("Cancelled"),
      productBasedInfos: infos,
    },
  };
}
