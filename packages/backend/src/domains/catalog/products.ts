import type { Catalog } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import { AppError, ValidationFailed } from "../../infra/errors";
import type { EventHub } from "../../infra/events";
import type { Logger } from "../../infra/logger";
import { isCheckViolation, isForeignKeyViolation, isUniqueViolation, postgresFailure, SQLSTATE } from "../../infra/pg-errors";
import type { SellableDetail, SellableLookup } from "../inventory/availability-types";
import { DuplicateBarcode, DuplicateSku, ProductNotFound, SetContainsItself, StoreNotFound, TypeImmutable, UnknownComponent } from "./errors";
import type { CatalogChange } from "./events";
import { checkSetComponents, refuseComponentsOnSimple, sameComponents } from "./product-sets";
import { toProduct, toStoreAvailability, toSummary, type ProductSummary } from "./product-views";
import * as repo from "./products-repository";
import { allStoreIds, isShopStore } from "./stores-repository";

export type { ProductSummary } from "./product-views";
export type { ProductFilter } from "./products-repository";

export interface ProductServiceDeps {
  db: Database;
  log: Logger;
  events: EventHub<CatalogChange>;
  /** Injected by services.ts from inventory's availability (catalog may not import inventory). */
  sellable: SellableLookup;
}

/**
 * Constraint violations of a product write as the client's mistake (409/422 with a code), never
 * a 500. Uniqueness is only ever decided here: checking first would race a concurrent insert.
 */
function productWriteError(error: unknown, input: { sku?: string; barcode?: string }): unknown {
  if (error instanceof AppError) return error;
  if (isUniqueViolation(error, "products_sku_unique")) return new DuplicateSku(input.sku);
  if (isUniqueViolation(error, "products_barcode_unique")) return new DuplicateBarcode(input.barcode);
  if (isForeignKeyViolation(error, "product_set_items_component_id_products_id_fk")) return new UnknownComponent();
  if (isCheckViolation(error, "product_set_items_not_self")) return new SetContainsItself();
  const failure = postgresFailure(error);
  if (failure?.sqlState === SQLSTATE.CHECK_VIOLATION) return new ValidationFailed("A value is out of range", { constraint: failure.constraint });
  return error;
}

/** Who asked, for the log line. */
export interface Actor {
  userId: string;
}

/**
 * Who reads availability: customers see only the stores they can buy from (active WEB stores,
 * as placing an order requires); what marketplaces and closed stores are offered is the seller's business.
 */
export interface Viewer {
  role: "customer" | "staff" | "admin";
}

const seesOnlyTheShop = (viewer: Viewer | undefined) => viewer?.role === "customer";

