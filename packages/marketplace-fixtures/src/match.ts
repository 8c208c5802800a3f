/**
 * Compares what an adapter sends with what a fixture's source shows, and serves the fixture's
 * answers in order. Names are exact (a wrong query parameter name is silently ignored by the real
 * services, so it must fail here); values are checked only where the fixture gives a literal.
 */
import type { Exchange, Fixture, FixtureRequest } from "./fixture";
import { xmlMismatches } from "./xml";

type JsonShape = "null" | "boolean" | "number" | "string" | "array" | "object";

function shapeOf(value: unknown): JsonShape {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  const kind = typeof value;
  return kind === "boolean" || kind === "number" || kind === "string" ? kind : "object";
}

function isPlaceholder(value: string): boolean {
  return /^<[^<>]+>$/.test(value);
}

/**
 * Shape differences between a fixture value and an actual one. `sent`: the actual may leave keys
 * out but not add or retype them (a request). `answered`: the actual must hold every key the
 * fixture shows, with the same type (an answer the sandbox gives).
 */
export function shapeMismatches(expected: unknown, actual: unknown, mode: "sent" | "answered", at = "body"): string[] {
  const want = shapeOf(expected);
  const got = shapeOf(actual);
  if (want === "null") return [];
  if (got !== want) return [`${at}: ${want} expected, ${got} found`];
  if (want === "array") {
    const sample = (expected as unknown[])[0];
    if (sample === undefined) return [];
    return (actual as unknown[]).flatMap((item, index) => shapeMismatches(sample, item, mode, `${at}[${index}]`));
  }
  if (want !== "object") return [];
  const wantObject = expected as Record<string, unknown>;
  const gotObject = actual as Record<string, unknown>;
  const problems: string[] = [];
  const keys = mode === "sent" ? Object.keys(gotObject) : Object.keys(wantObject);
  for (const key of keys) {
    if (mode === "sent" && !(key in wantObject)) problems.push(`${at}.${key}: not in the source`);
    else if (mode === "answered" && !(key in gotObject)) problems.push(`${at}.${key}: missing`);
    else problems.push(...shapeMismatches(wantObject[key], gotObject[key], mode, `${at}.${key}`));
  }
  return problems;
}

function pathMatches(template: string, path: string): boolean {
  const pattern = template
    .split("/")
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${pattern}$`).test(decodeURI(path));
}

/** What a request sent, as the matcher reads it. */
export interface SentRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
}

/** Every way a sent request differs from the fixture's request; empty when it matches. */
export function requestMismatches(expected: FixtureRequest, sent: SentRequest): string[] {
  const problems: string[] = [];
  if (sent.method.toUpperCase() !== expected.method) problems.push(`method: ${expected.method} expected, ${sent.method} sent`);
  if (!pathMatches(expected.path, sent.url.pathname)) problems.push(`path: ${expected.path} expected, ${sent.url.pathname} sent`);
  const query = expected.query ?? {};
  const optional = new Set(expected.optionalQuery ?? []);
  for (const name of new Set(sent.url.searchParams.keys())) {
    if (!(name in query)) problems.push(`query: ${name} is not in the source`);
  }
  for (const [name, value] of Object.entries(query)) {
    const got = sent.url.searchParams.get(name);
    if (got === null) {
      if (!optional.has(name)) problems.push(`query: ${name} missing`);
    } else if (!isPlaceholder(value) && got !== value) problems.push(`query: ${name}=${value} expected, ${got} sent`);
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const got = sent.headers.get(name);
    if (got === null) problems.push(`header: ${name} missing`);
    else if (!isPlaceholder(value) && got !== value) problems.push(`header: ${name}: ${value} expected, ${got} sent`);
  }
  problems.push(...bodyMismatches(expected, sent.body));
  return problems;
}

function bodyMismatches(expected: FixtureRequest, body: string | undefined): string[] {
  if (expected.bodyText !== undefined) return body ? xmlMismatches(expected.bodyText, body, "sent") : ["body: missing"];
  if (expected.form) {
    const sent = new URLSearchParams(body ?? "");
    const problems = [...sent.keys()].filter((name) => !(name in (expected.form ?? {}))).map((name) => `form: ${name} is not in the source`);
    for (const [name, value] of Object.entries(expected.form)) {
      const got = sent.get(name);
      if (got === null) problems.push(`form: ${name} missing`);
      else if (!isPlaceholder(value) && got !== value) problems.push(`form: ${name}=${value} expected, ${got} sent`);
    }
    return problems;
  }
  if (expected.body === undefined) return body ? ["body: none in the source, one sent"] : [];
  if (body === undefined || body === "") return ["body: missing"];
  try {
    return shapeMismatches(expected.body, JSON.parse(body), "sent");
  } catch {
    return ["body: not JSON"];
  }
}

/** Serves a fixture's exchanges in order to an adapter, recording every mismatch. */
export interface FixtureServer {
  fetch: typeof fetch;
  /** Every request sent, in order. */
  sent: SentRequest[];
  /** "exchange N: problem" lines; empty when every request matched its exchange. */
  mismatches: string[];
  /** Exchanges not yet asked for. */
  remaining(): number;
}

async function bodyText(input: Request | string | URL, init?: RequestInit): Promise<string | undefined> {
  if (init?.body !== undefined && init.body !== null) return typeof init.body === "string" ? init.body : await new Response(init.body).text();
  if (input instanceof Request) return (await input.text()) || undefined;
  return undefined;
}

/**
 * A fetch that answers each request with the next exchange of the given fixtures. A request that
 * does not match gets a 400 naming the problems (and they are recorded), so an adapter cannot
 * read an answer its request would not have earned.
 */
export function serveFixtures(...fixtures: Array<Fixture | Exchange[]>): FixtureServer {
  const queue: Exchange[] = fixtures.flatMap((item) => (Array.isArray(item) ? item : item.exchanges));
  const sent: SentRequest[] = [];
  const mismatches: string[] = [];
  let served = 0;
  const serve = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const request: SentRequest = {
      method: init?.method ?? (input instanceof Request ? input.method : "GET"),
      url,
      headers: new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)),
      body: await bodyText(input, init),
    };
    sent.push(request);
    const exchange = queue[served];
    served += 1;
    if (!exchange) {
      mismatches.push(`request ${served}: ${request.method} ${url.pathname} past the fixture's last exchange`);
      return Response.json({ fixtureMismatch: ["no exchange left"] }, { status: 400 });
    }
    const problems = requestMismatches(exchange.request, request);
    if (problems.length > 0) {
      mismatches.push(...problems.map((problem) => `exchange ${served}: ${problem}`));
      return Response.json({ fixtureMismatch: problems }, { status: 400 });
    }
    if (exchange.response.bodyText !== undefined) {
      return new Response(exchange.response.bodyText, { status: exchange.response.status, headers: { "content-type": "text/xml; charset=utf-8", ...(exchange.response.headers ?? {}) } });
    }
    const body = exchange.response.body;
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status: exchange.response.status,
      headers: { "content-type": "application/json", ...(exchange.response.headers ?? {}) },
    });
  };
  return { fetch: serve as typeof fetch, sent, mismatches, remaining: () => queue.length - served };
}
