/**
 * PttAVM in the sandbox, playing the evidence fixtures (packages/marketplace-fixtures/pttavm):
 * Api-Key + access-token auth, a UUID X-Correlation-Id per request, stock-prices batches of at
 * most 1000 ({barcode, quantity, priceWithVAT, priceWithoutVAT, vatRate, discount}) with results
 * at tracking-result (GET or POST, productsSubTrackingResult.productBasedInfos), the 5-minute
 * identical-request rule, an assumed 60-per-minute quota per endpoint, per-item refusals (unknown
 * barcode, quantity outside 0..9999, price not above 1 TRY, VAT rate, discount outside 0..70),
 * the order search (a bare array, windows of at most 40 days, status per line), and the way back
 * (fulfilment.ts: invoices, order detail, warehouses, shipment barcodes, returns as `iade` lines),
 * and the seller's catalog (listings.ts: the product search; PUT catalog / shown-quantity).
 */
import { PTTAVM } from "@pazarsync/backend/src/domains/marketplace/pttavm/facts";
import { accountOperations, pricesByCode, type SandboxMarketplace, type SandboxMarketplaceFactory } from "../module";
import { isReply, lineCancelOf } from "../line-cancel-body";
import { pttFulfilmentControl } from "./fulfilment";
import { cancelPttLines, cancelPttOrder, createPttOrder } from "./orders";
import { settlePttavm } from "./processing";
import { handlePttavm } from "./routes";
import { PttavmSandboxState } from "./state";
import { catalogControl } from "../seller-catalog";

export const createPttavmSandbox: SandboxMarketplaceFactory = (context, accounts): SandboxMarketplace => {
  const state = new PttavmSandboxState(context);
  for (const input of accounts) state.addAccount(input);
  return {
    name: "PTTAVM",
    owns: (path) => path.startsWith(`${PTTAVM.apiPrefix}/`),
    handle: (incoming, now) => handlePttavm(state, incoming, now),
    addAccount: (input) => state.addAccount(input),
    // `cancel-lines` {orderId, lineIds}: some lines of an order cancelled, the rest going on.
    control(account, what, incoming, now) {
      const found = state.accounts.get(account);
      const catalog = found && catalogControl(found, what, incoming);
      if (catalog) return catalog;
      if (what !== "cancel-lines") return found ? pttFulfilmentControl(found, what, incoming, now) : { status: 404, body: { message: `No account ${account}` } };
      const body = lineCancelOf(incoming.body);
      if (isReply(body)) return body;
      return found && cancelPttLines(found, body.orderId, body.lineIds, now) ? { status: 200, body: found.orders.get(body.orderId) } : { status: 404, body: { success: false, message: "No such order or line" } };
    },
    ...accountOperations({
      accounts: state.accounts,
      settle: (now) => settlePttavm(state, now),
      pricesOf: (found) =>
        pricesByCode(found.prices, (price) => Object.fromEntries(Object.entries(price).filter((entry): entry is [string, number] => entry[1] !== undefined))),
      createOrder(found, order, now) {
        const created = createPttOrder(state, found, order, now);
        return { id: created.siparisNo, payload: created };
      },
      cancelOrder: (found, orderId, now) => cancelPttOrder(found, orderId, now),
    }),
  };
};
