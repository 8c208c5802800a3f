import { Elysia } from "elysia";

/** Our API answers JSON only: nothing it serves may load, frame or submit anything. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The Scalar page @elysiajs/swagger serves at /swagger: its script from cdn.jsdelivr.net (pinned in
 * docs.ts), inline <style> blocks and runtime-injected styles, the Inter fonts from
 * fonts.scalar.com, and the spec fetched from this origin. Nothing else.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src https://cdn.jsdelivr.net",
  "style-src 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.scalar.com",
  "font-src https://fonts.scalar.com data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

export const DOCS_PAGE_PATH = "/swagger";

/** The headers every answer carries, whoever builds it (the hook below, or the timeout). */
export function securityHeaders(pathname: string, hsts: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "content-security-policy": pathname === DOCS_PAGE_PATH ? DOCS_CSP : API_CSP,
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
  };
  // Only production is certain to sit behind TLS; HSTS on a plain-http dev host would stick in browsers.
  if (hsts) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

/** The path of a request URL without parsing the whole URL (this runs on every request). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  return query < 0 ? url.slice(start) : url.slice(start, query);
}

/**
 * Set at onRequest, so Elysia merges them into every answer: handlers' results, errors, 404s and
 * early answers from later hooks (429, 413, preflights).
 */
export function securityHeadersPlugin(options: { hsts: boolean }) {
  return new Elysia({ name: "security-headers" }).onRequest(({ request, set }) => {
    Object.assign(set.headers, securityHeaders(pathOf(request.url), options.hsts));
  });
}
