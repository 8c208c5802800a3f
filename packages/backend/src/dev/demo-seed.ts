/**
 * The dev demo's shop: a warehouse, a winter set and its parts, a web shop, and one store per
 * marketplace (Trendyol, Hepsiburada, N11, Pazarama, PttAVM) pointed at the in-process marketplace
 * sandbox. Created on the first start, found again after (stores missing from an older demo are added).
 */
import type { SandboxAccountInput } from "@pazarsync/marketplace-sandbox";
import type { MarketplaceName } from "../domains/marketplace/types";
import type { Services } from "../services";

export const DEMO_SELLER = { sellerId: "demo-seller", apiKey: "demo-key", apiSecret: "demo-secret" };
const WEB_NAME = "Demo web shop";

export interface DemoMarketplace {
  type: MarketplaceName;
  name: string;
  /** The sandbox account: the store's sellerId (Trendyol seller, Hepsiburada merchant, ...). */
  account: SandboxAccountInput;
  credentials: Record<string, string>;
}

/**
 * Demo-only sandbox accounts: nothing here reaches a real marketplace. Hepsiburada's store ships
 * on the store-account model (tracking URL and phone), Pazarama's names a carrier id: so every
 * documented shipment step runs in the demo.
 */
export const DEMO_MARKETPLACES: readonly DemoMarketplace[] = [
  { type: "TRENDYOL", name: "Demo Trendyol (sandbox)", account: { account: DEMO_SELLER.sellerId, key: DEMO_SELLER.apiKey, secret: DEMO_SELLER.apiSecret }, credentials: { apiKey: DEMO_SELLER.apiKey, apiSecret: DEMO_SELLER.apiSecret } },
  { type: "HEPSIBURADA", name: "Demo Hepsiburada (sandbox)", account: { account: "demo-merchant", key: "demo-developer", secret: "demo-service-key" }, credentials: { serviceKey: "demo-service-key", developerUsername: "demo-developer", trackingUrlTemplate: "https://demo-kargo.example/track/{trackingNumber}", trackingPhoneNumber: "08500000000" } },
  { type: "N11", name: "Demo N11 (sandbox)", account: { account: "demo-n11", key: "demo-app-key", secret: "demo-app-secret" }, credentials: { appKey: "demo-app-key", appSecret: "demo-app-secret", shipmentCompanyId: "341" } },
  { type: "PAZARAMA", name: "Demo Pazarama (sandbox)", account: { account: "demo-pazarama", key: "demo-client", secret: "demo-client-secret" }, credentials: { clientId: "demo-client", clientSecret: "demo-client-secret", cargoCompanyId: "00000000-0000-4000-8000-00000000d3e0" } },
  { type: "PTTAVM", name: "Demo PttAVM (sandbox)", account: { account: "demo-ptt", key: "demo-ptt-key", secret: "demo-ptt-token" }, credentials: { apiKey: "demo-ptt-key", accessToken: "demo-ptt-token" } },
];
const TRENDYOL_NAME = (DEMO_MARKETPLACES[0] as DemoMarketplace).name;

export interface DemoStore {
  type: MarketplaceName;
  storeId: string;
  account: string;
}

export interface DemoShop {
  webStoreId: string;
  /** The Trendyol store. */
  marketplaceStoreId: string;
  /** Every marketplace store, Trendyol first. */
  marketplaceStores: DemoStore[];
  warehouseId: string;
  shelfId: string;
  /** Simple products (orders and restocks) and the set. */
  productIds: string[];
  setId: string;
}

const SYSTEM = { actorId: null, correlationId: "dev-demo-seed" };

type Found = Omit<DemoShop, "marketplaceStores" | "marketplaceStoreId">;

