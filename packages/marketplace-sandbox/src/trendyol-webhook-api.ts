/**
 * Trendyol's webhook API as the fixtures trendyol/webhook-*.json show it, after the gateway's
 * auth, User-Agent and quota checks (trendyol-routes.ts):
 *   GET    /integration/webhook/sellers/{id}/webhooks                  bare array, no secrets
 *   POST   .../webhooks                                                { url, username?, password?, authenticationType, apiKey?, subscribedStatuses? } -> { id }
 *   PUT    .../webhooks/{webhookId}                                    same body, a full replace -> 200, no body
 *   DELETE .../webhooks/{webhookId}                                    -> 200, no body
 *   PUT    .../webhooks/{webhookId}/activate | /deactivate             -> 200, no body
 * A sixteenth hook (PASSIVE ones count) is refused 400 with no body, as the limit fixture shows;
 * other refusals are 400 in the gateway's error envelope, an unknown id 404.
 */
import { randomUUID } from "node:crypto";
import { TRENDYOL_WEBHOOKS } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";
import type { Reply } from "./module";
import type { SandboxState } from "./state";
import type { ApiWebhook } from "./trendyol-orders-webhooks";

export const WEBHOOKS = /^\/integration\/webhook\/sellers\/([^/]+)\/webhooks(?:\/([^/]+)(?:\/(activate|deactivate))?)?$/;

const refused = (message: string): Reply => ({ status: 400, body: { errors: [{ key: "webhook.invalid", message }] } });
const notFound = (): Reply => ({ status: 404, body: { errors: [{ key: "webhook.not.found", message: "Webhook bulunamadı" }] } });
const ok = (): Reply => ({ status: 200 });

type Fields = Pick<ApiWebhook, "url" | "username" | "password" | "apiKey" | "authenticationType" | "subscribedStatuses">;

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);

/** The create / update body, checked as webhook-model states the rules; a string is the refusal. */
function fieldsOf(raw: string): Fields | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return "the body is not JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "the body must be an object";
  const b = body as Record<string, unknown>;
  const url = text(b.url);
  if (!url || !/^https?:\/\//.test(url)) return "url is required";
  if (TRENDYOL_WEBHOOKS.forbiddenUrlWords.some((word) => url.toLowerCase().includes(word))) return "url must not contain Trendyol, Dolap or Localhost";
  const type = b.authenticationType;
  if (type !== "BASIC_AUTHENTICATION" && type !== "API_KEY") return "authenticationType must be BASIC_AUTHENTICATION or API_KEY";
  const [username, password, apiKey] = [text(b.username), text(b.password), text(b.apiKey)];
  if (type === "BASIC_AUTHENTICATION" && (!username || !password)) return "username and password are mandatory with BASIC_AUTHENTICATION";
  if (type === "API_KEY" && !apiKey) return "apiKey is mandatory with API_KEY";
  const statuses = b.subscribedStatuses ?? [];
  if (!Array.isArray(statuses) || statuses.some((s) => !(TRENDYOL_WEBHOOKS.statuses as readonly unknown[]).includes(s))) return "subscribedStatuses holds an unknown status";
  // Empty: every status, including ones added later.
  return { url, username, password, apiKey, authenticationType: type, subscribedStatuses: statuses.length === 0 ? null : (statuses as string[]) };
}

function listed(hook: ApiWebhook) {
  const { id, createdDate, lastModifiedDate, url, username, authenticationType, status, subscribedStatuses } = hook;
  return { id, createdDate, lastModifiedDate, url, username, authenticationType, status, subscribedStatuses };
}

export function handleWebhookApi(state: SandboxState, sellerId: string, method: string, match: RegExpExecArray, body: string, now: number): Reply {
  const hooks = state.trendyolWebhooks.hooksOf(sellerId);
  const [, , webhookId, action] = match;
  if (webhookId === undefined) {
    if (method === "GET") return { status: 200, body: hooks.map(listed) };
    if (method !== "POST") return { status: 405 };
    const fields = fieldsOf(body);
    if (typeof fields === "string") return refused(fields);
    if (hooks.length >= TRENDYOL_WEBHOOKS.maxPerSeller) return { status: 400 };
    const hook: ApiWebhook = { id: randomUUID(), ...fields, status: "ACTIVE", createdDate: now, lastModifiedDate: null };
    hooks.push(hook);
    return { status: 200, body: { id: hook.id } };
  }
  const hook = hooks.find((h) => h.id === decodeURIComponent(webhookId));
  if (action !== undefined) {
    if (method !== "PUT") return { status: 405 };
    if (!hook) return notFound();
    hook.status = action === "activate" ? "ACTIVE" : "PASSIVE";
    hook.lastModifiedDate = now;
    return ok();
  }
  if (method === "DELETE") {
    if (!hook) return notFound();
    hooks.splice(hooks.indexOf(hook), 1);
    return ok();
  }
  if (method !== "PUT") return { status: 405 };
  if (!hook) return notFound();
  const fields = fieldsOf(body);
  if (typeof fields === "string") return refused(fields);
  Object.assign(hook, fields, { lastModifiedDate: now });
  return ok();
}
