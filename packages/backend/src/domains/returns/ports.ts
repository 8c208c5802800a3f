/**
 * A store's way back to its marketplace (the adapter's OrderCommandPort), resolved from the store's
 * settings each time it is needed, the way the order pull builds its adapter: credentials change,
 * and a port is cheap to build. A WEB store, or an adapter without a port, has none. Unlike the
 * order steps' seam, a store whose settings cannot build an adapter answers that error: staff
 * deciding a return are told to fix the settings rather than the decision being left unsent.
 */
import type { OrderCommandPort } from "../marketplace/order-commands";
import { type CommandPortDeps, storeAdapter } from "../order/command-ports";

export type PortFor = (storeId: string) => Promise<OrderCommandPort | undefined>;

export type PortDeps = CommandPortDeps;

export function createPortFor(deps: PortDeps): PortFor {
  return async (storeId) => {
    const store = await deps.stores.findStore(storeId);
    if (!store || store.type === "WEB") return undefined;
    return (await storeAdapter(deps, store)).orderCommands;
  };
}
