/**
 * N11 in the sandbox: appkey / appsecret auth, price-stock-update tasks of at most 1000
 * skus refused as a whole with HTTP 200 REJECT (prices not two-decimal strings, one price without
 * the other, a bad currencyType, over the cap), task details paged and readable after the result
 * delay, unknown stock codes and sale > list failing per sku, quotas per account and endpoint (the
 * official 1000 per minute on orders, assumed ones on writes and task details) answered with 429,
 * and the shipment package list with one status per request and month-long windows.
 */
import { accountOperations, pricesByCode, type SandboxMarketplace, type SandboxMarketplaceFactory } from "../module";
import { cancelN11Package, createN11Package } from "./orders";
import { settleN11 } from "./processing";
import { handleN11 } from "./routes";
import { N11SandboxState } from "./state";

export const createN11Sandbox: SandboxMarketplaceFactory = (context, accounts): SandboxMarketplace => {
  const state = new N11SandboxState(context);
  for (const input of accounts) state.addAccount(input);
  return {
    name: "N11",
    owns: (path) => path.startsWith("/ms/product/") || path.startsWith("/rest/delivery/"),
    handle: (incoming, now) => handleN11(state, incoming, now),
    addAccount: (input) => state.addAccount(input),
    ...accountOperations({
      accounts: state.accounts,
      settle: (now) => settleN11(state, now),
      pricesOf: (found) => pricesByCode(found.prices, (price) => ({ ...price })),
      createOrder(found, order, now) {
        const created = createN11Package(state, found, order, now);
        return { id: String(created.id), payload: created };
      },
      cancelOrder: (found, orderId, now) => cancelN11Package(found, orderId, now),
    }),
  };
};
