/**
 * A store's baseUrl is where our servers send its credentials and orders (OWASP API7, SSRF).
 * Everywhere: http(s) only and no user:password in the URL (it would be stored and shown in
 * clear). In production also: https only, and no host that is, or resolves to, a loopback,
 * private, link-local, carrier-grade NAT, multicast or reserved address (in any IPv6 form that
 * carries one), nor a single-label or internal name (`redis`, `*.internal`): a store must not
 * point our requests at our own network. Development and tests keep the local sandbox
 * (http://127.0.0.1:4199) allowed. Checked when the URL is saved, and again on every call by the
 * same rule (infra/outbound-fetch.ts), which connects to the address it checked; the marketplace
 * calls never follow redirects (answer-body.ts).
 */
import { StoreBaseUrlNotAllowed } from "./errors";
import { OutboundRefused, type OutboundRule, vetOutboundUrl } from "../../infra/outbound-fetch";

export { isPublicAddress } from "../../infra/public-address";

export type BaseUrlRule = OutboundRule;

/** Throws 422 STORE_BASE_URL_NOT_ALLOWED when the URL breaks the rule in force. */
export async function assertAllowedBaseUrl(baseUrl: string, rule: BaseUrlRule): Promise<void> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new StoreBaseUrlNotAllowed("not a URL");
  }
  try {
    await vetOutboundUrl(url, rule);
  } catch (error) {
    if (error instanceof OutboundRefused) throw new StoreBaseUrlNotAllowed(error.reason);
    throw error;
  }
}
