/** A request as the marketplace modules read it: plain values, no framework. */
import type { Incoming } from "./module";

/** Headers by lower-case name, the query parsed (a repeated name: the last wins) and the body as text. */
export async function incomingOf(request: Request): Promise<Incoming> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: await request.text() };
}
