import { Elysia } from "elysia";
import { pageRequest } from "../../http/pagination";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { ProductsModel as M, StoresModel } from "./model";
import type { ProductService, StoreService } from "./service";

/**
 * The catalog's routes. /api/v1/catalog/products: products and sets; staff and admins edit,
 * every signed-in user reads. /api/v1/stores: sales channels and their listings; admins change
 * stores (they hold the marketplace credentials), staff read them and manage listings, like the
 * products they list.
 */
export function catalogController(deps: { products: ProductService; stores: StoreService; identity: IdentityService }) {
  const { products, stores } = deps;
  return new Elysia({ name: "catalog", prefix: "/api/v1", detail: { tags: ["catalog"] } })
    .use(identityGuard(deps.identity))
    .post(
      "/catalog/products",
      async ({ body, caller, set }) => {
        set.status = 201;
        return products.createProduct(body, caller);
      },
      {
        ...requireRole("staff", "admin"),
        body: M.CreateProductBody,
        response: { 201: M.Product, ...errors(400, 401, 403, 409, 422) },
        detail: { summary: "Create a SIMPLE product or a SET of simple products" },
      },
    )
    .get(
      "/catalog/products",
      ({ query, caller }) =>
        products.listProducts(
          { type: query.type, sku: query.sku, barcode: query.barcode, q: query.q, storeId: query.storeId?.toLowerCase() },
          pageRequest(query),
          caller,
        ),
      {
        auth: true,
        query: M.ProductListQuery,
        response: { 200: M.ProductPage, ...errors(401, 404, 422) },
        detail: { summary: "List products, newest first; with storeId each carries its sellable quantity there" },
      },
    )
    .get("/catalog/products/:id", ({ params, caller }) => products.getProduct(params.id.toLowerCase(), caller), {
      auth: true,
      params: M.ProductParams,
      response: { 200: M.ProductDetail, ...errors(401, 404, 422) },
      detail: { summary: "A product, its components if a set, and what each store may sell of it (customers: the active web stores)" },
    })
    .patch("/catalog/products/:id", ({ params, body, caller }) => products.updateProduct(params.id.toLowerCase(), body, caller), {
      ...requireRole("staff", "admin"),
      params: M.ProductParams,
      body: M.UpdateProductBody,
      response: { 200: M.Product, ...errors(400, 401, 403, 404, 409, 422) },
      detail: { summary: "Change a product; a set's components are replaced wholesale" },
    })
    .post(
      "/stores",
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
    .get("/stores", ({ query }) => stores.storePage(pageRequest(query)), {
      ...requireRole("staff", "admin"),
      query: StoresModel.PageQuery,
      response: { 200: StoresModel.StorePage, ...errors(401, 403, 422) },
      detail: { summary: "List stores, oldest first; credentials are never returned" },
    })
    .get("/stores/:id", ({ params }) => stores.getStore(params.id), {
      ...requireRole("staff", "admin"),
      params: StoresModel.StoreParams,
      response: { 200: StoresModel.Store, ...errors(401, 403, 404, 422) },
      detail: { summary: "One store; credentials are never returned" },
    })
    .patch("/stores/:id", ({ params, body, caller }) => stores.updateStore(params.id, body, caller.userId), {
      ...requireRole("admin"),
      params: StoresModel.StoreParams,
      body: StoresModel.UpdateStoreBody,
      response: { 200: StoresModel.Store, ...errors(400, 401, 403, 404, 422) },
      detail: { summary: "Change a store; policy, flag and warehouse changes re-sync its listings" },
    })
    .get("/stores/:id/listings", ({ params, query }) => stores.listingPage(params.id, pageRequest(query)), {
      ...requireRole("staff", "admin"),
      params: StoresModel.StoreParams,
      query: StoresModel.PageQuery,
      response: { 200: StoresModel.ListingPage, ...errors(401, 403, 404, 422) },
      detail: { summary: "The store's listings, by product id" },
    })
    .put(
      "/stores/:id/listings/:productId",
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
