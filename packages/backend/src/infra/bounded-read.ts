/**
 * Reads a body stream to its end, or stops (and cancels the stream) at the first byte past
 * `limitBytes`: undefined then. For bodies whose length is not declared, or not trusted.
 */
export async function readAtMost(body: ReadableStream<Uint8Array>, limitBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
