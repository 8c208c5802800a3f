import { randomUUID } from "node:crypto";
import { Stores } from "@pazarsync/shared";
import type { Database } from "../../infra/db";
import type { EventHub } from "../../infra/events";
import type { Logger } from "../../infra/logger";
import type { PageRequest } from "../../http/pagination";
import { isCheckViolation, postgresFailure } from "../../infra/pg-errors";
import { createCredentialCipher, type CredentialKeyring } from "./credentials";
import { SellerIdRequired, StoreNotFound, StorePolicyOutOfRange, StoreTypeDiscontinued } from "./errors";
import type { CatalogChange } from "./events";
import { quoteForOrder, type OrderQuote, type OrderRefs } from "./order-quote";
import { effectiveIdentifiersOf, identifiedLines, type LineToIdentify } from "./listing-identity";
import { forgetPushed, lastPushed, type LastPushed, type PushOutcome, recordPushOutcomes } from "./listing-pushes";
import { listedProductIds, listingPrices, listingRowsPage, toListingView, upsertListing } from "./listings";
import { assertAllowedBaseUrl, type BaseUrlRule } from "./store-base-url";
import { createStoreCredentials, credentialColumns } from "./store-credentials";
import { activeStoresSellingFrom, allStoreRows, insertStore, type StoreRow, storeRow, storeRowsPage, updateStoreRow, warehousesOf } from "./stores-repository";
import { isMarketplace, storeViews } from "./store-views";
import { recordWebhookAttempt, type WebhookAttempt, webhookRowsOf } from "./store-webhooks";
import { assertDistinctWarehouses, replaceStoreWarehouses } from "./store-warehouses";

export interface StoreServiceDeps {
  db: Database;
  log: Logger;
  events: EventHub<CatalogChange>;
  /** The current credentials key and the retired ones that may still decrypt (config.ts). */
  keyring: CredentialKeyring;
  /** What a store's baseUrl may point at (store-base-url.ts); public https hosts only when omitted. */
  baseUrlRule?: BaseUrlRule;
}

export type { RotationReport } from "./store-credentials";
export type { LastPushed, PushOutcome, PushStatus } from "./listing-pushes";

type StoreType = Stores.StoreType;
type StoreTypeInput = Stores.CreateStoreBody["type"];

function assertSellable(type: StoreTypeInput): asserts type is StoreType {
  if (type === "GITTIGIDIYOR") {
    throw new StoreTypeDiscontinued(type);
  }
}

function assertSellerId(type: StoreType, sellerId: string | null | undefined): void {
  if (isMarketplace(type) && !sellerId) {
    throw new SellerIdRequired(type);
  }
}

/** Only the policy fields given; columns left out keep their default (create) or current value (update). */
function policyColumns(policy: Stores.PolicyInput | undefined): Partial<Pick<StoreRow, "safetyStock" | "percentage" | "maxQuantity" | "floor">> {
  if (!policy) return {};
  return Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined));
}

function storeWriteError(error: unknown): unknown {
  return isCheckViolation(error) ? new StorePolicyOutOfRange(postgresFailure(error)?.constraint) : error;
}

/** Changes to how the store reaches its marketplace (and is reached by it): its webhook is registered again. */
function changesMarketplaceSettings(patch: Stores.UpdateStoreBody): boolean {
  return [patch.sellerId, patch.baseUrl, patch.credentials, patch.active].some((v) => v !== undefined);
}

/** Changes that alter what the store may sell, so its listings must be pushed again. */
function changesSellable(patch: Stores.UpdateStoreBody): boolean {
  return [patch.warehouseIds, patch.policy, patch.active, patch.sendStock, patch.sendPrice].some((v) => v !== undefined);
}

