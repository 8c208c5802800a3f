/**
 * Pazarama in the sandbox: client-credentials tokens (Basic clientId:secret, wrapped
 * answer, a scaled one-hour life, revocable to exercise the adapter's refresh on 401), Bearer
 * auth on updateStock-v2 / updatePrice-v2 with at most 3000 items and at least 10 s (scaled)
 * between writes per seller (429 + Retry-After), HTTP-200 success:false refusals of bodies it
 * will not take, lake-projections batch results after the result delay, unknown codes and list <
 * sale failing per item, price cuts of 70% or more held for approval, and the assumed order search.
 */
import type { SandboxMarketplace, SandboxMarketplaceFactory, SandboxShown } from "../module";
import { cancelPzOrder, createPzOrder } from "./orders";
import { settlePazarama } from "./processing";
import { handlePazarama, PAZARAMA_OWNED } from "./routes";
import { PazaramaSandboxState } from "./state";

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
    handle: (incoming, now) => handlePazarama(state, incoming, now),
    addAccount: (input) => state.addAccount(input),
    revokeTokens: (account) => state.revokeTokens(account),
    shown(account, now): SandboxShown | undefined {
      const found = state.accounts.get(account);
      if (!found) return undefined;
      settlePazarama(state, now);
      const prices: SandboxShown["prices"] = {};
      for (const [code, price] of found.prices) prices[code] = { ...price };
      return { quantities: Object.fromEntries(found.quantities), prices };
    },
    createOrder(account, order, now) {
      const found = state.accounts.get(account);
      if (!found) return undefined;
      const created = createPzOrder(state, found, order, now);
      return { id: created.orderId, payload: created };
    },
    cancelOrder(account, orderId, now) {
      const found = state.accounts.get(account);
      return found ? cancelPzOrder(found, orderId, now) : false;
    },
  };
};
