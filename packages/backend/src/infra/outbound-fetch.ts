/**
 * Calls to hosts a user chose (a store's baseUrl) under one rule, applied both when the URL is
 * saved and again on every call (OWASP API7, SSRF). A name is resolved, every address it has
 * must be public, and the call connects to the address that was checked: Bun's fetch is given
 * the IP in the URL with the original Host header and TLS server name (the certificate is still
 * verified against the name), so a DNS answer that changes between the check and the connect
 * (rebinding) is never used.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isPublicAddress } from "./public-address";

export interface OutboundRule {
  /** Production's rule: https and public addresses only. Elsewhere: every http(s) host is allowed (the local sandbox). */
  publicOnly: boolean;
  /** Every address a host name resolves to (DNS by default; tests pass their own). */
  resolve?: (host: string) => Promise<string[]>;
}

/** The URL breaks the rule; `reason` says how, without the URL's credentials or query. */
export class OutboundRefused extends Error {
  constructor(readonly reason: string) {
    super(`the store's baseUrl is not allowed: ${reason}`);
    this.name = "OutboundRefused";
  }
}

const INTERNAL_SUFFIXES = [".localhost", ".local", ".localdomain", ".internal", ".home.arpa", ".lan", ".intranet", ".corp"];

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
}

/** The host as compared and resolved: no brackets, no trailing dot, lower case. */
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();

/**
 * Throws OutboundRefused when the URL breaks the rule; otherwise the address to connect to, or
 * undefined where the rule lets the name be resolved by fetch itself (outside production).
 */
export async function vetOutboundUrl(url: URL, rule: OutboundRule): Promise<string | undefined> {
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new OutboundRefused("only http and https are allowed");
  if (url.username || url.password) throw new OutboundRefused("credentials in the URL; send them as credentials");
  if (!rule.publicOnly) return undefined;
  if (url.protocol !== "https:") throw new OutboundRefused("production needs https");
  // URL() has normalised the host: IPv4 in any notation is dotted, IPv6 is bracketed and compressed.
  const host = bareHost(url);
  if (isIP(host)) {
    if (!isPublicAddress(host)) throw new OutboundRefused("the address is not public");
    return host;
  }
  if (!host.includes(".") || host === "localhost" || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    throw new OutboundRefused("the host name is internal");
  }
  let addresses: string[];
  try {
    addresses = await (rule.resolve ?? resolveAll)(host);
  } catch {
    throw new OutboundRefused("the host name does not resolve");
  }
  if (addresses.length === 0) throw new OutboundRefused("the host name does not resolve");
  // Every address, not just the one used: a name with even one internal address is refused.
  if (!addresses.every(isPublicAddress)) throw new OutboundRefused("the host name resolves to an address that is not public");
  return addresses.find((address) => isIP(address) === 4) ?? addresses[0];
}

type OutboundInit = BunFetchRequestInit;

/** The request aimed at `address`, still naming the host it was for (Host header and TLS SNI). */
export function pinnedRequest(url: URL, address: string, init: OutboundInit): [string, OutboundInit] {
  const pinned = new URL(url);
  pinned.hostname = isIP(address) === 6 ? `[${address}]` : address;
  const headers = new Headers(init.headers);
  headers.set("host", url.host);
  const tls = url.protocol === "https:" ? { ...init.tls, serverName: bareHost(url) } : init.tls;
  return [pinned.toString(), { ...init, headers, ...(tls ? { tls } : {}) }];
}

/** Waits for `work` unless the call's own deadline passes first (DNS has no signal of its own). */
async function beforeDeadline<T>(work: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/** A fetch for a store's marketplace host that applies the rule on every call (see the file comment). */
export function createOutboundFetch(rule: OutboundRule & { fetch?: typeof fetch }): typeof fetch {
  // The global fetch is looked up per call, as the adapters did before calls went through here.
  const send = (input: string | URL, init?: OutboundInit) => (rule.fetch ?? fetch)(input, init);
  const outbound = async (input: string | URL | Request, init?: OutboundInit): Promise<Response> => {
    // A Request would carry its own URL past the pinning; the adapters pass a URL and options.
    if (input instanceof Request) throw new TypeError("an outbound call takes a URL and options, not a Request");
    const url = new URL(input);
    const address = await beforeDeadline(vetOutboundUrl(url, rule), init?.signal);
    if (address === undefined || address === bareHost(url)) return send(url, init);
    const [pinnedUrl, pinnedInit] = pinnedRequest(url, address, init ?? {});
    return send(pinnedUrl, pinnedInit);
  };
  return Object.assign(outbound, { preconnect: fetch.preconnect });
}
