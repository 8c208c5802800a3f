import { Elysia } from "elysia";
import type { IdentityService } from "../identity/service";
import type { ProductService } from "./products-service";

// STUB: replaced by the products work (issue 4).
export function catalogController(_deps: { products: ProductService; identity: IdentityService }) {
  return new Elysia({ name: "catalog", prefix: "/api/v1/catalog", detail: { tags: ["catalog"] } });
}
