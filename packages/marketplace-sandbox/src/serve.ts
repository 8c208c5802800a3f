/**
 * Serving a marketplace request with the sandbox's faults, the same for every marketplace:
 * latency first, then 503s before anything is processed, then dropped connections after
 * processing (the classic unknown outcome). Every request is recorded for inspection.
 */
import type { MarketplaceName } from "@pazarsync/backend/src/domains/marketplace/types";
import type { Incoming, ModuleHandled, Reply } from "./module";
import type { SandboxState } from "./state";
import { handleTrendyol, routeOf } from "./trendyol-routes";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The answer when the connection is to be cut after processing: the client sees a reset, not a status. */
export const DROPPED = Symbol("dropped connection");

interface Route {
  marketplace: MarketplaceName;
  write: boolean;
  /** What an injected 503 is recorded as, before the marketplace looked at the request. */
  unprocessed: Pick<ModuleHandled, "account" | "endpoint">;
  handle(now: number): ModuleHandled;
}

function routeFor(state: SandboxState, incoming: Incoming): Route {
  const module = state.marketplaces.find((m) => m.owns(incoming.path));
  if (module) {
    return {
      marketplace: module.name,
      // Until handled, a write is any request that is not a read; the module's answer says for sure.
      write: incoming.method !== "GET",
      unprocessed: { account: null, endpoint: "unknown" },
      handle: (now) => module.handle(incoming, now),
    };
  }
  const trendyol = routeOf(incoming.path);
  return {
    marketplace: "TRENDYOL",
    write: trendyol.endpoint === "price-and-inventory",
    unprocessed: { account: trendyol.sellerId, endpoint: trendyol.endpoint },
    handle: (now) => {
      const handled = handleTrendyol(state, incoming, now);
      return { ...handled, account: handled.sellerId, write: handled.endpoint === "price-and-inventory", batchId: handled.batchRequestId };
    },
  };
}

export async function serveMarketplace(state: SandboxState, incoming: Incoming): Promise<Reply | typeof DROPPED> {
  const route = routeFor(state, incoming);
  if (route.write) state.pendingWrites += 1;
  try {
    const receivedAt = new Date();
    if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
    const injected5xx = state.random() < state.faults.status5xxRate;
    const handled: ModuleHandled = injected5xx
      ? { ...route.unprocessed, write: route.write, itemCount: 0, reply: { status: 503, body: { errors: [{ key: "service.unavailable", message: "Service Unavailable" }] } } }
      : route.handle(state.now());
    const dropped = !injected5xx && state.random() < state.faults.dropRate;
    state.record({
      marketplace: route.marketplace,
      method: incoming.method,
      path: incoming.path,
      sellerId: handled.account,
      endpoint: handled.endpoint,
      receivedAt: receivedAt.toISOString(),
      answeredAt: new Date().toISOString(),
      itemCount: handled.itemCount,
      status: dropped ? null : handled.reply.status,
      ...(handled.batchId ? { batchRequestId: handled.batchId } : {}),
      ...(handled.bodyHash ? { bodyHash: handled.bodyHash } : {}),
    });
    return dropped ? DROPPED : handled.reply;
  } finally {
    if (route.write) state.pendingWrites -= 1;
  }
}
