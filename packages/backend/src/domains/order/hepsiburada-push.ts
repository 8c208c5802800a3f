/**
 * Hepsiburada's order push for one store (fixtures hepsiburada/order-push, order-cancel-push):
 * Hepsiburada calls the base URL the seller gave its integration team with Basic auth (the
 * store's encrypted credentials `hbPushUsername` / `hbPushPassword`, compared in constant time);
 * there is no signature and no registration API. Pushes are read into the pull's own deliveries
 * (push-normaliser.ts), so a pushed order and the same order pulled are one order with one
 * reservation, and a pushed cancellation and its pulled record release once. Taken in before the
 * answer, so a 2xx means it is in Postgres. What intake cannot read is recorded NEEDS_ATTENTION and
 * answered 2xx (Hepsiburada publishes no retry policy; a refusal risks the push being dropped, and
 * one that will never change helps nobody); only a fault of ours that may pass is 503.
 */
import { AppError } from "../../infra/errors";
import { Uuid } from "@pazarsync/shared";
import type { StoreService } from "../catalog/service";
import { type NormalisedOrder, pushedCancellationOf, pushedOrdersOf } from "../marketplace/service";
import { WebhookIntakeUnavailable, WebhookUnauthorised } from "./errors";
import { type FeedDeps, type FeedOutcome, feedOrder } from "./marketplace-feed";
import { basicAuthorised } from "./webhook-auth";

const UUID = new RegExp(Uuid.pattern ?? "^$");

export interface HepsiburadaPushDeps extends FeedDeps {
  stores: Pick<StoreService, "findStore" | "credentialsFor">;
  now?: () => number;
  /** After a push was taken in (the needing-attention gauge); must not throw. */
  afterIntake?: () => Promise<void>;
}

export interface PushedOrder {
  externalOrderId: string;
  outcome: FeedOutcome;
}

const refused = () => new WebhookUnauthorised();

export function createHepsiburadaPush(deps: HepsiburadaPushDeps) {
  const now = deps.now ?? Date.now;

  function unavailable(error: unknown, storeId: string, step: string): AppError {
    if (error instanceof AppError && error.status < 500) return error;
    deps.log.error({ err: error, storeId, step }, "Hepsiburada push not taken in; answered 503 for Hepsiburada to send it again");
    return new WebhookIntakeUnavailable();
  }

  async function feed(storeId: string, order: NormalisedOrder): Promise<PushedOrder> {
    let result: Awaited<ReturnType<typeof feedOrder>>;
    try {
      result = await feedOrder(deps, { storeId, marketplace: "HEPSIBURADA", source: "webhook" }, order);
    } catch (error) {
      throw unavailable(error, storeId, "intake");
    }
    if (result.outcome !== "duplicate") await deps.afterIntake?.();
    return { externalOrderId: result.externalOrderId, outcome: result.outcome };
  }

  return {
    /** Throws 401 WEBHOOK_UNAUTHORISED unless the store is a Hepsiburada store and the request carries its push credentials; 503 when that cannot be checked now. */
    async authenticate(storeId: string, authorization: string | null): Promise<string> {
      const id = storeId.toLowerCase();
      if (!UUID.test(id)) throw refused();
      try {
        const store = await deps.stores.findStore(id);
        if (!store || store.type !== "HEPSIBURADA") throw refused();
        const credentials = await deps.stores.credentialsFor(id);
        if (!basicAuthorised(authorization, credentials?.hbPushUsername, credentials?.hbPushPassword)) throw refused();
      } catch (error) {
        throw unavailable(error, id, "authenticate");
      }
      return id;
    },

    /** An order push: every order of its lines taken in, in order; answers what became of each. */
    async acceptOrders(storeId: string, body: { items?: unknown[] }): Promise<PushedOrder[]> {
      const accepted: PushedOrder[] = [];
      for (const order of pushedOrdersOf(body.items, body, new Date(now()))) accepted.push(await feed(storeId, order));
      return accepted;
    },

    /** A cancellation push of some units of one line. */
    acceptCancellation(storeId: string, lineItemId: string, body: unknown): Promise<PushedOrder> {
      return feed(storeId, pushedCancellationOf(lineItemId, body, new Date(now())));
    },
  };
}

export type HepsiburadaPush = ReturnType<typeof createHepsiburadaPush>;
