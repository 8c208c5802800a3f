/**
 * PttAVM in the sandbox: Api-Key + access-token auth, a UUID X-Correlation-Id per
 * request, stock-prices batches of at most 1000 with results at tracking-result (GET or POST),
 * the 5-minute identical-request rule, an assumed 60-per-minute quota per endpoint, unknown
 * barcodes and out-of-range quantities failing per item, and the assumed order search.
 */
import { PTTAVM } from "../../pttavm/facts";
import { accountOperations, pricesByCode, type SandboxMarketplace, type SandboxMarketplaceFactory } from "../module";
import { cancelPttOrder, createPttOrder } from "./orders";
import { settlePttavm } from "./processing";
import { handlePttavm } from "./routes";
import { PttavmSandboxState } from "./state";

export const createPttavmSandbox: SandboxMarketplaceFactory = (context, accounts): SandboxMarketplace => {
  const state = new PttavmSandboxState(context);
  for (const input of accounts) state.addAccount(input);
  return {
    name: "PTTAVM",
    owns: (path) => path.startsWith(`${PTTAVM.apiPrefix}/`),
    handle: (incoming, now) => handlePttavm(state, incoming, now),
    addAccount: (input) => state.addAccount(input),
    ...accountOperations({
      accounts: state.accounts,
      settle: (now) => settlePttavm(state, now),
      pricesOf: (found) =>
        pricesByCode(found.prices, ({ salePrice, listPrice }) => ({
          ...(salePrice === undefined ? {} : { salePrice }),
          ...(listPrice === undefined ? {} : { listPrice }),
        })),
      createOrder(found, order, now) {
        const created = createPttOrder(state, found, order, now);
        return { id: created.orderId, payload: created };
      },
      cancelOrder: (found, orderId, now) => cancelPttOrder(found, orderId, now),
    }),
  };
};
