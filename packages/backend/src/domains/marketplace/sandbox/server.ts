import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "../../../infra/logger";
import { handleControl } from "./control-routes";
import type { SandboxOptions } from "./options";
import { SandboxState } from "./state";
import { handleTrendyol, type Incoming, type Reply, routeOf } from "./trendyol-routes";

export interface RunningSandbox {
  /** Base URL to give a store (or an adapter), e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  state: SandboxState;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

function send(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(reply.body));
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

/** Trendyol endpoints with faults: latency first, 503s before processing, drops after it. */
async function serveTrendyol(state: SandboxState, incoming: Incoming, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const write = routeOf(incoming.path).endpoint === "price-and-inventory";
  if (write) state.pendingWrites += 1;
  try {
    await answerTrendyol(state, incoming, req, res);
  } finally {
    if (write) state.pendingWrites -= 1;
  }
}

async function answerTrendyol(state: SandboxState, incoming: Incoming, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const receivedAt = new Date();
  if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
  const injected5xx = state.random() < state.faults.status5xxRate;
  const handled = injected5xx
    ? { ...routeOf(incoming.path), reply: { status: 503, body: { errors: [{ key: "service.unavailable", message: "Service Unavailable" }] } }, itemCount: 0, batchRequestId: undefined }
    : handleTrendyol(state, incoming, Date.now());
  const dropped = !injected5xx && state.random() < state.faults.dropRate;
  state.record({
    method: incoming.method,
    path: incoming.path,
    sellerId: handled.sellerId,
    endpoint: handled.endpoint,
    receivedAt: receivedAt.toISOString(),
    answeredAt: new Date().toISOString(),
    itemCount: handled.itemCount,
    status: dropped ? null : handled.reply.status,
    ...(handled.batchRequestId ? { batchRequestId: handled.batchRequestId } : {}),
    ...("bodyHash" in handled && handled.bodyHash ? { bodyHash: handled.bodyHash } : {}),
  });
  if (dropped) req.socket.destroy();
  else send(res, handled.reply);
}

/**
 * The marketplace sandbox: a stand-in for Trendyol's seller API that keeps what it was told, for
 * tests and the demo (DESIGN.md, "Marketplaces"). Nothing in production points at it.
 */
export async function startSandbox(options: SandboxOptions = {}, log?: Logger): Promise<RunningSandbox> {
  const state = new SandboxState(options);
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (body === undefined) return send(res, { status: 413, body: { errors: [{ key: "payload.too.large", message: "Payload too large" }] } });
      const path = new URL(req.url ?? "/", "http://sandbox").pathname;
      const incoming: Incoming = { method: req.method ?? "GET", path, headers: headersOf(req), body };
      if (path.startsWith("/__sandbox/")) return send(res, handleControl(state, incoming, Date.now()));
      await serveTrendyol(state, incoming, req, res);
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
