/**
 * Pazarama in the sandbox: client-credentials tokens (Basic clientId:secret, wrapped
 * answer, a scaled one-hour life, revocable to exercise the adapter's refresh on 401), Bearer
 * auth on updateStock-v2 / updatePrice-v2 with at most 3000 items and at least 10 s (scaled)
 * between writes per seller (429 + Retry-After), HTTP-200 success:false refusals of bodies it
 * will not take, lake-projections batch results after the result delay, unknown codes and list <
 * sale failing per item, price cuts of 70% or more held for approval, and the order call. Where
 * clients disagree the sandbox option `variants` picks what it plays: the token answer (wrapped or
 * plain OAuth) and the order call (getOrdersForApiV2 or the paged getOrdersForApi). The way back
 * (fulfilment.ts): item statuses 12, 13 and 5, refunds listed and answered, control routes. The
 * seller's catalog (listings.ts): the approved products list; PUT catalog / shown-quantity.
 */
import { accountOperations, pricesByCode, type SandboxMarketplace, type SandboxMarketplaceFactory } from "../module";
import { isReply, lineCancelOf } from "../line-cancel-body";
import { defaultVariants } from "../options";
import { pzFulfilmentControl } from "./fulfilment";
import { cancelPzItems, cancelPzOrder, createPzOrder } from "./orders";
import { settlePazarama } from "./processing";
import { handlePazarama, PAZARAMA_OWNED } from "./routes";
import { PazaramaSandboxState } from "./state";
import { catalogControl } from "../seller-catalog";

/** The module plus what only Pazarama has: ending an account's tokens early. */
export interface PazaramaSandbox extends SandboxMarketplace {
  revokeTokens(account: string): number;
}

export function isPazaramaSandbox(module: SandboxMarketplace | undefined): module is PazaramaSandbox {
  return module?.name === "PAZARAMA" && "revokeTokens" in module;
}

export const createPazaramaSandbox: SandboxMarketplaceFactory = (context, accounts): PazaramaSandbox => {
  const state = new PazaramaSandboxState(context);
  for (const input of accounts) state.addAccount(input);
  return {
    name: "PAZARAMA",
    owns: PAZARAMA_OWNED,
    handle: (incoming, now) => handlePazarama(state, incoming, now, context.variants),
    addAccount: (input) => state.addAccount(input),
    revokeTokens: (account) => state.revokeTokens(account),
    // `cancel-lines` {orderId, lineIds: orderItemIds}: some items cancelled (V2 then lists each of their units cancelled).
    control(account, what, incoming, now) {
      const found = state.accounts.get(account);
      const catalog = found && catalogControl(found, what, incoming);
      if (catalog) return catalog;
      if (what !== "cancel-lines") return found ? pzFulfilmentControl(state, found, what, incoming, now, (context.variants?.pazaramaOrders ?? defaultVariants.pazaramaOrders) === "V2") : { status: 404, body: { message: `No account ${account}` } };
      const body = lineCancelOf(incoming.body);
      if (isReply(body)) return body;
      return found && cancelPzItems(found, body.orderId, body.lineIds) ? { status: 200, body: { cancelled: body.lineIds } } : { status: 404, body: { success: false, message: "No such order or item" } };
    },
    ...accountOperations({
      accounts: state.accounts,
      settle: (now) => settlePazarama(state, now),
      pricesOf: (found) => pricesByCode(found.prices, (price) => ({ ...price })),
      createOrder(found, order, now) {
        const created = createPzOrder(state, found, order, now);
        return { id: created.orderId, payload: created };
      },
      cancelOrder: (found, orderId, now) => cancelPzOrder(found, orderId, now),
    }),
  };
};
