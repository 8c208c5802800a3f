/**
 * Inspection and control, for tests and the demo: what the marketplace shows now, what it was
 * sent, and the faults it plays. Unauthenticated: the sandbox listens on loopback by default.
 * Bodies are checked against their TypeBox schemas by Elysia (422 VALIDATION_FAILED, see server.ts).
 */
import { Elysia } from "elysia";
import { CatalogBody, ShownQuantityBody } from "./catalog-body";
import { SellerParams } from "./control-body";
import { marketplaceControl } from "./marketplace-control";
import { BarcodesInput, FaultsPatch, SellerAccountInput } from "./options";
import { settle } from "./processing";
import { problem, toResponse } from "./reply";
import type { SandboxState, SellerAccount } from "./state";
import { putTrendyolCatalog, setTrendyolShownQuantity } from "./trendyol-catalog";
import { trendyolCommandControl } from "./trendyol-commands-control";
import { trendyolOrderControl } from "./trendyol-orders-control";

export function controlRoutes(state: SandboxState) {
  /** The seller, with what it was sent settled; or the 404 to answer. */
  const settledSeller = (sellerId: string): SellerAccount | Response => {
    const seller = state.sellers.get(sellerId);
    if (!seller) return toResponse(problem(404, "NOT_FOUND", `No seller ${sellerId} in the sandbox`));
    settle(state, state.now());
    return seller;
  };

  return new Elysia({ prefix: "/__sandbox" })
    .use(marketplaceControl(state))
    .use(trendyolOrderControl(state))
    .use(trendyolCommandControl(state))
    .get("/health", () => ({ status: "ok" }))
    .get("/requests", () => ({ requests: state.requests() }))
    .delete("/requests", () => {
      state.clearRequests();
      return new Response(null, { status: 204 });
    })
    .get("/faults", () => state.faults)
    .put(
      "/faults",
      ({ body }) => {
        state.faults = { ...state.faults, ...body };
        return state.faults;
      },
      { body: FaultsPatch, parse: "json" },
    )
    .post(
      "/sellers",
      ({ body }) =>
        toResponse(state.addSeller(body) ? { status: 201, body: { sellerId: body.sellerId } } : problem(409, "SELLER_EXISTS", `Seller ${body.sellerId} exists`)),
      { body: SellerAccountInput, parse: "json" },
    )
    .get(
      "/sellers/:sellerId/quantities",
      ({ params }) => {
        const seller = settledSeller(params.sellerId);
        return seller instanceof Response ? seller : Object.fromEntries(seller.quantities);
      },
      { params: SellerParams },
    )
    .get(
      "/sellers/:sellerId/prices",
      ({ params }) => {
        const seller = settledSeller(params.sellerId);
        return seller instanceof Response ? seller : Object.fromEntries(seller.prices);
      },
      { params: SellerParams },
    )
    .post(
      "/sellers/:sellerId/barcodes",
      ({ params, body }) => {
        const seller = settledSeller(params.sellerId);
        return seller instanceof Response ? seller : { knownBarcodes: state.registerBarcodes(params.sellerId, body.barcodes) };
      },
      { params: SellerParams, body: BarcodesInput, parse: "json" },
    )
    .put(
      "/sellers/:sellerId/catalog",
      ({ params, body }) => {
        const seller = settledSeller(params.sellerId);
        return seller instanceof Response ? seller : putTrendyolCatalog(seller, body, state.now());
      },
      { params: SellerParams, body: CatalogBody, parse: "json" },
    )
    .put(
      "/sellers/:sellerId/shown-quantity",
      ({ params, body }) => {
        const seller = settledSeller(params.sellerId);
        return seller instanceof Response ? seller : toResponse(setTrendyolShownQuantity(seller, body, state.now()));
      },
      { params: SellerParams, body: ShownQuantityBody, parse: "json" },
    )
    .all("/*", ({ request, path }) => toResponse(problem(404, "NOT_FOUND", `No sandbox route ${request.method} ${path}`)));
}
