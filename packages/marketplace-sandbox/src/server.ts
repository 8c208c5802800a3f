/**
 * The marketplace sandbox: a stand-in for the marketplaces' seller APIs (Trendyol, and those
 * registered in marketplaces.ts) that keeps what it was told, for tests and the demo (DESIGN.md,
 * "Marketplaces"). Nothing in production points at it.
 *
 * One Elysia app: the control routes under /__sandbox (TypeBox bodies), and every other path
 * handed whole to the marketplace it belongs to. Those stay plain handlers rather than Elysia
 * routes because each marketplace's gateway checks in its own order and wording (route, method,
 * auth, quota, then body), which a schema validated before the handler would reorder.
 */
import { Elysia, ValidationError } from "elysia";
import type { Logger } from "@pazarsync/backend/src/infra/logger";
import { controlRoutes } from "./control-routes";
import { incomingOf } from "./incoming";
import type { SandboxOptions } from "./options";
import { droppedConnection, problem, toResponse } from "./reply";
import { DROPPED, serveMarketplace } from "./serve";
import { SandboxState } from "./state";

export interface RunningSandbox {
  /** Base URL to give a store (or an adapter), e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  state: SandboxState;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

const tooLarge = () => toResponse({ status: 413, body: { errors: [{ key: "payload.too.large", message: "Payload too large" }] } });

/** A control route's refused input, in the API's error envelope; a path parameter outside its pattern is no route at all. */
function refusedInput(error: ValidationError): Response {
  if (error.type === "params") return toResponse(problem(404, "NOT_FOUND", "No such route"));
  const first = error.valueError;
  return toResponse(problem(422, "VALIDATION_FAILED", first ? `${first.path || "body"}: ${first.message}` : error.message));
}

async function marketplaceRequest(state: SandboxState, request: Request): Promise<Response> {
  const incoming = await incomingOf(request);
  if (Buffer.byteLength(incoming.body) > MAX_BODY_BYTES) return tooLarge();
  const reply = await serveMarketplace(state, incoming);
  return reply === DROPPED ? droppedConnection() : toResponse(reply);
}

export function sandboxApp(state: SandboxState, log?: Logger) {
  return new Elysia({ normalize: false })
    .onError(({ code, error }) => {
      if (error instanceof ValidationError) return refusedInput(error);
      if (code === "PARSE") return toResponse(problem(422, "VALIDATION_FAILED", "the body is not JSON"));
      log?.error({ err: error }, "sandbox request failed");
      return toResponse({ status: 500, body: { errors: [{ key: "internal.error", message: "Sandbox error" }] } });
    })
    .use(controlRoutes(state))
    .all("*", ({ request }) => marketplaceRequest(state, request), { parse: "none" });
}

export async function startSandbox(options: SandboxOptions = {}, log?: Logger): Promise<RunningSandbox> {
  const state = new SandboxState(options);
  const host = options.host ?? "127.0.0.1";
  const app = sandboxApp(state, log).listen({ port: options.port ?? 0, hostname: host, maxRequestBodySize: MAX_BODY_BYTES * 2 });
  const port = app.server?.port;
  if (port === undefined) throw new Error("the sandbox has no TCP port");
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log?.info({ url, timeScale: state.timeScale, sellers: state.sellers.size }, "marketplace sandbox listening");
  return {
    url,
    port,
    state,
    stop: async () => {
      await app.stop(true);
    },
  };
}
