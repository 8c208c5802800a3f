/**
 * Makes the seller's Trendyol webhooks hold exactly one of ours, as asked: list first (no source
 * documents what a second create with the same URL does), then update ours when what Trendyol
 * shows (or the secret, which it never shows) differs, activate it when Trendyol has set it
 * PASSIVE after failed deliveries, or create it. Ours is the hook at our URL, or the one we
 * registered before (by id) when our URL changed. Hooks of the seller's other integrations are
 * never touched, so at the limit of 15 with none ours this fails and says so.
 */
import { MarketplaceConfigInvalid, MarketplaceRefused, MarketplaceWebhookLimitReached } from "../errors";
import { TRENDYOL_WEBHOOKS } from "./facts";
import { type TrendyolWebhook, type TrendyolWebhookApi, type TrendyolWebhookSpec, webhookUrlProblems } from "./webhooks";

export interface WebhookRegistrationInput {
  spec: TrendyolWebhookSpec;
  /** The id we registered last time, when there is one: followed when our URL has changed since. */
  knownWebhookId?: string | null;
  /** The secret (password or api key) differs from the one last registered: Trendyol's copy must be replaced. */
  secretChanged: boolean;
}

export type WebhookAction = "created" | "updated" | "activated" | "removed-duplicate" | "unchanged";

export interface WebhookRegistrationResult {
  webhookId: string;
  actions: WebhookAction[];
}

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

function sameStatuses(shown: readonly string[] | null, wanted: readonly string[]): boolean {
  // null shows a hook subscribed to every status: not what we ask for.
  if (shown === null) return false;
  const a = new Set(shown);
  return a.size === new Set(wanted).size && wanted.every((s) => a.has(s));
}

/** True when Trendyol's copy differs from the spec in something the list shows. */
function differs(hook: TrendyolWebhook, spec: TrendyolWebhookSpec): boolean {
  if (!sameUrl(hook.url, spec.url) || hook.authenticationType !== spec.auth.type) return true;
  if (spec.auth.type === "BASIC_AUTHENTICATION" && hook.username !== spec.auth.username) return true;
  return !sameStatuses(hook.subscribedStatuses, spec.subscribedStatuses);
}

function specProblems(spec: TrendyolWebhookSpec): string[] {
  const problems = webhookUrlProblems(spec.url);
  const known = new Set<string>(TRENDYOL_WEBHOOKS.statuses);
  if (spec.subscribedStatuses.length === 0) problems.push("subscribedStatuses must name the statuses (empty subscribes to every status)");
  for (const status of spec.subscribedStatuses) if (!known.has(status)) problems.push(`${status} is not a Trendyol webhook status`);
  return problems;
}

/** Ours: the hook at our URL (an ACTIVE one first), else the one we registered before. */
function findOurs(hooks: readonly TrendyolWebhook[], input: WebhookRegistrationInput): { ours?: TrendyolWebhook; duplicates: TrendyolWebhook[] } {
  const atUrl = hooks.filter((h) => sameUrl(h.url, input.spec.url));
  const ordered = [...atUrl].sort((a, b) => Number(b.id === input.knownWebhookId) - Number(a.id === input.knownWebhookId) || Number(b.status === "ACTIVE") - Number(a.status === "ACTIVE"));
  const ours = ordered[0] ?? hooks.find((h) => h.id === input.knownWebhookId);
  return { ours, duplicates: ordered.slice(1) };
}

async function createOurs(api: TrendyolWebhookApi, hooks: readonly TrendyolWebhook[], spec: TrendyolWebhookSpec): Promise<string> {
  if (hooks.length >= TRENDYOL_WEBHOOKS.maxPerSeller) throw new MarketplaceWebhookLimitReached("TRENDYOL", TRENDYOL_WEBHOOKS.maxPerSeller, null);
  try {
    return await api.create(spec);
  } catch (error) {
    // A 400 with one place left means another integration took it since the list (the only 400 a source names).
    if (error instanceof MarketplaceRefused && error.httpStatus === 400 && hooks.length + 1 >= TRENDYOL_WEBHOOKS.maxPerSeller) {
      throw new MarketplaceWebhookLimitReached("TRENDYOL", TRENDYOL_WEBHOOKS.maxPerSeller, 400, error.reasons);
    }
    throw error;
  }
}

/** Idempotent: run again with the same input, it lists and changes nothing. Marketplace errors are thrown as they come. */
export async function registerTrendyolWebhook(api: TrendyolWebhookApi, input: WebhookRegistrationInput): Promise<WebhookRegistrationResult> {
  const problems = specProblems(input.spec);
  if (problems.length > 0) throw new MarketplaceConfigInvalid("Trendyol webhook", problems);
  const hooks = await api.list();
  const { ours, duplicates } = findOurs(hooks, input);
  if (!ours) return { webhookId: await createOurs(api, hooks, input.spec), actions: ["created"] };

  const actions: WebhookAction[] = [];
  // Two hooks at our URL would deliver every package twice and hold two of the seller's 15 places.
  for (const extra of duplicates) {
    await api.remove(extra.id);
    actions.push("removed-duplicate");
  }
  if (input.secretChanged || differs(ours, input.spec)) {
    await api.update(ours.id, input.spec);
    actions.push("updated");
  }
  if (ours.status === "PASSIVE") {
    await api.activate(ours.id);
    actions.push("activated");
  }
  return { webhookId: ours.id, actions: actions.length > 0 ? actions : ["unchanged"] };
}
