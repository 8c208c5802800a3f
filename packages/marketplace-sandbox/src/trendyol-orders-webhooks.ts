/**
 * Trendyol's order webhooks as the sandbox plays them: hooks registered through the webhook API
 * (trendyol-webhook-api.ts; at most 15 per seller, ACTIVE or PASSIVE, each subscribed to some
 * statuses or, with none named, to all) and the control route's one target per seller (a hook set
 * up by hand). Every package created or changed is POSTed with the order model to the control
 * target and to each ACTIVE hook subscribed to its status, with the hook's BASIC or x-api-key auth.
 * Fire and forget; a failed delivery (no 2xx, or no answer) is retried every 5 minutes as Trendyol
 * does, scaled by the sandbox's time scale, a few times before it is given up, and then the API
 * hook goes PASSIVE (Trendyol: after 13 failures, FAQ 2026-04-09).
 */
import { TRENDYOL } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";

export type WebhookAuth = { type: "BASIC"; username: string; password: string } | { type: "API_KEY"; apiKey: string };

export interface WebhookTarget {
  url: string;
  auth: WebhookAuth;
}

/** A hook registered through the webhook API, secrets included (the list never shows them). */
export interface ApiWebhook {
  id: string;
  url: string;
  username: string | null;
  password: string | null;
  apiKey: string | null;
  authenticationType: "BASIC_AUTHENTICATION" | "API_KEY";
  status: "ACTIVE" | "PASSIVE";
  /** Null: every status. */
  subscribedStatuses: string[] | null;
  createdDate: number;
  lastModifiedDate: number | null;
}

/** A package status as subscribedStatuses names it; Repack has no name there (only "every status" gets it). */
const SUBSCRIBED_NAME: Record<string, string> = {
  Created: "CREATED",
  Picking: "PICKING",
  Invoiced: "INVOICED",
  Shipped: "SHIPPED",
  Cancelled: "CANCELLED",
  Delivered: "DELIVERED",
  UnDelivered: "UNDELIVERED",
  Returned: "RETURNED",
  UnSupplied: "UNSUPPLIED",
  UnPacked: "UNPACKED",
  AtCollectionPoint: "AT_COLLECTION_POINT",
};

function targetOf(hook: ApiWebhook): WebhookTarget {
  return hook.authenticationType === "API_KEY"
    ? { url: hook.url, auth: { type: "API_KEY", apiKey: hook.apiKey ?? "" } }
    : { url: hook.url, auth: { type: "BASIC", username: hook.username ?? "", password: hook.password ?? "" } };
}

export interface WebhookDelivery {
  /** The API hook it went to; null for the control route's target. */
  webhookId: string | null;
  packageId: number;
  status: string;
  attempts: number;
  delivered: boolean;
  /** The receiver's last HTTP status; null when it did not answer. */
  lastHttpStatus: number | null;
}

/** Deliveries after the first; Trendyol does not document how many it makes. */
const RETRIES = 3;
const DELIVERY_TIMEOUT_MS = 10_000;

function authHeaders(auth: WebhookAuth): Record<string, string> {
  if (auth.type === "API_KEY") return { "x-api-key": auth.apiKey };
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` };
}

export class TrendyolWebhooks {
  private readonly targets = new Map<string, WebhookTarget>();
  /** sellerId -> hooks registered through the API, oldest first. */
  readonly hooks = new Map<string, ApiWebhook[]>();
  private readonly log: WebhookDelivery[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** `scaled` turns a marketplace duration into the sandbox's (divided by the time scale). */
  constructor(private readonly scaled: (ms: number) => number) {}

  register(sellerId: string, target: WebhookTarget): void {
    this.targets.set(sellerId, target);
  }

  remove(sellerId: string): boolean {
    return this.targets.delete(sellerId);
  }

  deliveries(packageIds?: ReadonlySet<number>): WebhookDelivery[] {
    return this.log.filter((d) => !packageIds || packageIds.has(d.packageId)).map((d) => ({ ...d }));
  }

  hooksOf(sellerId: string): ApiWebhook[] {
    let hooks = this.hooks.get(sellerId);
    if (!hooks) {
      hooks = [];
      this.hooks.set(sellerId, hooks);
    }
    return hooks;
  }

  /** Sends the package to the seller's control target and to each ACTIVE API hook subscribed to its status; returns at once. */
  notify(sellerId: string, packageId: number, status: string, payload: unknown): void {
    const body = JSON.stringify(payload);
    const target = this.targets.get(sellerId);
    if (target) this.send(target, { webhookId: null, packageId, status, attempts: 0, delivered: false, lastHttpStatus: null }, body);
    const name = SUBSCRIBED_NAME[status];
    for (const hook of this.hooks.get(sellerId) ?? []) {
      if (hook.status !== "ACTIVE") continue;
      if (hook.subscribedStatuses !== null && (name === undefined || !hook.subscribedStatuses.includes(name))) continue;
      this.send(targetOf(hook), { webhookId: hook.id, packageId, status, attempts: 0, delivered: false, lastHttpStatus: null }, body, () => {
        hook.status = "PASSIVE";
      });
    }
  }

  private send(target: WebhookTarget, delivery: WebhookDelivery, body: string, givenUp?: () => void): void {
    this.log.push(delivery);
    void this.attempt(target, delivery, body, givenUp);
  }

  /** Forgets pending retries (the sandbox is stopping). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(target: WebhookTarget, delivery: WebhookDelivery, body: string, givenUp?: () => void): Promise<void> {
    delivery.attempts += 1;
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeaders(target.auth) },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      delivery.lastHttpStatus = response.status;
      await response.arrayBuffer();
      delivery.delivered = response.ok;
    } catch {
      delivery.lastHttpStatus = null;
    }
    if (delivery.delivered) return;
    if (delivery.attempts > RETRIES) return givenUp?.();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(target, delivery, body, givenUp);
    }, this.scaled(TRENDYOL.webhookRetryMs));
    timer.unref?.();
    this.timers.add(timer);
  }
}
