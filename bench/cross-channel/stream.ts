/**
 * One measured phase: orders placed at a fixed rate on each origin in turn (the five marketplaces
 * through the sandbox, and the web shop through the API as the baseline), each origin on a
 * product of its own so no other origin's order can make its quantity show early; a watcher
 * reads every marketplace's quantities and times each order until each OTHER marketplace shows
 * its product at or below the quantity the order leaves.
 */
import type { RunningSandbox } from "@pazarsync/marketplace-sandbox";
import type { MarketplaceName } from "../../packages/backend/src/domains/marketplace/types";
import { sleep } from "../sync/stats";
import { orderOn, shownEverywhere } from "./sandbox";
import { MARKETPLACES, type BenchMarketplace } from "./shop";

export type Origin = MarketplaceName | "WEB";

export interface TimedOrder {
  origin: Origin;
  barcode: string;
  /** What every marketplace should show for the product once this order is synced. */
  expected: number;
  placedAt: number;
  /** Destination -> ms from placement until it showed `expected` or less. */
  seenAfterMs: Map<MarketplaceName, number>;
}

export interface StreamShape {
  /** Orders per origin. */
  perOrigin: number;
  /** Each origin orders once per this many ms; origins take turns within it. */
  everyMs: number;
  /** How long after the last placement unseen orders are waited for. */
  waitMs: number;
  pollMs: number;
  stock: number;
}

interface WebOrderTarget {
  url: string;
  token: string;
  storeId: string;
}

const ORIGINS: readonly Origin[] = [...MARKETPLACES.map((m) => m.type), "WEB"];

export const destinationsOf = (origin: Origin): MarketplaceName[] => MARKETPLACES.map((m) => m.type).filter((d) => d !== origin);

async function placeWebOrder(web: WebOrderTarget, productId: string, key: string): Promise<void> {
  const res = await fetch(`${web.url}/api/v1/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${web.token}`, "idempotency-key": key },
    body: JSON.stringify({ storeId: web.storeId, items: [{ productId, quantity: 1 }] }),
  });
  if (res.status !== 201) throw new Error(`web order answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/**
 * Runs the phase. `products` gives each origin its product (id and barcode); quantities start at
 * `shape.stock` everywhere. Orders unseen at the end keep no entry for that destination.
 */
export async function runStream(
  sandbox: RunningSandbox,
  web: WebOrderTarget,
  products: Map<Origin, { productId: string; barcode: string }>,
  shape: StreamShape,
  progress: (line: string) => void,
): Promise<TimedOrder[]> {
  const orders: TimedOrder[] = [];
  const placements: Promise<void>[] = [];
  let watching = true;
  let watchError: unknown;
  const watcher = (async () => {
    while (watching) {
      try {
        const shown = await shownEverywhere(sandbox);
        const at = performance.now();
        for (const order of orders) {
          for (const destination of destinationsOf(order.origin)) {
            if (order.seenAfterMs.has(destination)) continue;
            const quantity = shown.get(destination)?.[order.barcode];
            if (quantity !== undefined && quantity <= order.expected) order.seenAfterMs.set(destination, at - order.placedAt);
          }
        }
      } catch (error) {
        watchError = error;
      }
      await sleep(shape.pollMs);
    }
  })();

  const placed = new Map<Origin, number>();
  const started = performance.now();
  const total = shape.perOrigin * ORIGINS.length;
  for (let i = 0; i < total; i++) {
    const origin = ORIGINS[i % ORIGINS.length] as Origin;
    const wait = started + (i * shape.everyMs) / ORIGINS.length - performance.now();
    if (wait > 0) await sleep(wait);
    const product = products.get(origin);
    if (!product) throw new Error(`no product for ${origin}`);
    const count = (placed.get(origin) ?? 0) + 1;
    placed.set(origin, count);
    const order: TimedOrder = { origin, barcode: product.barcode, expected: shape.stock - count, placedAt: performance.now(), seenAfterMs: new Map() };
    orders.push(order);
    const m = MARKETPLACES.find((x) => x.type === origin) as BenchMarketplace | undefined;
    placements.push(m ? orderOn(sandbox, m, product.barcode, 1) : placeWebOrder(web, product.productId, `xc-${Date.now()}-${i}`));
    if ((i + 1) % ORIGINS.length === 0) progress(`placed ${i + 1}/${total}`);
  }
  await Promise.all(placements);
  const deadline = performance.now() + shape.waitMs;
  const unseen = () => orders.some((o) => destinationsOf(o.origin).some((d) => !o.seenAfterMs.has(d)));
  while (unseen() && performance.now() < deadline) await sleep(250);
  watching = false;
  await watcher;
  if (watchError && unseen()) throw watchError;
  return orders;
}

export { ORIGINS };
