import { Elysia } from "elysia";
import { OrderCommands as C } from "@pazarsync/shared";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "../identity/guard";
import type { IdentityService } from "../identity/service";
import type { OrderService } from "./service";

const staffOnly = requireRole("staff", "admin");

/** /api/v1/order-commands: the outbox of what marketplaces are told, and its dead letters (staff). */
export function orderCommandController(deps: { orders: OrderService; identity: IdentityService }) {
  const { orders } = deps;
  return new Elysia({ name: "order-commands", prefix: "/api/v1/order-commands", detail: { tags: ["order"] } })
    .use(identityGuard(deps.identity))
    .get("", ({ query }) => orders.listCommands(query), {
      ...staffOnly,
      query: C.CommandListQuery,
      response: { 200: C.CommandList, ...errors(401, 403, 422) },
      detail: { summary: "Order commands by state (FAILED: the dead letters) and store, latest change first (staff)" },
    })
    .post("/:id/retry", ({ params }) => orders.retryCommand(params.id), {
      ...staffOnly,
      params: C.CommandParams,
      response: { 200: C.Command, ...errors(401, 403, 404, 409, 422) },
      detail: { summary: "Send a FAILED command again, with a fresh retry budget (staff). 404 ORDER_COMMAND_NOT_FOUND, 409 ORDER_COMMAND_NOT_FAILED" },
    });
}
