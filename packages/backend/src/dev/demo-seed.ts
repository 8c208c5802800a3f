/**
 * The dev demo's shop: a warehouse, a winter set and its parts, a web shop, and a Trendyol store
 * pointed at the in-process marketplace sandbox. Created on the first start, found again after.
 */
import type { Services } from "../services";

export const DEMO_SELLER = { sellerId: "demo-seller", apiKey: "demo-key", apiSecret: "demo-secret" };
const WEB_NAME = "Demo web shop";
const MARKETPLACE_NAME = "Demo Trendyol (sandbox)";

export interface DemoShop {
  webStoreId: string;
  marketplaceStoreId: string;
  shelfId: string;
  /** Simple products (orders and restocks) and the set. */
  productIds: string[];
  setId: string;
}

const SYSTEM = { actorId: null, correlationId: "dev-demo-seed" };

async function findDemo(services: Services): Promise<DemoShop | undefined> {
  const stores = await services.stores.listStores();
  const web = stores.find((s) => s.name === WEB_NAME);
  const marketplace = stores.find((s) => s.name === MARKETPLACE_NAME);
  const warehouseId = marketplace?.warehouseIds[0];
  if (!web || !marketplace || !warehouseId) return undefined;
  const [shelf] = (await services.inventory.listShelves(warehouseId, { page: 1, limit: 1, offset: 0 })).items;
  const listed = (await services.stores.listingPage(marketplace.id, { page: 1, limit: 100, offset: 0 })).items.map((l) => l.productId);
  const products = await services.products.findProducts(listed);
  const set = products.find((p) => p.type === "SET");
  if (!shelf || !set) return undefined;
  return { webStoreId: web.id, marketplaceStoreId: marketplace.id, shelfId: shelf.id, productIds: products.filter((p) => p.type === "SIMPLE").map((p) => p.id), setId: set.id };
}

async function createDemo(services: Services, sandboxUrl: string): Promise<DemoShop> {
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
  const marketplace = await services.stores.createStore({
    name: MARKETPLACE_NAME,
    type: "TRENDYOL",
    sellerId: DEMO_SELLER.sellerId,
    baseUrl: sandboxUrl,
    credentials: { apiKey: DEMO_SELLER.apiKey, apiSecret: DEMO_SELLER.apiSecret },
    warehouseIds: [warehouse.id],
  });
  for (const productId of [coat, gloves, scarf, set.id]) await services.stores.putListing(marketplace.id, productId, { enabled: true });
  return { webStoreId: web.id, marketplaceStoreId: marketplace.id, shelfId: shelf.id, productIds: [coat, gloves, scarf], setId: set.id };
}

/**
 * The demo shop, pointed at this start's sandbox. A fresh sandbox knows nothing, so what the
 * store's marketplace was told before is forgotten and every listing is pushed again.
 */
export async function ensureDemoShop(services: Services, sandboxUrl: string): Promise<DemoShop> {
  const found = await findDemo(services);
  if (!found) return createDemo(services, sandboxUrl);
  await services.sync.forgetStore(found.marketplaceStoreId);
  await services.stores.updateStore(found.marketplaceStoreId, { baseUrl: sandboxUrl });
  return found;
}
