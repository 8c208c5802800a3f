/**
 * Trendyol's order webhooks as the sandbox plays them: a seller registers a URL with BASIC or
 * x-api-key auth, and every package created or changed is POSTed there with the order model.
 * Fire and forget; a failed delivery (no 2xx, or no answer) is retried every 5 minutes as
 * Trendyol does, scaled by the sandbox's time scale, a few times before it is given up.
 */
import { TRENDYOL } from "@pazarsync/backend/src/domains/marketplace/trendyol/facts";

export type WebhookAuth = { type: "BASIC"; username: string; password: string } | { type: "API_KEY"; apiKey: string };

export interface WebhookTarget {
  url: string;
  auth: WebhookAuth;
}

export interface WebhookDelivery {
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

  /** Sends the package to the seller's webhook, if one is registered; returns at once. */
  notify(sellerId: string, packageId: number, status: string, payload: unknown): void {
    const target = this.targets.get(sellerId);
    if (!target) return;
    const delivery: WebhookDelivery = { packageId, status, attempts: 0, delivered: false, lastHttpStatus: null };
    this.log.push(delivery);
    void this.attempt(target, delivery, JSON.stringify(payload));
  }

  /** Forgets pending retries (the sandbox is stopping). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(target: WebhookTarget, delivery: WebhookDelivery, body: string): Promise<void> {
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
    if (delivery.delivered || delivery.attempts > RETRIES) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(target, delivery, body);
    }, this.scaled(TRENDYOL.webhookRetryMs));
    timer.unref?.();
    this.timers.add(timer);
  }
}
