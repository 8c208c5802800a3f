/**
 * Who may deliver a store's Trendyol webhooks: the store's encrypted credentials hold either
 * `webhookUsername` + `webhookPassword` (HTTP Basic) or `webhookApiKey` (x-api-key), the values
 * the seller gave Trendyol when registering the webhook. Compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** Equal-length digests, so neither the length nor the first differing byte shows in the timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function basicCredentials(header: string | null): { username: string; password: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** True when the request carries the store's webhook secret; false when the store has none set. */
export function webhookAuthorised(credentials: Record<string, string> | undefined, headers: { authorization: string | null; apiKey: string | null }): boolean {
  if (!credentials) return false;
  const { webhookUsername, webhookPassword, webhookApiKey } = credentials;
  if (webhookApiKey && headers.apiKey !== null && sameSecret(headers.apiKey, webhookApiKey)) return true;
  const basic = basicCredentials(headers.authorization);
  if (webhookUsername && webhookPassword && basic) {
    // Both compared always, so a right username with a wrong password takes as long as neither.
    const user = sameSecret(basic.username, webhookUsername);
    const password = sameSecret(basic.password, webhookPassword);
    return user && password;
  }
  return false;
}

/**
 * True when the Basic header carries exactly this username and password (Hepsiburada's order push:
 * the store's `hbPushUsername` / `hbPushPassword`); false when either is unset.
 */
export function basicAuthorised(header: string | null, username: string | undefined, password: string | undefined): boolean {
  const basic = basicCredentials(header);
  if (!username || !password || !basic) return false;
  const user = sameSecret(basic.username, username);
  const secret = sameSecret(basic.password, password);
  return user && secret;
}
