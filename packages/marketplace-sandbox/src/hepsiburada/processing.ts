import { HEPSIBURADA_ITEM_ERRORS, UPLOAD_STATUS } from "@pazarsync/backend/src/domains/marketplace/hepsiburada/facts";
import type { HepsiburadaAccount, HepsiburadaSandboxState, PriceValidation, Upload, UploadError } from "./state";

/** A transient per-item failure (the errorRate fault): the adapter treats it as retryable. */
export const HEPSIBURADA_TRANSIENT_ERROR = "InternalServerError";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const skuText = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);

interface Element {
  elementNo: number;
  merchantSku: string | null;
  hepsiburadaSku: string | null;
  /** The code the listing is kept under: merchantSku, else hepsiburadaSku. */
  code: string | null;
  raw: Record<string, unknown>;
}

function elementsOf(upload: Upload): Element[] {
  return upload.elements.map((value, index) => {
    const raw = isRecord(value) ? value : {};
    const merchantSku = skuText(raw.merchantSku);
    const hepsiburadaSku = skuText(raw.hepsiburadaSku);
    return { elementNo: index + 1, merchantSku, hepsiburadaSku, code: merchantSku ?? hepsiburadaSku, raw };
  });
}

/** Two decimals at most, positive, under the ceiling. */
function validPrice(value: unknown, maxPrice: number): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= maxPrice && Math.abs(Math.round(value * 100) - value * 100) < 1e-6;
}

/** Why this element is refused before its own field is looked at (unknown or repeated SKU). */
function listingProblem(account: HepsiburadaAccount, element: Element, counts: Map<string, number>): string | undefined {
  if (element.code === null || (account.known && !account.known.has(element.code))) return HEPSIBURADA_ITEM_ERRORS.productNotFound;
  if ((counts.get(element.code) ?? 0) > 1) return HEPSIBURADA_ITEM_ERRORS.duplicateMerchantSku;
  return undefined;
}

function processUpload(state: HepsiburadaSandboxState, upload: Upload): void {
  const account = state.accounts.get(upload.account);
  if (!account) return;
  const { limits } = state;
  const elements = elementsOf(upload);
  const counts = new Map<string, number>();
  for (const element of elements) if (element.code !== null) counts.set(element.code, (counts.get(element.code) ?? 0) + 1);
  const errors: UploadError[] = [];
  const priceValidations: PriceValidation[] = [];
  const transient = () => state.context.random() < state.context.currentFaults().errorRate;
  for (const element of elements) {
    // The sources type both codes as strings: one the element did not carry comes back empty.
    const fail = (error: string) => errors.push({ elementNo: element.elementNo, hepsiburadaSku: element.hepsiburadaSku ?? "", merchantSku: element.merchantSku ?? "", errors: [error] });
    const problem = listingProblem(account, element, counts);
    if (problem) {
      fail(problem);
      continue;
    }
    const code = element.code ?? "";
    if (upload.kind === "stock") {
      const stock = element.raw.availableStock;
      if (!Number.isSafeInteger(stock) || Number(stock) < 0 || Number(stock) > limits.maxQuantity) fail(HEPSIBURADA_ITEM_ERRORS.invalidAvailableStock);
      else if (transient()) fail(HEPSIBURADA_TRANSIENT_ERROR);
      else account.quantities.set(code, Number(stock));
      continue;
    }
    const price = element.raw.price;
    const current = account.prices.get(code);
    if (!validPrice(price, limits.maxPrice)) fail(HEPSIBURADA_ITEM_ERRORS.outOfPriceRange);
    else if (account.locked.has(code)) fail(HEPSIBURADA_ITEM_ERRORS.listingFrozen);
    else if (current !== undefined && (price < current * limits.minLockRatio || price > current * limits.maxLockRatio)) {
      // Done, but the listing is locked at its old price until someone on Hepsiburada's side looks.
      account.locked.add(code);
      const type = price < current ? "MinLock" : "MaxLock";
      priceValidations.push({
        elementNo: element.elementNo,
        hepsiburadaSku: element.hepsiburadaSku ?? "",
        merchantSku: element.merchantSku ?? "",
        type,
        minPrice: current * limits.minLockRatio,
        maxPrice: current * limits.maxLockRatio,
        regulativePriceDetail: { minAmount: 0, maxAmount: 0, categoryName: "" },
        description: `${type}: the price must stay within [${current * limits.minLockRatio}, ${current * limits.maxLockRatio}]`,
        currentPrice: current,
        requestedPrice: price,
      });
    } else if (transient()) fail(HEPSIBURADA_TRANSIENT_ERROR);
    else account.prices.set(code, price);
  }
  upload.result = { errors, priceValidations };
}

/** Processes due uploads in arrival order and forgets those past retention. Lazy: run before reading. */
export function settleHepsiburada(state: HepsiburadaSandboxState, now: number): void {
  for (const upload of state.uploads.values()) {
    if (upload.expiresAt <= now) {
      state.uploads.delete(upload.id);
      continue;
    }
    if (!upload.result && upload.readyAt <= now) processUpload(state, upload);
  }
}

/** The status answer: Pending until processed; Failed when no element went through; else Done. */
export function uploadStatusView(upload: Upload) {
  const result = upload.result;
  const status = !result ? "Pending" : result.errors.length >= upload.elements.length ? UPLOAD_STATUS.failed : UPLOAD_STATUS.done;
  return {
    id: upload.id,
    status,
    createdAt: new Date(upload.createdAt).toISOString(),
    total: upload.elements.length,
    errors: result?.errors ?? [],
    ...(upload.kind === "price" ? { priceValidations: result?.priceValidations ?? [] } : {}),
  };
}
