import { Elysia } from "elysia";
import { clientIp } from "../../http/client-ip";
import { errorResponses as errors } from "../../http/responses";
import { identityGuard, requireRole } from "./guard";
import { IdentityModel } from "./model";
import type { IdentityService, RequestOrigin } from "./service";

/**
 * /api/v1/auth: sign-up, login, token refresh, logout, the caller and their sessions.
 * /api/v1/admin/users: staff and admins are created here, by an admin, never by sign-up.
 * /api/v1/admin/email-lookalikes: accounts left unmerged because their emails look alike.
 */
export function identityController(deps: { identity: IdentityService; trustProxy: boolean }) {
  const { identity } = deps;
  const origin = (request: Request, server: Parameters<typeof clientIp>[1]): RequestOrigin => ({
    ip: clientIp(request, server, deps.trustProxy),
    userAgent: request.headers.get("user-agent") ?? undefined,
  });
  return new Elysia({ name: "identity", prefix: "/api/v1", detail: { tags: ["identity"] } })
    .use(identityGuard(identity))
    .post(
      "/auth/register",
      async ({ body, request, server, set }) => {
        set.status = 201;
        return identity.register(body, origin(request, server));
      },
      {
        body: IdentityModel.RegisterBody,
        response: { 201: IdentityModel.User, ...errors(400, 409, 422, 429) },
        detail: { summary: "Create a customer account" },
      },
    )
    .post("/auth/login", ({ body, request, server }) => identity.login(body, origin(request, server)), {
      body: IdentityModel.LoginBody,
      response: { 200: IdentityModel.Tokens, ...errors(400, 401, 422, 429) },
      detail: { summary: "Log in: a new session with an access and a refresh token" },
    })
    .post("/auth/refresh", ({ body }) => identity.refresh(body.refreshToken), {
      body: IdentityModel.RefreshBody,
      response: { 200: IdentityModel.Tokens, ...errors(400, 401, 422) },
      detail: { summary: "Swap a refresh token for a new pair; a reused token revokes the session" },
    })
    .post(
      "/auth/logout",
      async ({ caller, set }) => {
        await identity.logout(caller);
        set.status = 204;
        return null;
      },
      {
        auth: true,
        response: { 204: IdentityModel.NoContent, ...errors(401) },
        detail: { summary: "End this session; its access token is refused at once everywhere" },
      },
    )
    .get("/auth/me", ({ caller }) => identity.me(caller), {
      auth: true,
      response: { 200: IdentityModel.Me, ...errors(401) },
      detail: { summary: "The caller's account" },
    })
    .get("/auth/sessions", ({ caller }) => identity.listSessions(caller), {
      auth: true,
      response: { 200: IdentityModel.SessionList, ...errors(401) },
      detail: { summary: "The caller's active sessions (at most 3)" },
    })
    .delete(
      "/auth/sessions/:id",
      async ({ caller, params, set }) => {
        await identity.revokeOwnSession(caller, params.id);
        set.status = 204;
        return null;
      },
      {
        auth: true,
        params: IdentityModel.SessionParams,
        response: { 204: IdentityModel.NoContent, ...errors(401, 404, 422) },
        detail: { summary: "Revoke one of the caller's sessions" },
      },
    )
    .post(
      "/admin/users",
      async ({ body, caller, set }) => {
        set.status = 201;
        return identity.createUser(body, caller);
      },
      {
        ...requireRole("admin"),
        body: IdentityModel.CreateUserBody,
        response: { 201: IdentityModel.User, ...errors(400, 401, 403, 409, 422) },
        detail: { summary: "Create a customer, staff or admin account" },
      },
    )
    .get("/admin/email-lookalikes", () => identity.listEmailLookalikes(), {
      ...requireRole("admin"),
      response: { 200: IdentityModel.EmailLookalikeList, ...errors(401, 403) },
      detail: { summary: "Accounts whose emails equal or look like an older account's, by id: left unmerged for an operator" },
    });
}
