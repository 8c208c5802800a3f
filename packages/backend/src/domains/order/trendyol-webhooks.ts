/**
 * Trendyol order webhooks for one store (issue 7): deliveries carry the same order model as the
 * stream, are authenticated per store (webhook-auth.ts), answered at once and taken in after the
 * answer. Idempotent like the pull; a failure is logged and left to the pull.
 */
import { Unauthenticated, ValidationFailed } from "../../infra/errors";
import type { StoreService } from "../catalog/service";
import { normaliseTrendyolPackage } from "../marketplace/service";
import { Uuid } from "@pazarsync/shared";
import type { IntakeQueue } from "./intake-queue";
import { type FeedDeps, feedOrder } from "./marketplace-feed";
import { webhookAuthorised } from "./webhook-auth";

/** Store types that speak Trendyol's API (SANDBOX stores talk to the sandbox's Trendyol). */
const TRENDYOL_TYPES = new Set(["TRENDYOL", "SANDBOX"]);
const UUID = new RegExp(Uuid.pattern ?? "^$");

export interface TrendyolWebhookDeps extends FeedDeps {
  stores: Pick<StoreService, "findStore" | "credentialsFor">;
  queue: IntakeQueue;
  now?: () => number;
}

/** One answer for every refusal, so a caller cannot tell a missing store from a wrong secret. */
const refused = () => new Unauthenticated("The webhook credentials are not valid for this store", "WEBHOOK_UNAUTHORISED");

export function createTrendyolWebhooks(deps: TrendyolWebhookDeps) {
  const now = deps.now ?? Date.now;
  return {
    /** Throws 401 WEBHOOK_UNAUTHORISED unless the store is a Trendyol store and the request carries its webhook secret. */
    async authenticate(storeId: string, headers: { authorization: string | null; apiKey: string | null }): Promise<string> {
      const id = storeId.toLowerCase();
      if (!UUID.test(id)) throw refused();
      const store = await deps.stores.findStore(id);
      if (!store || !TRENDYOL_TYPES.has(store.type)) throw refused();
      if (!webhookAuthorised(await deps.stores.credentialsFor(id), headers)) throw refused();
      return id;
    },

    /** Reads the package now (422 when it cannot be recorded) and takes it in after the answer. */
    accept(storeId: string, body: unknown): { externalId: string; status: string } {
      const order = normaliseTrendyolPackage(body, new Date(now()));
      if (!order) {
        throw new ValidationFailed("The package has no id or no line with a barcode and quantity", {}, "WEBHOOK_PACKAGE_UNREADABLE");
      }
      deps.queue.enqueue({ storeId, externalOrderId: order.externalId }, () =>
        feedOrder(deps, { storeId, marketplace: "TRENDYOL", source: "webhook" }, order),
      );
      return { externalId: order.externalId, status: order.marketplaceStatus };
    },
  };
}

export type TrendyolWebhooks = ReturnType<typeof createTrendyolWebhooks>;
