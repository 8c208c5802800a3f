import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "@pazarsync/backend/src/infra/logger";
import { handleControl } from "./control-routes";
import type { SandboxOptions } from "./options";
import { SandboxState } from "./state";
import type { Incoming } from "./module";
import { send, serveMarketplace } from "./serve";

export interface RunningSandbox {
  /** Base URL to give a store (or an adapter), e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  state: SandboxState;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

/**
 * The marketplace sandbox: a stand-in for the marketplaces' seller APIs (Trendyol, and those
 * registered in marketplaces.ts) that keeps what it was told, for tests and the demo (DESIGN.md, "Marketplaces"). Nothing in production points at it.
 */
export async function startSandbox(options: SandboxOptions = {}, log?: Logger): Promise<RunningSandbox> {
  const state = new SandboxState(options);
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (body === undefined) return send(res, { status: 413, body: { errors: [{ key: "payload.too.large", message: "Payload too large" }] } });
      const url = new URL(req.url ?? "/", "http://sandbox");
      const path = url.pathname;
      const incoming: Incoming = { method: req.method ?? "GET", path, query: Object.fromEntries(url.searchParams), headers: headersOf(req), body };
      if (path.startsWith("/__sandbox/")) return send(res, handleControl(state, incoming, state.now()));
      await serveMarketplace(state, incoming, req, res);
    })().catch((error: unknown) => {
      log?.error({ err: error }, "sandbox request failed");
      if (!res.headersSent) send(res, { status: 500, body: { errors: [{ key: "internal.error", message: "Sandbox error" }] } });
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the sandbox has no TCP address");
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  log?.info({ url, timeScale: state.timeScale, sellers: state.sellers.size }, "marketplace sandbox listening");
  return {
    url,
    port: address.port,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
