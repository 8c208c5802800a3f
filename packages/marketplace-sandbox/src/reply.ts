/** Turning a sandbox answer into what the server sends. */
import type { Reply } from "./module";

export function toResponse(reply: Reply): Response {
  if (reply.text !== undefined) return new Response(reply.text, { status: reply.status, headers: { "content-type": "text/plain; charset=utf-8", ...reply.headers } });
  if (reply.body === undefined) return new Response(null, { status: reply.status, headers: reply.headers });
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { "content-type": "application/json; charset=utf-8", ...reply.headers },
  });
}

/**
 * A connection cut after the marketplace processed the request (the classic unknown outcome):
 * a body that fails before its first byte makes Bun reset the socket, so the client gets no status.
 */
export function droppedConnection(): Response {
  return new Response(new ReadableStream({ start: (controller) => controller.error() }));
}

/** An error answer of the control routes, in the API's error envelope. */
export const problem = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message } } });