async function findDemo(services: Services): Promise<Found | undefined> {
  const stores = await services.stores.listStores();
  const web = stores.find((s) => s.name === WEB_NAME);
  const marketplace = stores.find((s) => s.name === TRENDYOL_NAME);
  const warehouseId = marketplace?.warehouseIds[0];
  if (!web || !marketplace || !warehouseId) return undefined;
  const [shelf] = (await services.inventory.listShelves(warehouseId, { page: 1, limit: 1, offset: 0 })).items;
  const listed = (await services.stores.listingPage(marketplace.id, { page: 1, limit: 100, offset: 0 })).items.map((l) => l.productId);
  const products = await services.products.findProducts(listed);
  const set = products.find((p) => p.type === "SET");
  if (!shelf || !set) return undefined;
  return { webStoreId: web.id, warehouseId, shelfId: shelf.id, productIds: products.filter((p) => p.type === "SIMPLE").map((p) => p.id), setId: set.id };
}

/** Finds or creates each marketplace's demo store, pointed at this start's sandbox with every product listed. */
async function marketplaceStores(services: Services, shop: Found, sandboxUrl: string): Promise<DemoStore[]> {
  const existing = await services.stores.listStores();
  const out: DemoStore[] = [];
  for (const m of DEMO_MARKETPLACES) {
    const found = existing.find((s) => s.name === m.name);
    let storeId = found?.id;
    if (found) {
      // A fresh sandbox knows nothing: what the store's marketplace was told before is forgotten and every listing goes again.
      await services.sync.forgetStore(found.id);
      // Credentials too: a newer demo may ship through a store-account model (Hepsiburada) or name a carrier (Pazarama).
      await services.stores.updateStore(found.id, { baseUrl: sandboxUrl, credentials: m.credentials });
    } else {
      const created = await services.stores.createStore({
        name: m.name,
        type: m.type,
        sellerId: m.account.account,
        baseUrl: sandboxUrl,
        credentials: m.credentials,
        warehouseIds: [shop.warehouseId],
      });
      storeId = created.id;
      for (const productId of [...shop.productIds, shop.setId]) await services.stores.putListing(created.id, productId, { enabled: true });
    }
    out.push({ type: m.type, storeId: storeId as string, account: m.account.account });
  }
  return out;
}

async function createDemo(services: Services): Promise<Found> {
  const suffix = Date.now().toString(36).toUpperCase();
  const warehouse = await services.inventory.createWarehouse({ code: `DEMO-${suffix}`, name: "Demo depot" });
  const shelf = await services.inventory.createShelf(warehouse.id, { code: "A-01" });
  const simple = async (name: string, price: number, stock: number) => {
    const product = await services.products.createProduct({
      sku: `DEMO-${name.toUpperCase()}-${suffix}`,
      barcode: `DEMO${name.toUpperCase()}${suffix}`,
      name,
      type: "SIMPLE",
      price,
      listPrice: price + 2000,
      vatRate: 20,
    });
    await services.inventory.changeShelfStock(shelf.id, { productId: product.id, delta: stock, reason: "demo opening stock" }, SYSTEM);
    return product.id;
  };
  const coat = await simple("Coat", 150_000, 50);
  const gloves = await simple("Gloves", 20_000, 30);
  const scarf = await simple("Scarf", 25_000, 40);
  const set = await services.products.createProduct({
    sku: `DEMO-WINTER-SET-${suffix}`,
    barcode: `DEMOWINTERSET${suffix}`,
    name: "Winter set",
    type: "SET",
    price: 180_000,
    listPrice: 200_000,
    vatRate: 20,
    components: [
      { productId: coat, quantity: 1 },
      { productId: gloves, quantity: 2 },
      { productId: scarf, quantity: 1 },
    ],
  });
  const web = await services.stores.createStore({ name: WEB_NAME, type: "WEB", warehouseIds: [warehouse.id] });
  return { webStoreId: web.id, warehouseId: warehouse.id, shelfId: shelf.id, productIds: [coat, gloves, scarf], setId: set.id };
}

/** The demo shop, its marketplace stores pointed at this start's sandbox. */
export async function ensureDemoShop(services: Services, sandboxUrl: string): Promise<DemoShop> {
  const shop = (await findDemo(services)) ?? (await createDemo(services));
  const stores = await marketplaceStores(services, shop, sandboxUrl);
  return { ...shop, marketplaceStoreId: (stores[0] as DemoStore).storeId, marketplaceStores: stores };
}
