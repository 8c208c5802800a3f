import { hkdfSync } from "node:crypto";
import type { Config } from "./config";
import type { CatalogChange } from "./domains/catalog/events";
import { createCatalogService } from "./domains/catalog/service";
import { createIdentityService } from "./domains/identity/service";
import { createAvailability } from "./domains/inventory/availability";
import type { StockChange } from "./domains/inventory/events";
import { createInventoryService } from "./domains/inventory/service";
import { QUANTITY_CAPS } from "./domains/marketplace/service";
import { createMarketplaceIntake } from "./domains/order/marketplace-intake";
import { adapterCommandPorts, type CommandPorts, storeAdapter } from "./domains/order/command-ports";
import { createJobMetrics } from "./domains/jobs/metrics";
import type { JobRunners } from "./domains/jobs/runner";
import { createJobService } from "./domains/jobs/service";
import { createJobWorker } from "./domains/jobs/worker";
import { driftCheckRunner } from "./domains/listing-catalog/drift";
import { scheduleDriftChecks } from "./domains/listing-catalog/drift-schedule";
import { createListingImport, type ListingAdapterFor } from "./domains/listing-catalog/import";
import { createListingImportService } from "./domains/listing-catalog/import-service";
import { createCommandWorker } from "./domains/order/command-worker";
import { createPickList } from "./domains/order/picklist";
import { createOrderService } from "./domains/order/service";
import { createTrendyolWebhookRegistration } from "./domains/order/trendyol-webhook-registration";
import { createClaimMetrics } from "./domains/returns/claim-metrics";
import { createClaimPull } from "./domains/returns/claim-pull";
import { createClaimQuota } from "./domains/returns/claim-quota";
import { createPortFor, createReturnsService } from "./domains/returns/service";
import { createAffectedCache, pairsForCatalogChange, pairsForStockChange } from "./domains/stock-sync/affected";
import { createOrderQuota } from "./domains/stock-sync/order-quota";
import { createStockSync } from "./domains/stock-sync/service";
import { createRateLimiter } from "./domains/stock-sync/token-bucket";
import type { Infrastructure } from "./infra/bootstrap";
import { createEventHub } from "./infra/events";
import { createOutboundFetch, type OutboundRule } from "./infra/outbound-fetch";
import type { Logger } from "./infra/logger";
import { Registry } from "prom-client";

/**
 * Every domain's service, built once from the infrastructure; controllers and workers share
 * them. Cross-domain needs that would point against the dependency direction (catalog showing
 * inventory's availability, inventory announcing to stock-sync) are injected here.
 */
export interface ServicesDeps {
  config: Config;
  log: Logger;
  infra: Infrastructure;
  registry?: Registry;
  /** Each store's order command port; the store's adapter's `orderCommands` unless a caller (a test) brings its own. */
  commandPorts?: CommandPorts;
  /** Each store's adapter for listing reads (imports, drift checks); built from the store's settings unless a caller (a test) brings its own. */
  listingAdapters?: ListingAdapterFor;
  /** The clock of the jobs and the drift check; the sync engine's unless a caller (a test stepping past a confirm time) brings its own. */
  jobsNow?: () => number;
}

