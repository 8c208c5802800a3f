import { Elysia } from "elysia";
import type { IdentityService } from "../identity/service";
import type { InventoryService } from "./service";

// STUB: replaced by the inventory work (issue 4).
export function inventoryController(_deps: { inventory: InventoryService; identity: IdentityService }) {
  return new Elysia({ name: "inventory", prefix: "/api/v1/inventory", detail: { tags: ["inventory"] } });
}
