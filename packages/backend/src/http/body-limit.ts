import { Elysia } from "elysia";
import { PayloadTooLarge } from "./errors";
import { readAtMost } from "../infra/bounded-read";
import { isJsonContentType, parseJsonBody } from "./json-depth";

/** Reads a body without Content-Length (chunked) and stops at the first byte past the limit. */
async function readWithin(body: ReadableStream<Uint8Array>, limitBytes: number): Promise<Uint8Array> {
  const bytes = await readAtMost(body, limitBytes);
  if (!bytes) throw new PayloadTooLarge(limitBytes);
  return bytes;
}

/** What Elysia's own parser would make of these bytes, for the content types it knows. */
async function parseBuffered(bytes: Uint8Array, contentType: string): Promise<unknown> {
  const buffered = new Response(bytes, { headers: { "content-type": contentType } });
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (isJsonContentType(type)) return parseJsonBody(await buffered.text());
  if (type.startsWith("text/")) return buffered.text();
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(await buffered.text()));
  if (type === "multipart/form-data") return buffered.formData();
  return buffered.arrayBuffer();
}

/**
 * 413 PAYLOAD_TOO_LARGE for bodies over the limit: from Content-Length before anything is read,
 * and for chunked bodies while they are read (the parse hook below reads them under the limit).
 * Bun's maxRequestBodySize (main.ts) is the backstop under both.
 */
export function bodyLimitPlugin(options: { limitBytes: number }) {
  const { limitBytes } = options;
  return new Elysia({ name: "body-limit" })
    .onRequest(({ request }) => {
      const declared = request.headers.get("content-length");
      if (declared !== null && Number(declared) > limitBytes) throw new PayloadTooLarge(limitBytes);
    })
    .onParse({ as: "global" }, async ({ request }, contentType) => {
      // With a Content-Length the onRequest check has already bounded it: Elysia parses as usual.
      if (request.body === null || request.headers.has("content-length")) return;
      return parseBuffered(await readWithin(request.body, limitBytes), contentType);
    });
}
