/**
 * Hepsiburada in the sandbox: Basic merchantId:serviceKey with the developer username as
 * User-Agent (401 otherwise), stock-uploads and price-uploads (bare arrays, at most 4000 SKUs, at
 * most 5 pending per merchant: a sixth is refused with 429 TooManyPendingUploads), upload status
 * readable after the result delay and kept for the retention (scaled), per-item errors with
 * 1-based elementNo (ProductNotFound for unknown codes, DuplicateMerchantSkuSpecified,
 * InvalidAvailableStock, OutOfPriceRange, ListingFrozen), price locks (a price under half or over
 * three times the current one: Done with priceValidations MinLock / MaxLock, the listing frozen
 * for later prices), the listing quotas answered 429, the order lists (line per item: the open
 * list with its paging and 24 h Turkey-time window, the cancelled list without dates) and
 * 1000 req/s answered 429 with X-RateLimit-*, the packages list (packages.ts: packed lines, capital
 * `Offset`; lines packed and single lines cancelled through the control routes `pack` and
 * `cancel-line`), and the listing read (listings.ts: isFulfilledByHB per
 * listing, set through PUT /__sandbox/marketplaces/hepsiburada/{account}/fulfilled-by-hb; the catalog
 * and shown quantities through `.../catalog` and `.../shown-quantity`, catalog.ts), and the order
 * push (push.ts: new orders and cancelled records sent to the target set through `.../push`), the
 * order commands (commands.ts: packing, invoice link, in-transit / deliver / undeliver with their
 * allowed transitions, labels, cancelbymerchant, the order detail) and claims (claims.ts: `claim`
 * control route for a delivered line, list, accept / reject), with `order-state` (order-view.ts)
 * showing what the sandbox holds for an order and the command calls it received per kind.
 * Accounts: account = merchant id, key = developer username, secret = service key.
 */
import { accountOperations, pricesByCode, type SandboxAccountInput, type SandboxContext, type SandboxMarketplace, type SandboxMarketplaceFactory } from "../module";
import { hepsiburadaCatalogControl } from "./catalog";
import { createClaim } from "./claims";
import { orderState } from "./order-view";
import { cancelHepsiburadaOrder, createHepsiburadaOrder } from "./orders";
import { settleHepsiburada } from "./processing";
import { setFulfilledByHb } from "./listings";
import { cancelHepsiburadaLine, packHepsiburadaLines } from "./packages";
import { handleHepsiburada } from "./routes";
import { type HepsiburadaAccount, HEPSIBURADA_SANDBOX_LIMITS, type HepsiburadaSandboxLimits, HepsiburadaSandboxState } from "./state";

/** The module with other limits (tests reach a quota cheaply); the registry uses the defaults. */
export function hepsiburadaSandbox(context: SandboxContext, accounts: readonly SandboxAccountInput[], limits: Partial<HepsiburadaSandboxLimits> = {}): SandboxMarketplace {
  const state = new HepsiburadaSandboxState(context, { ...HEPSIBURADA_SANDBOX_LIMITS, ...limits });
  for (const input of accounts) state.addAccount(input);
  /** Runs a cancellation and pushes the cancelled records it wrote (push.ts). */
  function pushingCancellations<R>(found: HepsiburadaAccount, cancel: () => R): R {
    const before = found.cancelledLines.length;
    const result = cancel();
    for (const { line } of found.cancelledLines.slice(before)) state.pusher.cancellation(found.merchantId, line);
    return result;
  }
  return {
    name: "HEPSIBURADA",
    owns: (path) =>
      path.startsWith("/listings/merchantid/") || path.startsWith("/orders/merchantid/") || path.startsWith("/packages/merchantid/") || path.startsWith("/lineitems/merchantid/") || path.startsWith("/claims/"),
    handle(incoming, now) {
      // cancelbymerchant writes cancelled records: they are pushed like the control route's.
      const before = new Map([...state.accounts].map(([id, found]) => [id, found.cancelledLines.length]));
      const handled = handleHepsiburada(state, incoming, now);
      const found = handled.account ? state.accounts.get(handled.account) : undefined;
      if (found) for (const { line } of found.cancelledLines.slice(before.get(found.merchantId) ?? 0)) state.pusher.cancellation(found.merchantId, line);
      return handled;
    },
    addAccount: (input) => state.addAccount(input),
    control(account, what, incoming, now) {
      const found = state.accounts.get(account);
      if (!["fulfilled-by-hb", "pack", "cancel-line", "push", "claim", "order-state", "catalog", "shown-quantity"].includes(what)) return undefined;
      if (!found) return { status: 404, body: { error: { code: "NOT_FOUND", message: `No account ${account}` } } };
      if (what === "fulfilled-by-hb") return setFulfilledByHb(found, incoming);
      if (what === "catalog" || what === "shown-quantity") return hepsiburadaCatalogControl(found, what, incoming);
      if (what === "push") return state.pusher.control(account, incoming);
      if (what === "order-state") return incoming.method === "GET" ? orderState(found, incoming) : { status: 405, body: { error: { code: "METHOD_NOT_ALLOWED", message: "Method not allowed" } } };
      if (incoming.method !== "POST") return { status: 405, body: { error: { code: "METHOD_NOT_ALLOWED", message: "Method not allowed" } } };
      if (what === "claim") return createClaim(state, found, incoming, now);
      return what === "pack" ? packHepsiburadaLines(state, found, incoming, now) : pushingCancellations(found, () => cancelHepsiburadaLine(found, incoming, now));
    },
    ...accountOperations({
      accounts: state.accounts,
      settle: (now) => settleHepsiburada(state, now),
      pricesOf: (found) => pricesByCode(found.prices, (price) => ({ price })),
      createOrder(found, order, now) {
        const created = createHepsiburadaOrder(state, found, order, now);
        state.pusher.order(found.merchantId, created.lines, now);
        return { id: created.orderNumber, payload: created };
      },
      cancelOrder: (found, orderId, now) => pushingCancellations(found, () => cancelHepsiburadaOrder(found, orderId, now)),
    }),
  };
}

export const createHepsiburadaSandbox: SandboxMarketplaceFactory = (context, accounts) => hepsiburadaSandbox(context, accounts);