export function createStoreService(deps: StoreServiceDeps) {
  const { db, log, events } = deps;
  const cipher = createCredentialCipher(deps.keyring);
  const credentials = createStoreCredentials({ db, log, cipher });
  const baseUrlRule = deps.baseUrlRule ?? { publicOnly: true };

  async function findStore(id: string): Promise<Stores.Store | undefined> {
    const row = await storeRow(db, id);
    if (!row) return undefined;
    return (await storeViews(db, [row]))[0];
  }

  // Who hears that a store's marketplace settings changed (the webhook registration); after commit, never failing the write.
  const settingsListeners: ((storeId: string) => Promise<void>)[] = [];
  function announceSettingsChange(storeId: string): void {
    for (const listener of settingsListeners) {
      listener(storeId).catch((error: unknown) => log.error({ err: error, storeId }, "store settings listener failed"));
    }
  }

  async function getStore(id: string): Promise<Stores.Store> {
    const store = await findStore(id);
    if (!store) throw new StoreNotFound(id);
    return store;
  }

  /** After commit: the store's listings are re-synced (a failing listener never fails the write). */
  async function announceStoreChange(storeId: string, forgetSent = false): Promise<void> {
    const productIds = await listedProductIds(db, storeId);
    if (productIds.length > 0) await events.emit({ productIds, storeIds: [storeId], ...(forgetSent && { forgetSent }) });
  }

  return {
    findStore,
    getStore,

    async listStores(): Promise<Stores.Store[]> {
      return storeViews(db, await allStoreRows(db));
    },

    async storePage(page: PageRequest): Promise<Stores.StorePage> {
      const { rows, total } = await storeRowsPage(db, page.limit, page.offset);
      return { items: await storeViews(db, rows), page: page.page, limit: page.limit, total };
    },

    /** The store's warehouses in the order reservations draw on them. */
    async storeWarehouses(storeId: string): Promise<string[]> {
      return (await warehousesOf(db, [storeId])).get(storeId) ?? [];
    },

    /** Listing price overrides for some products of a store; orders price from these first. */
    listingPrices: (storeId: string, productIds: readonly string[]): Promise<Map<string, number>> =>
      listingPrices(db, storeId, productIds),
    /** Store, warehouses, products, listing prices and set components for an order, in one statement (order-quote.ts). */
    quoteForOrder: (storeId: string, refs: OrderRefs): Promise<OrderQuote | undefined> => quoteForOrder(db, storeId, refs),
    /**
     * Order lines with each one the store's listings recognise (listing barcode, product barcode,
     * listing stock code, the store's default stock code) carrying its product's catalog barcode;
     * the rest as they came. One statement.
     */
    identifyLines: <L extends LineToIdentify>(storeId: string, lines: readonly L[]): Promise<L[]> => identifiedLines(db, storeId, lines),
    /** Active stores selling from one or more of these warehouses: the stores a stock change there concerns. */
    storesSellingFrom: (warehouseIds: readonly string[]): Promise<string[]> => activeStoresSellingFrom(db, warehouseIds),

    /** The stock sync's bookkeeping on existing listings, one statement per batch (listing-pushes.ts). */
    recordPushOutcomes: (results: readonly PushOutcome[]): Promise<number> => recordPushOutcomes(db, results),
    /** Forgets what the store's marketplace was told (its account or sandbox was replaced). */
    forgetPushed: (storeId: string): Promise<void> => forgetPushed(db, storeId),
    /** productId -> last pushed quantity and price on the store; unlisted products are absent. */
    lastPushed: (storeId: string, productIds: readonly string[]): Promise<Map<string, LastPushed>> => lastPushed(db, storeId, productIds),

    credentialsFor: credentials.credentialsFor,

    /** Called after a store is created, or its seller id, base URL, credentials or active flag change. */
    onStoreSettingsChanged(listener: (storeId: string) => Promise<void>): void {
      settingsListeners.push(listener);
    },
    /** The store's webhook registration as last recorded (with its fingerprint); undefined when never tried. */
    webhookRecord: async (storeId: string) => (await webhookRowsOf(db, [storeId])).get(storeId),
    recordWebhookAttempt: (storeId: string, attempt: WebhookAttempt): Promise<void> => recordWebhookAttempt(db, storeId, attempt),
    rotateCredentials: credentials.rotateCredentials,

    async createStore(body: Stores.CreateStoreBody, actorId?: string): Promise<Stores.Store> {
      const type = body.type;
      assertSellable(type);
      assertSellerId(type, body.sellerId);
      assertDistinctWarehouses(body.warehouseIds);
      if (body.baseUrl) await assertAllowedBaseUrl(body.baseUrl, baseUrlRule);
      // The id is chosen here because the credentials are sealed to it (AAD) before the insert.
      const id = randomUUID();
      try {
        await db.transaction(async (tx) => {
          await insertStore(tx, {
            id,
            name: body.name,
            type,
            sellerId: body.sellerId ?? null,
            baseUrl: body.baseUrl ?? null,
            ...credentialColumns(cipher, id, body.credentials ?? null),
            active: body.active ?? true,
            sendStock: body.sendStock ?? true,
            sendPrice: body.sendPrice ?? false,
            writeQuotaPerMinute: body.writeQuotaPerMinute ?? null,
            stockCodeSource: body.stockCodeSource ?? "BARCODE",
            ...policyColumns(body.policy),
          });
          await replaceStoreWarehouses(tx, id, body.warehouseIds);
        });
      } catch (error) {
        throw storeWriteError(error);
      }
      log.info({ storeId: id, type, warehouses: body.warehouseIds.length, actorId }, "store created");
      announceSettingsChange(id);
      return getStore(id);
    },

    async updateStore(id: string, patch: Stores.UpdateStoreBody, actorId?: string): Promise<Stores.Store> {
      if (patch.warehouseIds) assertDistinctWarehouses(patch.warehouseIds);
      if (patch.baseUrl) await assertAllowedBaseUrl(patch.baseUrl, baseUrlRule);
      const columns = {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.sellerId !== undefined && { sellerId: patch.sellerId }),
        ...(patch.baseUrl !== undefined && { baseUrl: patch.baseUrl }),
        ...(patch.credentials !== undefined && credentialColumns(cipher, id, patch.credentials)),
        ...(patch.active !== undefined && { active: patch.active }),
        ...(patch.sendStock !== undefined && { sendStock: patch.sendStock }),
        ...(patch.sendPrice !== undefined && { sendPrice: patch.sendPrice }),
        ...(patch.writeQuotaPerMinute !== undefined && { writeQuotaPerMinute: patch.writeQuotaPerMinute }),
        ...(patch.stockCodeSource !== undefined && { stockCodeSource: patch.stockCodeSource }),
        ...policyColumns(patch.policy),
      };
      let stockCodesChanged = false;
      try {
        await db.transaction(async (tx) => {
          const was = patch.stockCodeSource === undefined ? undefined : (await storeRow(tx, id))?.stockCodeSource;
          // The UPDATE comes first: it locks the store row, so concurrent edits of one store queue.
          const row = await updateStoreRow(tx, id, columns);
          if (!row) throw new StoreNotFound(id);
          stockCodesChanged = was !== undefined && was !== patch.stockCodeSource;
          // The marketplace knows the listings by other stock codes now: nothing it was told under the old ones holds.
          if (stockCodesChanged) await forgetPushed(tx, id);
          // Checked on the row as it now stands; throwing rolls the update back.
          assertSellerId(row.type, row.sellerId);
          if (patch.warehouseIds) await replaceStoreWarehouses(tx, id, patch.warehouseIds);
        });
      } catch (error) {
        throw storeWriteError(error);
      }
      log.info({ storeId: id, fields: Object.keys(patch), actorId }, "store updated");
      if (changesSellable(patch) || stockCodesChanged) await announceStoreChange(id, stockCodesChanged);
      if (changesMarketplaceSettings(patch)) announceSettingsChange(id);
      return getStore(id);
    },

    async putListing(storeId: string, productId: string, body: Stores.ListingBody, actorId?: string): Promise<Stores.Listing> {
      const { row, identifiersChanged } = await upsertListing(db, storeId, productId, body);
      log.info({ storeId, productId, enabled: row.enabled, identifiersChanged, actorId }, "listing saved");
      await events.emit({ productIds: [productId], storeIds: [storeId], ...(identifiersChanged && { forgetSent: true }) });
      return toListingView(row, (await effectiveIdentifiersOf(db, storeId, [productId])).get(productId));
    },

    async listingPage(storeId: string, page: PageRequest): Promise<Stores.ListingPage> {
      const { rows, total } = await listingRowsPage(db, storeId, page.limit, page.offset);
      if (total === 0 && !(await storeRow(db, storeId))) throw new StoreNotFound(storeId);
      const effective = await effectiveIdentifiersOf(db, storeId, rows.map((row) => row.productId));
      return { items: rows.map((row) => toListingView(row, effective.get(row.productId))), page: page.page, limit: page.limit, total };
    },
  };
}

export type StoreService = ReturnType<typeof createStoreService>;
