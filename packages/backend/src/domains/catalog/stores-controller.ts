import { Elysia } from "elysia";
import { pageRequest } from "../../http/pagination";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { StoresModel } from "./store-model";
import type { StoreService } from "./stores-service";

/**
 * /api/v1/stores: sales channels and their listings. Admins change stores (they hold the
 * marketplace credentials); staff read them and manage listings, like the products they list.
 */
export function storesController(deps: { stores: StoreService; identity: IdentityService }) {
  const { stores } = deps;
  return new Elysia({ name: "stores", prefix: "/api/v1/stores", detail: { tags: ["catalog"] } })
    .use(identityGuard(deps.identity))
    .post(
      "",
      async ({ body, caller, set }) => {
        set.status = 201;
        return stores.createStore(body, caller.userId);
      },
      {
        ...requireRole("admin"),
        body: StoresModel.CreateStoreBody,
        response: { 201: StoresModel.Store, ...errors(400, 401, 403, 422) },
        detail: { summary: "Create a sales channel with its warehouses (in reservation order) and encrypted credentials" },
      },
    )
    .get("", ({ query }) => stores.storePage(pageRequest(query)), {
      ...requireRole("staff", "admin"),
      query: StoresModel.PageQuery,
      response: { 200: StoresModel.StorePage, ...errors(401, 403, 422) },
      detail: { summary: "List stores, oldest first; credentials are never returned" },
    })
    .get("/:id", ({ params }) => stores.getStore(params.id), {
      ...requireRole("staff", "admin"),
      params: StoresModel.StoreParams,
      response: { 200: StoresModel.Store, ...errors(401, 403, 404, 422) },
      detail: { summary: "One store; credentials are never returned" },
    })
    .patch("/:id", ({ params, body, caller }) => stores.updateStore(params.id, body, caller.userId), {
      ...requireRole("admin"),
      params: StoresModel.StoreParams,
      body: StoresModel.UpdateStoreBody,
      response: { 200: StoresModel.Store, ...errors(400, 401, 403, 404, 422) },
      detail: { summary: "Change a store; policy, flag and warehouse changes re-sync its listings" },
    })
    .get("/:id/listings", ({ params, query }) => stores.listingPage(params.id, pageRequest(query)), {
      ...requireRole("staff", "admin"),
      params: StoresModel.StoreParams,
      query: StoresModel.PageQuery,
      response: { 200: StoresModel.ListingPage, ...errors(401, 403, 404, 422) },
      detail: { summary: "The store's listings, by product id" },
    })
    .put(
      "/:id/listings/:productId",
      ({ params, body, caller }) => stores.putListing(params.id, params.productId, body, caller.userId),
      {
        ...requireRole("staff", "admin"),
        params: StoresModel.ListingParams,
        body: StoresModel.ListingBody,
        response: { 200: StoresModel.Listing, ...errors(400, 401, 403, 404, 422) },
        detail: { summary: "Create or update a listing: enabled, price and policy overrides" },
      },
    );
}
