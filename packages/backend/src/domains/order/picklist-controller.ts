import { Elysia } from "elysia";
import { Fulfilment } from "@pazarsync/shared";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import type { PickListService } from "./picklist";

/** /api/v1/fulfilment: what staff in a warehouse work from. */
export function fulfilmentController(deps: { picklist: PickListService; identity: IdentityService }) {
  return new Elysia({ name: "fulfilment", prefix: "/api/v1/fulfilment", detail: { tags: ["fulfilment"] } })
    .use(identityGuard(deps.identity))
    .get("/picklist", ({ query }) => deps.picklist.pickList(query.warehouseId), {
      ...requireRole("staff", "admin"),
      query: Fulfilment.PickListQuery,
      response: { 200: Fulfilment.PickList, ...errors(401, 403, 404, 422) },
      detail: {
        summary:
          "The warehouse's pick list (staff): open orders' reserved units by shelf, on the shelves the ship step takes them from (largest first), with totals per product. Empty lists when nothing is open; 404 WAREHOUSE_NOT_FOUND",
      },
    });
}
