import { Elysia } from "elysia";
import { spanEnd, spanStart } from "../../infra/bench-spans";
import { Forbidden, Unauthenticated } from "../../infra/errors";
import type { Role } from "./model";
import type { Caller, IdentityService } from "./service";

/**
 * The guard every domain uses: `{ auth: true }` on a route resolves the caller (401 otherwise),
 * `requireRole("staff", "admin")` also checks the role (403 otherwise). The caller arrives in
 * the handler's context as `caller`.
 */
export function identityGuard(identity: Pick<IdentityService, "authenticate">) {
  // Checked in transform, which runs before schema validation: a caller without the right token or
  // role gets 401/403 and never the 422 that would describe a route's body (OWASP API5). The caller
  // is handed to resolve through the request object, which lives exactly as long as the request.
  const callers = new WeakMap<Request, Caller>();
  return new Elysia({ name: "identity-guard" }).macro({
    auth: (roles: true | readonly Role[]) => ({
      detail: { security: [{ bearerAuth: [] }] },
      // request.headers.get, not the parsed `headers` object: Elysia then skips copying every header.
      async transform({ request }) {
        const started = spanStart();
        const caller = await identity.authenticate(request.headers.get("authorization") ?? undefined);
        spanEnd("auth: token", started);
        if (roles !== true && !roles.includes(caller.role)) {
          throw new Forbidden("Your role may not do this", { required: [...roles] });
        }
        callers.set(request, caller);
      },
      resolve({ request }): { caller: Caller } {
        const caller = callers.get(request);
        if (!caller) throw new Unauthenticated();
        return { caller };
      },
    }),
  });
}

/** Route options that admit only these roles: `.post("/x", handler, { ...requireRole("staff"), body })`. */
export function requireRole(...roles: readonly Role[]) {
  return { auth: roles };
}
