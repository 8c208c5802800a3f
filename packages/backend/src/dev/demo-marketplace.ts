/**
 * The dev demo's marketplace side: a buyer ordering on one of the sandbox marketplaces (through
 * the sandbox's control routes, as a test would), the order pulled in at once the way the pull
 * loop would a minute later, and what every marketplace shows now.
 */
import type { Logger } from "../infra/logger";
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { Services } from "../services";
import type { DemoStore } from "./demo-seed";

export interface DemoLine {
  barcode: string;
  quantity: number;
  /** Minor units. */
  unitPrice: number;
}

/** Places an order on the store's sandbox marketplace; answers the marketplace's order id. */
async function orderOnSandbox(sandbox: RunningSandbox, store: DemoStore, line: DemoLine): Promise<string> {
  const trendyol = store.type === "TRENDYOL";
  const path = trendyol ? `/__sandbox/sellers/${store.account}/orders` : `/__sandbox/marketplaces/${store.type.toLowerCase()}/${store.account}/orders`;
  const lines = trendyol ? [line] : [{ code: line.barcode, quantity: line.quantity, unitPrice: line.unitPrice }];
  const res = await fetch(`${sandbox.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ lines }) });
  if (res.status !== 201) throw new Error(`the sandbox refused the demo order: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { shipmentPackageId?: number; id?: string };
  return String(body.shipmentPackageId ?? body.id);
}

/** A buyer orders on `store`'s marketplace and the order is taken in; answers intake's outcomes. */
export async function marketplaceOrder(services: Services, sandbox: RunningSandbox, store: DemoStore, line: DemoLine, log: Logger) {
  const orderId = await orderOnSandbox(sandbox, store, line);
  const report = await services.orderIntake.pullStore(store.storeId);
  const outcomes = report.pulled ? report.outcomes : { skipped: report.reason };
  log.info({ marketplace: store.type, orderId, barcode: line.barcode, quantity: line.quantity, outcomes }, "demo: marketplace order taken in");
  return outcomes;
}

/** What each marketplace shows now, by product name. */
export function shownEverywhere(sandbox: RunningSandbox, stores: readonly DemoStore[], names: ReadonlyMap<string, string>): Record<string, Record<string, number>> {
  const named = (quantities: Iterable<[string, number]>) => Object.fromEntries([...quantities].map(([barcode, qty]) => [names.get(barcode) ?? barcode, qty]));
  return Object.fromEntries(
    stores.map((store) => {
      if (store.type === "TRENDYOL") return [store.type, named(sandbox.state.sellers.get(store.account)?.quantities ?? [])];
      const shown = sandbox.state.marketplace(store.type)?.shown(store.account, Date.now());
      return [store.type, named(Object.entries(shown?.quantities ?? {}))];
    }),
  );
}
