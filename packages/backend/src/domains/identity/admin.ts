import { Elysia } from "elysia";
import { errorResponses } from "../../http/responses";
import { identityGuard, requireRole } from "./guard";
import { IdentityModel } from "./model";
import type { IdentityService } from "./service";

/** /api/v1/admin/users: staff and admins are created here, by an admin, never by sign-up. */
export function adminUsersController(deps: { identity: IdentityService }) {
  return new Elysia({ name: "identity-admin", prefix: "/api/v1/admin", detail: { tags: ["identity"] } })
    .use(identityGuard(deps.identity))
    .post(
      "/users",
      async ({ body, caller, set }) => {
        set.status = 201;
        return deps.identity.createUser(body, caller);
      },
      {
        ...requireRole("admin"),
        body: IdentityModel.CreateUserBody,
        response: { 201: IdentityModel.User, ...errorResponses(400, 401, 403, 409, 422) },
        detail: { summary: "Create a customer, staff or admin account" },
      },
    );
}
