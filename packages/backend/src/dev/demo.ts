/**
 * `bun run dev` demo (development only): the marketplace sandbox inside the app, a demo shop
 * with a Trendyol store pointed at it, and a customer ordering in the web shop every few seconds.
 * The log shows each order and, a sync interval later, what the marketplace shows: stock sold on
 * one channel reaching the other. When stock runs low the depot is restocked.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "../infra/logger";
import { AppError } from "../infra/errors";
import { startSandbox, type RunningSandbox } from "../domains/marketplace/sandbox/server";
import type { Services } from "../services";
import { DEMO_SELLER, type DemoShop, ensureDemoShop } from "./demo-seed";

export interface DemoSettings {
  sandboxPort: number;
  orderEveryMs: number;
}

export interface RunningDemo {
  sandbox: RunningSandbox;
  shop: DemoShop;
  stop(): Promise<void>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

async function demoCustomer(services: Services): Promise<string> {
  const email = `demo-${randomBytes(4).toString("hex")}@example.com`;
  const user = await services.identity.register({ email, password: randomBytes(12).toString("base64url") }, { ip: "127.0.0.1", userAgent: "dev-demo" });
  return user.id;
}

export async function startDemo(services: Services, settings: DemoSettings, log: Logger): Promise<RunningDemo> {
  const sandbox = await startSandbox({ port: settings.sandboxPort, resultDelayMs: 500, sellers: [{ ...DEMO_SELLER }] }, log);
  const shop = await ensureDemoShop(services, sandbox.url);
  const customerId = await demoCustomer(services);
  const barcodes = new Map((await services.products.findProducts([...shop.productIds, shop.setId])).map((p) => [p.barcode, p.name]));
  log.info(
    { sandbox: sandbox.url, quantities: `${sandbox.url}/__sandbox/sellers/${DEMO_SELLER.sellerId}/quantities`, webStoreId: shop.webStoreId, marketplaceStoreId: shop.marketplaceStoreId },
    "demo: marketplace sandbox and demo shop ready",
  );

  let orders = 0;
  async function orderOnce(): Promise<void> {
    const productId = pick([...shop.productIds, shop.setId]);
    const quantity = 1 + Math.floor(Math.random() * 3);
    try {
      const placed = await services.orders.placeOrder({ userId: customerId, role: "customer" }, { storeId: shop.webStoreId, items: [{ productId, quantity }] }, `demo-${Date.now()}-${++orders}`);
      log.info({ number: placed.order.number, productId, quantity }, "demo: web order placed");
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "OUT_OF_STOCK") throw error;
      for (const id of shop.productIds) {
        await services.inventory.changeShelfStock(shop.shelfId, { productId: id, delta: 25, reason: "demo restock" }, { actorId: null, correlationId: "dev-demo-restock" });
      }
      log.info("demo: out of stock, depot restocked");
    }
    const shown = Object.fromEntries(sandbox.state.sellers.get(DEMO_SELLER.sellerId)?.quantities ?? []);
    log.info({ marketplaceShows: Object.fromEntries(Object.entries(shown).map(([barcode, qty]) => [barcodes.get(barcode) ?? barcode, qty])) }, "demo: the marketplace shows");
  }

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    running = orderOnce().catch((error: unknown) => log.warn({ err: error }, "demo: order failed"));
  }, settings.orderEveryMs);
  return {
    sandbox,
    shop,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await sandbox.stop();
    },
  };
}
