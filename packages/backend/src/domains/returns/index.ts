import { Elysia } from "elysia";
import { errorResponses as errors } from "../../http/responses";
import { pageRequest } from "../../http/pagination";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import { ReturnsModel as M } from "./model";
import type { ReturnsService } from "./service";

const staffOnly = requireRole("staff", "admin");

/** /api/v1/returns (staff): returns and what came back; and the order's return route, which records a web return. */
export function returnsController(deps: { returns: ReturnsService; identity: IdentityService }) {
  const { returns } = deps;
  return new Elysia({ name: "returns", prefix: "/api/v1", detail: { tags: ["returns"] } })
    .use(identityGuard(deps.identity))
    .get("/returns", ({ query }) => returns.listReturns({ status: query.status, storeId: query.storeId, orderId: query.orderId }, pageRequest(query)), {
      ...staffOnly,
      query: M.ReturnListQuery,
      response: { 200: M.ReturnPage, ...errors(401, 403, 422) },
      detail: {
        summary: "Returns, newest first (web returns and marketplace claims; filters status, storeId, orderId); NEEDS_ATTENTION: a claim naming an order or line we could not match",
      },
    })
    .post(
      "/returns",
      async ({ caller, body, set }) => {
        set.status = 201;
        return returns.createWebReturn(caller.userId, body);
      },
      {
        ...staffOnly,
        body: M.CreateReturnBody,
        response: { 201: M.Return, ...errors(400, 401, 403, 404, 409, 422) },
        detail: {
          summary:
            "Record a web return to receive later (REQUESTED): the named ordered products (a set: its components) or everything still out with the buyer. 409 NOTHING_TO_RETURN, RETURN_EXCEEDS_SHIPPED",
        },
      },
    )
    .get("/returns/:id", ({ params }) => returns.getReturn(params.id), {
      ...staffOnly,
      params: M.ReturnParams,
      response: { 200: M.Return, ...errors(401, 403, 404, 422) },
      detail: { summary: "One return: its lines, receipts, decision, the marketplace's claim and the commands answering it" },
    })
    .post("/returns/:id/receive", ({ caller, params, body }) => returns.receive(caller.userId, params.id, body), {
      ...staffOnly,
      params: M.ReturnParams,
      body: M.ReceiveBody,
      response: { 200: M.Return, ...errors(400, 401, 403, 404, 409, 422, 503) },
      detail: {
        summary:
          "Receive returned units: onto a shelf (sellable again, RETURN ledger rows) or QUARANTINE (put aside, QUARANTINE ledger rows, never sellable). 409 RETURN_OVER_RECEIVED (more than the return still expects), RETURN_EXCEEDS_SHIPPED, RETURN_LINE_NOT_FOUND, RETURN_WITHOUT_ORDER",
      },
    })
    .post("/returns/:id/approve", ({ caller, params }) => returns.approve(caller.userId, params.id), {
      ...staffOnly,
      params: M.ReturnParams,
      response: { 200: M.Return, ...errors(401, 403, 404, 409, 422) },
      detail: {
        summary:
          "Approve a return; a marketplace return records an APPROVE_RETURN command (sent by the command worker; NOT_SUPPORTED where the adapter documents none). Repeating is a no-op; 409 RETURN_ALREADY_DECIDED after a rejection",
      },
    })
    .post("/returns/:id/reject", ({ caller, params, body }) => returns.reject(caller.userId, params.id, body.reason), {
      ...staffOnly,
      params: M.ReturnParams,
      body: M.RejectBody,
      response: { 200: M.Return, ...errors(400, 401, 403, 404, 409, 422) },
      detail: { summary: "Reject a return with a reason; a marketplace return records a REJECT_RETURN command. 409 RETURN_ALREADY_DECIDED after an approval" },
    })
    .post(
      "/orders/:id/return",
      async ({ caller, params, body, set }) => {
        const { order, returnId } = await returns.returnWholeOrder(caller, params.id, body.shelfId);
        set.headers.location = `/api/v1/returns/${returnId}`;
        return order;
      },
      {
        ...staffOnly,
        params: M.OrderParams,
        body: M.ReturnBody,
        response: { 200: M.Order, ...errors(400, 401, 403, 404, 409, 422, 503) },
        detail: {
          summary:
            "Take a shipped or delivered order back: everything still out goes onto the given shelf at once (staff). Recorded as a web return, RECEIVED; its address is in the Location header",
          tags: ["order", "returns"],
        },
      },
    );
}
