/**
 * PttAVM in the sandbox: Api-Key + access-token auth, a UUID X-Correlation-Id per
 * request, stock-prices batches of at most 1000 with results at tracking-result (GET or POST),
 * the 5-minute identical-request rule, an assumed 60-per-minute quota per endpoint, unknown
 * barcodes and out-of-range quantities failing per item, and the assumed order search.
 */
import { PTTAVM } from "../../pttavm/facts";
import type { SandboxMarketplace, SandboxMarketplaceFactory, SandboxShown } from "../module";
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
    shown(account, now): SandboxShown | undefined {
      const found = state.accounts.get(account);
      if (!found) return undefined;
      settlePttavm(state, now);
      const prices: SandboxShown["prices"] = {};
      for (const [code, { salePrice, listPrice }] of found.prices) {
        prices[code] = { ...(salePrice === undefined ? {} : { salePrice }), ...(listPrice === undefined ? {} : { listPrice }) };
      }
      return { quantities: Object.fromEntries(found.quantities), prices };
    },
    createOrder(account, order, now) {
      const found = state.accounts.get(account);
      if (!found) return undefined;
      const created = createPttOrder(state, found, order, now);
      return { id: created.orderId, payload: created };
    },
    cancelOrder(account, orderId, now) {
      const found = state.accounts.get(account);
      return found ? cancelPttOrder(found, orderId, now) : false;
    },
  };
};
