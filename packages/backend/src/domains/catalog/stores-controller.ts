import { Elysia } from "elysia";
import type { IdentityService } from "../identity/service";
import type { StoreService } from "./stores-service";

// STUB: replaced by the stores work (issue 4).
export function storesController(_deps: { stores: StoreService; identity: IdentityService }) {
  return new Elysia({ name: "stores", prefix: "/api/v1/stores", detail: { tags: ["catalog"] } });
}
