// The typed client of the Pazarsync API, on Elysia's Eden treaty. Only the backend's *type* is
// imported: clients get every route, body and answer typed without any backend runtime code.
import { treaty, type Treaty } from "@elysiajs/eden";
import type { App } from "../../backend/src/app";

/** Anything that answers a Request without a socket: the app itself, or a test wrapper of it. */
export interface RequestHandler {
  handle(request: Request): Promise<Response>;
}

export interface ClientOptions {
  /** Sent as `Authorization: Bearer <token>`; a function is asked before every request (token refresh). */
  token?: string | (() => string | undefined);
  /** Extra headers on every request (e.g. `x-forwarded-for` behind a trusted proxy in tests). */
  headers?: Record<string, string>;
  /** Replaces the global fetch when the target is a URL (tests, instrumentation). */
  fetcher?: (input: string, init: RequestInit) => Promise<Response>;
}

export type Client = Treaty.Create<App>;

/** The origin used when requests go straight to a handler: it never leaves the process. */
const IN_PROCESS_ORIGIN = "http://localhost";

/**
 * `createClient("https://api.example.com", { token })` or, in process, `createClient(app)`.
 * Dates stay ISO strings (parseDate off) so answers match the documented wire types exactly.
 */
export function createClient(target: string | RequestHandler, options: ClientOptions = {}): Client {
  const fetcher =
    typeof target === "string" ? options.fetcher : (input: string, init: RequestInit) => target.handle(new Request(input, init));
  const base = typeof target === "string" ? target : IN_PROCESS_ORIGIN;
  return treaty<App>(base, {
    parseDate: false,
    // Eden types its fetcher as the global fetch; ours takes the (url, init) pair Eden always passes.
    fetcher: fetcher as typeof fetch | undefined,
    headers: () => {
      const token = typeof options.token === "function" ? options.token() : options.token;
      return { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
    },
  });
}
