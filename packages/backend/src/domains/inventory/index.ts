import { randomUUID } from "node:crypto";
import { Elysia } from "elysia";
import { pageRequest } from "../../http/pagination";
import { requestMeta } from "../../http/request-context";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { InventoryModel as M } from "./model";
import type { InventoryService } from "./service";

const staffOnly = requireRole("staff", "admin");

/** /api/v1/inventory: warehouses, shelves, shelf stock changes, the ledger and the invariant check. */
export function inventoryController(deps: { inventory: InventoryService; identity: IdentityService }) {
  const { inventory } = deps;
  // The ledger rows of a request carry its id, so "why did this change" leads to the request's log lines.
  const correlationOf = (request: Request) => requestMeta(request)?.requestId ?? randomUUID();
  return new Elysia({ name: "inventory", prefix: "/api/v1/inventory", detail: { tags: ["inventory"] } })
    .use(identityGuard(deps.identity))
    .post(
      "/warehouses",
      async ({ body, set }) => {
        set.status = 201;
        return inventory.createWarehouse(body);
      },
      {
        ...staffOnly,
        body: M.CreateWarehouseBody,
        response: { 201: M.Warehouse, ...errors(400, 401, 403, 409, 422) },
        detail: { summary: "Create a warehouse" },
      },
    )
    .get("/warehouses", ({ query }) => inventory.listWarehouses(pageRequest(query)), {
      ...staffOnly,
      query: M.PageQuery,
      response: { 200: M.WarehousePage, ...errors(401, 403, 422) },
      detail: { summary: "Warehouses with their number of shelves" },
    })
    .post(
      "/warehouses/:id/shelves",
      async ({ params, body, set }) => {
        set.status = 201;
        return inventory.createShelf(params.id, body);
      },
      {
        ...staffOnly,
        params: M.IdParams,
        body: M.CreateShelfBody,
        response: { 201: M.Shelf, ...errors(400, 401, 403, 404, 409, 422) },
        detail: { summary: "Add a shelf to a warehouse" },
      },
    )
    .get("/warehouses/:id/shelves", ({ params, query }) => inventory.listShelves(params.id, pageRequest(query)), {
      ...staffOnly,
      params: M.IdParams,
      query: M.PageQuery,
      response: { 200: M.ShelfPage, ...errors(401, 403, 404, 422) },
      detail: { summary: "A warehouse's shelves" },
    })
    .post(
      "/shelves/:id/stock",
      ({ params, body, caller, request }) =>
        inventory.changeShelfStock(params.id, body, { actorId: caller.userId, correlationId: correlationOf(request) }),
      {
        ...staffOnly,
        params: M.IdParams,
        body: M.ShelfStockBody,
        response: { 200: M.ShelfStockChange, ...errors(400, 401, 403, 404, 409, 422, 503) },
        detail: { summary: "Put units of a simple product on a shelf, or take them off (409 INSUFFICIENT_STOCK)" },
      },
    )
    .get("/products/:id/stock", ({ params }) => inventory.productStock(params.id), {
      ...staffOnly,
      params: M.IdParams,
      response: { 200: M.ProductStock, ...errors(401, 403, 404, 422) },
      detail: { summary: "A product's on hand, reserved and free stock per warehouse, and per shelf" },
    })
    .get("/products/:id/movements", ({ params, query }) => inventory.listMovements(params.id, pageRequest(query)), {
      ...staffOnly,
      params: M.IdParams,
      query: M.PageQuery,
      response: { 200: M.MovementPage, ...errors(401, 403, 404, 422) },
      detail: { summary: "A product's stock ledger, newest first" },
    })
    .post(
      "/products/:id/quarantine",
      ({ params, body, caller, request }) =>
        inventory.releaseQuarantine(params.id.toLowerCase(), body, { actorId: caller.userId, correlationId: correlationOf(request) }),
      {
        ...staffOnly,
        params: M.IdParams,
        body: M.QuarantineReleaseBody,
        response: { 200: M.ProductStock, ...errors(400, 401, 403, 404, 409, 422, 503) },
        detail: {
          summary:
            "Take units out of quarantine after inspection: onto a shelf of the same warehouse (sellable again) or WRITE_OFF; a QUARANTINE ledger row (409 INSUFFICIENT_QUARANTINE)",
        },
      },
    )
    .get("/invariants", () => inventory.checkInvariants(), {
      ...staffOnly,
      response: { 200: M.InvariantReport, ...errors(401, 403) },
      detail: { summary: "Check on hand against shelves and reserved against open allocations" },
    })
    .post("/invariants/repair", ({ caller }) => inventory.repairInvariants(caller.userId), {
      ...requireRole("admin"),
      response: { 200: M.RepairReport, ...errors(401, 403, 503) },
      detail: { summary: "Correct broken stock invariants with ledger rows (admin)" },
    });
}
