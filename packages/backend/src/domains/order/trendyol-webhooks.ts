/**
 * Trendyol order webhooks for one store: deliveries carry the same order model as the stream (one
 * package, or a page envelope of them), are
 * authenticated per store (webhook-auth.ts) and taken in before they are answered, so the answer
 * tells the truth. Idempotent like the pull. An order intake cannot read (no order number nor package id, lines it
 * cannot read, too many or none) is recorded NEEDS_ATTENTION and answered 200: Trendyol delivers
 * again on any non-2xx, and a refusal of a delivery that will never change would repeat forever
 * with nothing recorded. Only a fault of ours that may pass (Postgres or the stock locks away) is
 * answered 503, so Trendyol delivers it again.
 */
import { AppError } from "../../infra/errors";
import { WebhookIntakeUnavailable, WebhookUnauthorised } from "./errors";
import type { StoreService } from "../catalog/service";
import { normaliseTrendyolPackage } from "../marketplace/service";
import { Uuid } from "@pazarsync/shared";
import { type FeedDeps, type FeedOutcome, feedOrder } from "./marketplace-feed";
import { webhookAuthorised } from "./webhook-auth";

const UUID = new RegExp(Uuid.pattern ?? "^$");

export interface TrendyolWebhookDeps extends FeedDeps {
  stores: Pick<StoreService, "findStore" | "credentialsFor">;
  now?: () => number;
  /** After a delivery was taken in (the needing-attention gauge); must not throw. */
  afterIntake?: () => Promise<void>;
}

const refused = () => new WebhookUnauthorised();

function unavailable(deps: TrendyolWebhookDeps, error: unknown, storeId: string, step: string): AppError {
  if (error instanceof AppError && error.status < 500) return error;
  deps.log.error({ err: error, storeId, step }, "webhook delivery not taken in; answered 503 for Trendyol to deliver again");
  return new WebhookIntakeUnavailable();
}

/**
 * The packages of a delivery. Published clients disagree on its body: one package (vahaponur/
 * trendyol-go) or the order list's page envelope `{ ..., content: [package] }` (loncadev/lonca);
 * both are read (fixtures webhook-delivery*.json).
 */
function packagesOf(body: unknown): unknown[] {
  if (typeof body === "object" && body !== null && "content" in body && Array.isArray(body.content)) return body.content;
  return [body];
}

export function createTrendyolWebhooks(deps: TrendyolWebhookDeps) {
  const now = deps.now ?? Date.now;
  return {
    /** Throws 401 WEBHOOK_UNAUTHORISED unless the store is a Trendyol store and the request carries its webhook secret; 503 when that cannot be checked now. */
    async authenticate(storeId: string, headers: { authorization: string | null; apiKey: string | null }): Promise<string> {
      const id = storeId.toLowerCase();
      if (!UUID.test(id)) throw refused();
      try {
        const store = await deps.stores.findStore(id);
        if (!store || store.type !== "TRENDYOL") throw refused();
        if (!webhookAuthorised(await deps.stores.credentialsFor(id), headers)) throw refused();
      } catch (error) {
        throw unavailable(deps, error, id, "authenticate");
      }
      return id;
    },

    /**
     * Reads the delivery (one package, or a page envelope of them) and takes its packages in, in
     * order, whatever they hold (what cannot be read is recorded NEEDS_ATTENTION); answers what
     * became of each.
     */
    async accept(storeId: string, body: unknown): Promise<{ externalId: string; status: string; outcome: FeedOutcome }[]> {
      const received = new Date(now());
      const accepted: { externalId: string; status: string; outcome: FeedOutcome }[] = [];
      for (const raw of packagesOf(body)) {
        const order = normaliseTrendyolPackage(raw, received);
        let result: Awaited<ReturnType<typeof feedOrder>>;
        try {
          result = await feedOrder(deps, { storeId, marketplace: "TRENDYOL", source: "webhook" }, order);
        } catch (error) {
          throw unavailable(deps, error, storeId, "intake");
        }
        if (result.outcome !== "duplicate") await deps.afterIntake?.();
        accepted.push({ externalId: result.externalOrderId, status: order.marketplaceStatus, outcome: result.outcome });
      }
      return accepted;
    },
  };
}

export type TrendyolWebhooks = ReturnType<typeof createTrendyolWebhooks>;
