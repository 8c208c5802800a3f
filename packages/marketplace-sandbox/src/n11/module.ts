/**
 * N11 in the sandbox: appkey / appsecret auth, price-stock-update tasks of at most 1000
 * skus refused as a whole with HTTP 200 REJECT (prices not two-decimal strings, one price without
 * the other, a bad currencyType, over the cap), task details paged and readable after the result
 * delay, unknown stock codes and sale > list failing per sku, quotas per account and endpoint (the
 * official 1000 per minute on orders, assumed ones on writes and task details) answered with 429,
 * the shipment package list with one status per request and month-long windows, and the way back
 * (fulfilment.ts: lines to Picking, units given up inside a split by quantity; claims.ts: returns
 * through the SOAP ReturnService), and the seller's catalog (listings.ts: the product query, read
 * page by page from the account's listings; PUT catalog / shown-quantity control routes).
 */
import { accountOperations, pricesByCode, type SandboxMarketplace, type SandboxMarketplaceFactory } from "../module";
import { cancelN11Package, createN11Package } from "./orders";
import { openN11Claim } from "./claims";
import { n11OrderState } from "./fulfilment";
import { n11PackageChange } from "./package-changes";
import { settleN11 } from "./processing";
import { handleN11 } from "./routes";
import { N11SandboxState } from "./state";
import { catalogControl } from "../seller-catalog";
import { N11_PRODUCT_QUERY } from "./listings";

export const createN11Sandbox: SandboxMarketplaceFactory = (context, accounts): SandboxMarketplace => {
  const state = new N11SandboxState(context);
  for (const input of accounts) state.addAccount(input);
  return {
    name: "N11",
    owns: (path) => path.startsWith("/ms/product/") || path.startsWith("/rest/delivery/") || path.startsWith("/rest/order/") || path.startsWith("/ws/") || path === N11_PRODUCT_QUERY,
    handle: (incoming, now) => handleN11(state, incoming, now),
    addAccount: (input) => state.addAccount(input),
    control(account, what, incoming, now) {
      const found = state.accounts.get(account);
      if (!found) return { status: 404, body: { message: `No account ${account}` } };
      if (what === "claim" && incoming.method === "POST") return openN11Claim(state, found, incoming, now);
      const catalog = catalogControl(found, what, incoming);
      if (catalog) return catalog;
      return n11PackageChange(state, found, what, incoming, now) ?? n11OrderState(found, what, incoming);
    },
    ...accountOperations({
      accounts: state.accounts,
      settle: (now) => settleN11(state, now),
      pricesOf: (found) => pricesByCode(found.prices, (price) => ({ ...price })),
      createOrder(found, order, now) {
        const created = createN11Package(state, found, order, now);
        // The order is its orderNumber (what intake keys it on); cancelOrder takes it or a package id.
        return { id: created.orderNumber, payload: { ...created, id: String(created.id) } };
      },
      cancelOrder: (found, orderId, now) => cancelN11Package(found, orderId, now),
    }),
  };
};