export interface PageWindow {
  page: number;
  limit: number;
  offset: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createProductService(deps: ProductServiceDeps) {
  const { db, log, events, sellable } = deps;

  /** API shapes for many rows, with the components of the sets among them in one query. */
  async function present(rows: readonly repo.ProductRow[]): Promise<Catalog.Product[]> {
    const components = await repo.componentRows(db, rows.filter((r) => r.type === "SET").map((r) => r.id));
    return rows.map((row) => toProduct(row, components.filter((c) => c.setId === row.id)));
  }

  async function presentOne(row: repo.ProductRow): Promise<Catalog.Product> {
    const [product] = await present([row]);
    if (!product) throw new Error("presenting a product returned nothing");
    return product;
  }

  /** A store deleted between listing the stores and asking about it is left out, not a 404. */
  async function sellableIn(storeId: string, productId: string): Promise<SellableDetail | undefined | null> {
    try {
      return (await sellable(storeId, [productId])).get(productId);
    } catch (error) {
      if (error instanceof StoreNotFound) return null;
      throw error;
    }
  }

  return {
    async createProduct(body: Catalog.CreateProductBody, actor?: Actor): Promise<Catalog.Product> {
      const { components, ...fields } = body;
      if (body.type === "SIMPLE") refuseComponentsOnSimple(components);
      const row = await db
        .transaction(async (tx) => {
          const checked = body.type === "SET" ? await checkSetComponents(tx, undefined, components) : [];
          const inserted = await repo.insertProduct(tx, fields);
          await repo.insertComponents(tx, inserted.id, checked);
          return inserted;
        })
        .catch((error: unknown) => {
          throw productWriteError(error, body);
        });
      log.info({ productId: row.id, sku: row.sku, type: row.type, actor: actor?.userId }, "product created");
      return presentOne(row);
    },

    async listProducts(filter: repo.ProductFilter & { storeId?: string }, page: PageWindow, viewer?: Viewer): Promise<Catalog.ProductPage> {
      const { storeId, ...criteria } = filter;
      // A store a customer cannot buy from answers them like one that does not exist.
      if (storeId !== undefined && seesOnlyTheShop(viewer) && !(UUID.test(storeId) && (await isShopStore(db, storeId)))) {
        throw new StoreNotFound(storeId);
      }
      const { rows, total } = await repo.pageOfProducts(db, criteria, page);
      const items: Catalog.ProductListItem[] = await present(rows);
      if (storeId !== undefined) {
        // One lookup for the whole page (one SQL query); it also answers STORE_NOT_FOUND, even for an empty page.
        const numbers = await sellable(storeId, items.map((p) => p.id));
        for (const item of items) item.sellable = numbers.get(item.id)?.sellable ?? 0;
      }
      return { items, page: page.page, limit: page.limit, total };
    },

    async getProduct(id: string, viewer?: Viewer): Promise<Catalog.ProductDetail> {
      const [row] = await repo.productRows(db, [id]);
      if (!row) throw new ProductNotFound(id);
      const product = await presentOne(row);
      const storeIds = await allStoreIds(db, seesOnlyTheShop(viewer));
      const details = await Promise.all(storeIds.map((storeId) => sellableIn(storeId, id)));
      const availability = storeIds.flatMap((storeId, i) => {
        const detail = details[i];
        return detail === null ? [] : [toStoreAvailability(storeId, detail)];
      });
      return { ...product, availability };
    },

    async updateProduct(id: string, changes: Catalog.UpdateProductBody, actor?: Actor): Promise<Catalog.Product> {
      const { type, components, ...fields } = changes;
      const outcome = await db
        .transaction(async (tx) => {
          const current = await repo.lockProduct(tx, id);
          if (!current) throw new ProductNotFound(id);
          if (type !== undefined && type !== current.type) {
            throw new TypeImmutable(current.type);
          }
          let componentsChanged = false;
          if (current.type === "SIMPLE") refuseComponentsOnSimple(components);
          else if (components !== undefined) {
            const checked = await checkSetComponents(tx, id, components);
            componentsChanged = !sameComponents(await repo.setItemRows(tx, [id]), checked);
            if (componentsChanged) await repo.replaceComponents(tx, id, checked);
          }
          const row = await repo.updateProductRow(tx, id, fields);
          const priceChanged = row.price !== current.price || row.listPrice !== current.listPrice;
          return { row, componentsChanged, activeChanged: row.active !== current.active, priceChanged };
        })
        .catch((error: unknown) => {
          throw productWriteError(error, changes);
        });
      const { row, componentsChanged, activeChanged, priceChanged } = outcome;
      log.info({ productId: id, fields: Object.keys(changes), componentsChanged, actor: actor?.userId }, "product updated");
      // After commit: what a store may sell of the product (or its price) changed, so it must be pushed again.
      if (componentsChanged || activeChanged || priceChanged) await events.emit({ productIds: [id] });
      return presentOne(row);
    },

    async findProduct(id: string): Promise<ProductSummary | undefined> {
      const [row] = await repo.productRows(db, [id]);
      return row ? toSummary(row) : undefined;
    },

    /** The ones that exist, in no particular order; missing ids are simply absent. */
    async findProducts(ids: readonly string[]): Promise<ProductSummary[]> {
      return (await repo.productRows(db, ids)).map(toSummary);
    },

    /** Orders from marketplaces name products by barcode. */
    async findByBarcodes(barcodes: readonly string[]): Promise<ProductSummary[]> {
      return (await repo.productRowsByBarcode(db, barcodes)).map(toSummary);
    },

    /** Ids of the sets with any of these components: a stock change to a component changes them too. */
    async setsContaining(componentIds: readonly string[]): Promise<string[]> {
      return repo.setIdsContaining(db, componentIds);
    },

    /** Which sets hold each component, for the whole catalog; null when it has more than `maxRows` set items. */
    async setMembership(maxRows: number): Promise<Map<string, string[]> | null> {
      const rows = await repo.setMembershipRows(db, maxRows);
      if (!rows) return null;
      const byComponent = new Map<string, string[]>();
      for (const { componentId, setId } of rows) byComponent.set(componentId, [...(byComponent.get(componentId) ?? []), setId]);
      return byComponent;
    },

    /** Each set's components; ids that are not sets (or do not exist) are absent from the map. */
    async componentsOf(setIds: readonly string[]): Promise<Map<string, { componentId: string; quantity: number }[]>> {
      const bySet = new Map<string, { componentId: string; quantity: number }[]>();
      for (const item of await repo.setItemRows(db, setIds)) {
        const list = bySet.get(item.setId) ?? [];
        list.push({ componentId: item.componentId, quantity: item.quantity });
        bySet.set(item.setId, list);
      }
      return bySet;
    },
  };
}

export type ProductService = ReturnType<typeof createProductService>;
