/**
 * Trendyol's webhook API, one call per function, as the fixtures trendyol/webhook-*.json show it:
 * create answers `{ id }`, list a bare array, and update / activate / deactivate / delete answer
 * "200 OK" with no body. No secret is ever echoed by the list, so it cannot tell us whether the
 * password or api key Trendyol holds is the one we have (the registrar keeps a fingerprint).
 */
import { MarketplaceOutcomeUnknown } from "../errors";
import { idText, isRecord } from "../json";
import { trendyolTransport, type TrendyolConfig } from "./adapter";
import { TRENDYOL_WEBHOOKS, trendyolPaths } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";

/** How Trendyol calls us: HTTP Basic with these, or the x-api-key header. */
export type TrendyolWebhookAuth = { type: "BASIC_AUTHENTICATION"; username: string; password: string } | { type: "API_KEY"; apiKey: string };

/** What we ask Trendyol to deliver, and where. */
export interface TrendyolWebhookSpec {
  url: string;
  auth: TrendyolWebhookAuth;
  /** Values of TRENDYOL_WEBHOOKS.statuses; never empty (empty subscribes to every status, future ones too). */
  subscribedStatuses: readonly string[];
}

/** A hook as the list shows it. */
export interface TrendyolWebhook {
  id: string;
  url: string;
  username: string | null;
  authenticationType: string;
  /** ACTIVE or PASSIVE (Trendyol sets PASSIVE after repeated failed deliveries). */
  status: string;
  /** Null: every status. */
  subscribedStatuses: string[] | null;
}

export interface TrendyolWebhookApi {
  list(): Promise<TrendyolWebhook[]>;
  /** Answers the new hook's id. Past the limit Trendyol answers 400 (MarketplaceRefused; the registrar reads it). */
  create(spec: TrendyolWebhookSpec): Promise<string>;
  /** A full replace: every field, the secret included, is sent again. */
  update(webhookId: string, spec: TrendyolWebhookSpec): Promise<void>;
  activate(webhookId: string): Promise<void>;
  deactivate(webhookId: string): Promise<void>;
  remove(webhookId: string): Promise<void>;
}

/** Only the keys the auth type needs (webhook-model: the other form's fields may be left out). */
export function webhookBody(spec: TrendyolWebhookSpec): string {
  const auth =
    spec.auth.type === "API_KEY"
      ? { authenticationType: "API_KEY", apiKey: spec.auth.apiKey }
      : { username: spec.auth.username, password: spec.auth.password, authenticationType: "BASIC_AUTHENTICATION" };
  return JSON.stringify({ url: spec.url, ...auth, subscribedStatuses: [...spec.subscribedStatuses] });
}

function webhookOf(entry: unknown): TrendyolWebhook | undefined {
  if (!isRecord(entry)) return undefined;
  const id = idText(entry.id);
  if (id === undefined || typeof entry.url !== "string") return undefined;
  const statuses = Array.isArray(entry.subscribedStatuses) ? entry.subscribedStatuses.filter((s): s is string => typeof s === "string") : null;
  return {
    id,
    url: entry.url,
    username: typeof entry.username === "string" ? entry.username : null,
    authenticationType: String(entry.authenticationType ?? ""),
    status: String(entry.status ?? ""),
    subscribedStatuses: statuses,
  };
}

/** The URL rules Trendyol states; a URL breaking them is refused before a call is made. */
export function webhookUrlProblems(url: string): string[] {
  const lower = url.toLowerCase();
  return TRENDYOL_WEBHOOKS.forbiddenUrlWords.filter((word) => lower.includes(word)).map((word) => `the webhook URL must not contain "${word}" (Trendyol's rule)`);
}

export function createTrendyolWebhookApi(config: TrendyolConfig): TrendyolWebhookApi {
  const transport: TrendyolTransport = trendyolTransport(config);
  const path = (webhookId?: string) => trendyolPaths.webhooks(config.sellerId, webhookId);
  const command = async (method: "PUT" | "DELETE", at: string, body?: string) => {
    await trendyolRequest(transport, { method, path: at, body, emptyAnswer: true, callType: "OTHER", itemCount: 0 });
  };

  return {
    async list() {
      const { status, body } = await trendyolRequest(transport, { method: "GET", path: path(), callType: "OTHER", itemCount: 0 });
      if (!Array.isArray(body)) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", status, "the webhook list is not a list");
      return body.flatMap((entry) => webhookOf(entry) ?? []);
    },

    async create(spec) {
      const answer = await trendyolRequest(transport, { method: "POST", path: path(), body: webhookBody(spec), callType: "OTHER", itemCount: 0 });
      const id = isRecord(answer.body) ? idText(answer.body.id) : undefined;
      // The hook may exist now: the next run finds it by its URL in the list.
      if (id === undefined) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", answer.status, "no webhook id in the answer");
      return id;
    },

    update: (webhookId, spec) => command("PUT", path(webhookId), webhookBody(spec)),
    activate: (webhookId) => command("PUT", `${path(webhookId)}/activate`),
    deactivate: (webhookId) => command("PUT", `${path(webhookId)}/deactivate`),
    remove: (webhookId) => command("DELETE", path(webhookId)),
  };
}
