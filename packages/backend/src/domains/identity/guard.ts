import { Elysia } from "elysia";
import { Forbidden } from "../../infra/errors";
import type { Role } from "./model";
import type { Caller, IdentityService } from "./service";

/**
 * The guard every domain uses: `{ auth: true }` on a route resolves the caller (401 otherwise),
 * `requireRole("staff", "admin")` also checks the role (403 otherwise). The caller arrives in
 * the handler's context as `caller`.
 */
export function identityGuard(identity: Pick<IdentityService, "authenticate">) {
  return new Elysia({ name: "identity-guard" }).macro({
    auth: (roles: true | readonly Role[]) => ({
      detail: { security: [{ bearerAuth: [] }] },
      // request.headers.get, not the parsed `headers` object: Elysia then skips copying every header.
      async resolve({ request }): Promise<{ caller: Caller }> {
        const caller = await identity.authenticate(request.headers.get("authorization") ?? undefined);
        if (roles !== true && !roles.includes(caller.role)) {
          throw new Forbidden("Your role may not do this", { required: [...roles] });
        }
        return { caller };
      },
    }),
  });
}

/** Route options that admit only these roles: `.post("/x", handler, { ...requireRole("staff"), body })`. */
export function requireRole(...roles: readonly Role[]) {
  return { auth: roles };
}
