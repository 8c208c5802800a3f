import { Elysia } from "elysia";
import { pageRequest } from "../../http/pagination";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { ProductsModel as M } from "./products-model";
import type { ProductService } from "./products-service";

/** /api/v1/catalog: products and sets. Staff and admins edit; every signed-in user reads. */
export function catalogController(deps: { products: ProductService; identity: IdentityService }) {
  const { products } = deps;
  return new Elysia({ name: "catalog", prefix: "/api/v1/catalog", detail: { tags: ["catalog"] } })
    .use(identityGuard(deps.identity))
    .post(
      "/products",
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
      "/products",
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
    .get("/products/:id", ({ params, caller }) => products.getProduct(params.id.toLowerCase(), caller), {
      auth: true,
      params: M.ProductParams,
      response: { 200: M.ProductDetail, ...errors(401, 404, 422) },
      detail: { summary: "A product, its components if a set, and what each store may sell of it (customers: the active web stores)" },
    })
    .patch("/products/:id", ({ params, body, caller }) => products.updateProduct(params.id.toLowerCase(), body, caller), {
      ...requireRole("staff", "admin"),
      params: M.ProductParams,
      body: M.UpdateProductBody,
      response: { 200: M.Product, ...errors(400, 401, 403, 404, 409, 422) },
      detail: { summary: "Change a product; a set's components are replaced wholesale" },
    });
}
