/**
 * A store's baseUrl is where our servers send its credentials and orders (OWASP API7, SSRF).
 * Everywhere: http(s) only and no user:password in the URL (it would be stored and shown in
 * clear). In production also: https only, and no host that is, or resolves to, a loopback,
 * private, link-local, carrier-grade NAT, multicast or reserved address, nor a single-label or
 * internal name (`redis`, `*.internal`): a store must not point our requests at our own network.
 * Development and tests keep the local sandbox (http://127.0.0.1:4199) allowed.
 * Checked when the URL is saved; the marketplace calls never follow redirects (answer-body.ts).
 */
import { lookup } from "node:dns/promises";
import { isIPv4, isIPv6 } from "node:net";
import { ValidationFailed } from "../../infra/errors";

export interface BaseUrlRule {
  /** Production's rule: https and public hosts only. */
  publicOnly: boolean;
  /** Every address a host name resolves to (DNS by default; tests pass their own). */
  resolve?: (host: string) => Promise<string[]>;
}

const CODE = "STORE_BASE_URL_NOT_ALLOWED";

const refuse = (reason: string) =>
  new ValidationFailed(`The store's baseUrl is not allowed: ${reason}`, { field: "baseUrl", reason }, CODE);

// [first address, prefix length] of every IPv4 range that is not the public internet (RFC 6890).
const NON_PUBLIC_V4: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

const v4Number = (address: string) => address.split(".").reduce((n, part) => n * 256 + Number(part), 0);

function isPublicV4(address: string): boolean {
  const n = v4Number(address);
  return !NON_PUBLIC_V4.some(([first, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(v4Number(first) / 2 ** (32 - bits)));
}

/** The 8 groups of an IPv6 address (`::` expanded, a dotted IPv4 tail turned into two groups). */
function v6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/)?.[1];
  if (dotted) {
    const n = v4Number(dotted);
    text = text.slice(0, -dotted.length) + `${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const part = (s: string) => (s ? s.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function isPublicV6(address: string): boolean {
  const g = v6Groups(address);
  const [g0 = 0, , , , , g5 = 0, g6 = 0, g7 = 0] = g;
  const embeddedV4 = `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g5 === 0xffff || g5 === 0)) {
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), and :: / ::1 themselves.
    return g5 === 0xffff || g6 !== 0 ? isPublicV4(embeddedV4) : false;
  }
  if (g0 === 0x64 && g[1] === 0xff9b) return isPublicV4(embeddedV4); // NAT64
  if ((g0 & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((g0 & 0xff00) === 0xff00) return false; // multicast
  if (g0 === 0x2001 && g[1] === 0xdb8) return false; // documentation
  return true;
}

export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return isPublicV4(address);
  if (isIPv6(address)) return isPublicV6(address);
  return false;
}

const INTERNAL_SUFFIXES = [".localhost", ".local", ".localdomain", ".internal", ".home.arpa", ".lan", ".intranet", ".corp"];

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
}

/** Throws 422 STORE_BASE_URL_NOT_ALLOWED when the URL breaks the rule in force. */
export async function assertAllowedBaseUrl(baseUrl: string, rule: BaseUrlRule): Promise<void> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw refuse("not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw refuse("only http and https are allowed");
  if (url.username || url.password) throw refuse("credentials in the URL; send them as credentials");
  if (!rule.publicOnly) return;
  if (url.protocol !== "https:") throw refuse("production needs https");
  // URL() has normalised the host: IPv4 in any notation is dotted, IPv6 is bracketed and compressed.
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (isIPv4(host) || isIPv6(host)) {
    if (!isPublicAddress(host)) throw refuse("the address is not public");
    return;
  }
  if (!host.includes(".") || host === "localhost" || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    throw refuse("the host name is internal");
  }
  let addresses: string[];
  try {
    addresses = await (rule.resolve ?? resolveAll)(host);
  } catch {
    throw refuse("the host name does not resolve");
  }
  if (addresses.length === 0) throw refuse("the host name does not resolve");
  if (!addresses.every(isPublicAddress)) throw refuse("the host name resolves to an address that is not public");
}
