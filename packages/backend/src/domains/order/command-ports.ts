/**
 * Which marketplace a store's order commands go to, and through which port: the store's adapter's
 * `orderCommands`, built from the store's settings with its calls reported to the api log. Tests
 * bring their own (a port that records calls) through the same seam.
 */
import type { Stores } from "@pazarsync/shared";
import { AppError } from "../../infra/errors";
import type { StoreService } from "../catalog/service";
import type { CommandKind, CommandSupport, OrderCommandPort } from "../marketplace/order-commands";
import { type ApiCallHook, createMarketplaceAdapter, type MarketplaceAdapter, type MarketplaceStoreSettings } from "../marketplace/service";
import type { AdapterProfile, MarketplaceName } from "../marketplace/types";

/** A store's way to its marketplace for order commands. */
export interface CommandChannel {
  storeId: string;
  marketplace: MarketplaceName;
  /** The adapter's rate limits (the buckets a command pays into); absent with the port. */
  profile?: AdapterProfile;
  /** Absent: the store's adapter has no order commands yet; every step is recorded NOT_SUPPORTED. */
  port?: OrderCommandPort;
}

/** The seam: storeId -> its channel; undefined for a web store (its orders get no command) or a missing one. */
export type CommandPorts = (storeId: string) => Promise<CommandChannel | undefined>;

/** What a step's command is recorded with when the store's adapter offers no port. */
export function supportOf(channel: CommandChannel, kind: CommandKind): CommandSupport {
  if (!channel.port) return { supported: false, source: `no order commands written for ${channel.marketplace}` };
  return channel.port.support(kind);
}

export interface CommandPortDeps {
  stores: Pick<StoreService, "findStore" | "credentialsFor">;
  onCall?: (storeId: string) => ApiCallHook;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Store settings -> adapter; the marketplace domain's factory unless a caller brings its own. */
  createAdapter?: (settings: MarketplaceStoreSettings) => MarketplaceAdapter;
}

/** A marketplace store's adapter built from its settings now (credentials may change between calls); a settings error is thrown. */
export async function storeAdapter(deps: CommandPortDeps, store: Stores.Store): Promise<MarketplaceAdapter> {
  return (deps.createAdapter ?? createMarketplaceAdapter)({
    type: store.type,
    sellerId: store.sellerId,
    baseUrl: store.baseUrl,
    credentials: await deps.stores.credentialsFor(store.id),
    timeoutMs: deps.timeoutMs,
    fetch: deps.fetch,
    onCall: deps.onCall?.(store.id),
  });
}

/** The default seam: the store's adapter, built per call (credentials may change between commands). */
export function adapterCommandPorts(deps: CommandPortDeps): CommandPorts {
  return async (storeId) => {
    const store: Stores.Store | undefined = await deps.stores.findStore(storeId);
    if (!store || store.type === "WEB") return undefined;
    let adapter: MarketplaceAdapter;
    try {
      adapter = await storeAdapter(deps, store);
    } catch (error) {
      // Settings the seller has to fix (or a marketplace without an adapter): no port, recorded NOT_SUPPORTED.
      if (error instanceof AppError && error.status < 500) return { storeId, marketplace: store.type as MarketplaceName };
      throw error;
    }
    return { storeId, marketplace: adapter.marketplace, profile: adapter.profile, port: adapter.orderCommands };
  };
}