export function createServices(deps: ServicesDeps) {
  const { config, log, infra } = deps;
  const db = infra.database.db;
  const events = {
    catalog: createEventHub<CatalogChange>("catalog-change", log),
    stock: createEventHub<StockChange>("stock-change", log),
  };
  const registry = deps.registry ?? new Registry();
  const identity = createIdentityService({ db, revocationsDb: infra.database.side, kv: infra.kv, broadcast: infra.broadcast, config, log, registry });
  // What a store shows is capped at what its marketplace takes: the caps live with the adapters.
  const sellable = createAvailability({ db, ceilings: QUANTITY_CAPS });
  // Development and tests point stores at the local sandbox; production only at public https hosts,
  // checked when a baseUrl is saved and again, on the address connected to, at every call.
  const outbound: OutboundRule = { publicOnly: config.nodeEnv === "production" };
  const outboundFetch = createOutboundFetch(outbound);
  const { products, stores } = createCatalogService({
    db,
    log,
    events: events.catalog,
    sellable,
    keyring: { current: { id: config.credentialsKeyId, key: config.credentialsKey }, previous: config.credentialsPreviousKeys },
    baseUrlRule: outbound,
  });
  // Orders are built after inventory; its invariant check reads their open allocations when it runs.
  const reservationSource = (ids?: readonly string[]) => orders.openAllocations(ids);
  const inventory = createInventoryService({ db, locks: infra.locks, log, events: events.stock, products, reservationSource });
  // Order commands go to the audit log like the sync's pushes; the store's adapter is built per command.
  const commandPorts = deps.commandPorts ?? adapterCommandPorts({ stores, onCall: (storeId) => sync.apiLogs(storeId), fetch: outboundFetch, timeoutMs: config.sync.marketplaceTimeoutMs });
  const orders = createOrderService({ db, locks: infra.locks, log, stores, inventory, registry, commandPorts, dispatchWarningMs: config.orderDispatchWarningMs });
  // Started with the other loops where the sync worker runs (main.ts); kicked after every step that recorded commands.
  const commandWorker = createCommandWorker({
    db,
    log,
    ports: commandPorts,
    stores,
    limiter: createRateLimiter(infra.kv),
    settings: config.orderCommands,
    registry,
  });
  orders.onCommandsRecorded(() => commandWorker.kick());
  const picklist = createPickList({ db, inventory, products });
  const orderIntake = createMarketplaceIntake({
    db,
    locks: infra.locks,
    kv: infra.kv,
    log,
    registry,
    stores,
    orders,
    settings: { ...config.orderPull, marketplaceTimeoutMs: config.sync.marketplaceTimeoutMs },
    fetch: outboundFetch,
    // Order pulls go to the same audit log as the sync's pushes (the writer lives with the sync).
    onCall: (storeId) => sync.apiLogs(storeId),
    // Pull pages pay into the same KeyValueStore buckets as pushes, per store and endpoint group.
    ...(config.orderPull.quota ? { quota: createOrderQuota(createRateLimiter(infra.kv)) } : {}),
  });
  // Trendyol order webhooks registered through its API, again whenever a store's marketplace settings change.
  const trendyolWebhookRegistration = createTrendyolWebhookRegistration({
    stores,
    locks: infra.locks,
    log,
    settings: { publicBaseUrl: config.webhooks.publicBaseUrl, marketplaceTimeoutMs: config.sync.marketplaceTimeoutMs },
    fingerprintKey: Buffer.from(hkdfSync("sha256", config.credentialsKey, "", "pazarsync webhook fingerprint", 32)),
    fetch: outboundFetch,
    onCall: (storeId) => sync.apiLogs(storeId),
  });
  stores.onStoreSettingsChanged(async (storeId) => void (await trendyolWebhookRegistration.registerStore(storeId)));
  // Each store's way back to its marketplace (approve/reject support, claims), built from its settings when needed.
  const portFor = createPortFor({ stores, fetch: outboundFetch, timeoutMs: config.sync.marketplaceTimeoutMs, onCall: (storeId) => sync.apiLogs(storeId) });
  const returns = createReturnsService({ db, locks: infra.locks, log, products, inventory, orders, portFor, commandsRecorded: () => commandWorker.kick() });
  orders.readReturnsWith((orderId) => returns.returnsOfOrder(orderId));
  const returnClaims = createClaimPull({
    db,
    locks: infra.locks,
    log,
    stores,
    portFor,
    recordClaim: (storeId, claim) => returns.recordClaim(storeId, claim),
    rematchWaiting: (storeId) => returns.rematchWaitingClaims(storeId),
    settings: { overlapMs: config.orderPull.overlapMs },
    // Claims pages pay into the store's claims buckets like the worker's calls; the adapter is built per page like the worker's.
    quota: createClaimQuota(commandPorts, createRateLimiter(infra.kv)),
    metrics: createClaimMetrics(registry),
  });
  // Every order asks which stores and sets its stock change touches: remembered briefly, dropped on catalog changes.
  const affected = createAffectedCache({ products, stores });
  const sync = createStockSync({
    db,
    kv: infra.kv,
    locks: infra.locks,
    log,
    registry,
    stores,
    sellable,
    pairsFor: (change) => pairsForStockChange({ ...change, correlationId: "ledger-sweep" }, affected),
    settings: config.sync,
    broadcast: infra.broadcast,
    fetch: outboundFetch,
  });
  // DESIGN step 4: after every committed change, mark the affected (store, product) pairs dirty.
  // An order's change (a sale, a release) is flushed soon after the marks are written, not on the interval.
  events.stock.on(async (change) => {
    const pairs = await pairsForStockChange(change, affected);
    await sync.markDirty(pairs);
    if (change.urgent) sync.flushSoon([...new Set(pairs.map((p) => p.storeId))]);
  });
  events.catalog.on(async (change) => {
    affected.clear();
    sync.channels.clear(change.storeIds);
    const pairs = await pairsForCatalogChange(change, { products, stores });
    if (change.forgetSent) await sync.forgetSends(pairs);
    await sync.markDirty(pairs);
  });
  // Long work under the job table's leases (domains/jobs): one runner per kind, the worker started where the sync worker runs (main.ts).
  const jobsNow = deps.jobsNow ?? sync.now;
  const jobs = createJobService({ db, now: jobsNow });
  const listingAdapter: ListingAdapterFor =
    deps.listingAdapters ??
    ((store) => storeAdapter({ stores, fetch: outboundFetch, timeoutMs: config.sync.marketplaceTimeoutMs, onCall: (storeId) => sync.apiLogs(storeId) }, store));
  const listingImports = createListingImportService({ db, jobs, findStore: (id) => stores.findStore(id), adapterFor: listingAdapter });
  const jobRunners: JobRunners = {
    LISTING_IMPORT: createListingImport({
      db,
      log,
      findStore: (id) => stores.findStore(id),
      adapterFor: listingAdapter,
      // Listing reads pay into the store's listings buckets in the KeyValueStore, shared by every replica.
      limiter: createRateLimiter(infra.kv),
      markDirty: (pairs) => sync.markDirty(pairs),
      changedBy: (storeId, jobId) => listingImports.changedBy(storeId, jobId),
    }),
    LISTING_DRIFT_CHECK: driftCheckRunner({
      db,
      kv: infra.kv,
      channel: (storeId) => sync.channels.channel(storeId),
      buffer: sync.buffer,
      limiter: createRateLimiter(infra.kv),
      metrics: sync.metrics,
      log,
      now: jobsNow,
      confirmMs: config.listingDriftConfirmMs,
    }),
  };
  const jobWorker = createJobWorker({ jobs, runners: jobRunners, log, settings: config.jobs, metrics: createJobMetrics(registry, jobs) });
  jobs.onCreated(() => jobWorker.kick());
  /**
   * Queues the drift checks that are due, scheduled and follow-ups that confirm a lower shown
   * quantity (every replica may call it: the jobs' unique index keeps one per store), and wakes the worker.
   */
  const scheduleDrift = async (): Promise<number> => {
    const queued = await scheduleDriftChecks(db, jobsNow(), config.listingDriftIntervalMs, config.listingDriftConfirmMs);
    if (queued.length > 0) jobWorker.kick();
    return queued.length;
  };
  return {
    identity,
    products,
    stores,
    inventory,
    orders,
    commandWorker,
    picklist,
    orderIntake,
    trendyolWebhookRegistration,
    returns,
    returnClaims,
    sellable,
    events,
    sync,
    jobs,
    jobWorker,
    scheduleDrift,
    listingImports,
  };
}

export type Services = ReturnType<typeof createServices>;
