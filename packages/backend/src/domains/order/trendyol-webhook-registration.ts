/**
 * Keeps each Trendyol store's order webhook registered at Trendyol, pointing at our receiver
 * (webhook-controller.ts) with the store's webhook credentials, so orders arrive in seconds
 * rather than at the next pull. Runs when a store's marketplace settings change, at start for
 * every active Trendyol store, and periodically to repair drift (Trendyol sets a hook PASSIVE
 * after repeated failed deliveries). Under the lock `trendyol-webhook:{storeId}`, so replicas do
 * not both create one. Every attempt is recorded on the store (OFF / REGISTERED / FAILED), where
 * staff see it; a failure never stops the pull, which stays the source of truth.
 */
import { createHmac } from "node:crypto";
import type { Stores } from "@pazarsync/shared";
import { AppError } from "../../infra/errors";
import type { LockPort } from "../../infra/locks";
import type { Logger } from "../../infra/logger";
import type { StoreService } from "../catalog/service";
import {
  type ApiCallHook,
  createTrendyolWebhookApi,
  MarketplaceError,
  registerTrendyolWebhook,
  trendyolConfigFromSettings,
  type TrendyolWebhookAuth,
  type TrendyolWebhookSpec,
} from "../marketplace/service";

export interface WebhookRegistrationSettings {
  /** PUBLIC_BASE_URL: where Trendyol reaches this app. Unset: nothing is registered, orders are pulled only. */
  publicBaseUrl?: string;
  /** Deadline of one marketplace call. */
  marketplaceTimeoutMs?: number;
}

export interface WebhookRegistrationDeps {
  stores: Pick<StoreService, "findStore" | "listStores" | "credentialsFor" | "webhookRecord" | "recordWebhookAttempt">;
  locks: LockPort;
  log: Logger;
  settings: WebhookRegistrationSettings;
  /** Keys the fingerprint of what was registered, so the stored digest says nothing about the secret. */
  fingerprintKey: Buffer;
  now?: () => number;
  fetch?: typeof fetch;
  onCall?: (storeId: string) => ApiCallHook;
}

/**
 * What intake acts on: new packages (Created, and Picking / Invoiced for one first seen late),
 * cancellations and unsupplied units (released), splits (UnPacked: the new packages follow) and
 * Shipped (a shipped order first seen still consumes its stock). Named, never empty: empty would
 * also subscribe to statuses Trendyol adds later, which intake has never been tested with.
 */
export const WEBHOOK_ORDER_STATUSES = ["CREATED", "PICKING", "INVOICED", "SHIPPED", "CANCELLED", "UNSUPPLIED", "UNPACKED"] as const;

export const webhookRegistrationLockKey = (storeId: string) => `trendyol-webhook:${storeId}`;
/** Past a slow attempt's last call (four calls at the marketplace deadline). */
const LOCK_TTL_MS = 3 * 60_000;

export type RegistrationReport =
  | { storeId: string; attempted: false; reason: "not_found" | "not_trendyol" | "locked" }
  | { storeId: string; attempted: true; webhook: Pick<Stores.WebhookRegistration, "state" | "webhookId" | "reason" | "httpStatus"> };

type Outcome = Pick<Stores.WebhookRegistration, "state" | "reason" | "httpStatus"> & { webhookId?: string | null; fingerprint: string | null; callbackUrl: string | null };

/** The receiver's route for the store under the public base URL: the alias without "trendyol" in it (webhook-controller.ts). */
export function webhookCallbackUrl(publicBaseUrl: string, storeId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/api/v1/marketplace/webhooks/shipment-packages/${storeId}`;
}

/** The x-api-key form when the store has a webhook api key, else Basic; undefined when it has neither. */
export function webhookAuthOf(credentials: Record<string, string> | undefined): TrendyolWebhookAuth | undefined {
  if (credentials?.webhookApiKey) return { type: "API_KEY", apiKey: credentials.webhookApiKey };
  if (credentials?.webhookUsername && credentials.webhookPassword) {
    return { type: "BASIC_AUTHENTICATION", username: credentials.webhookUsername, password: credentials.webhookPassword };
  }
  return undefined;
}

function failureOf(error: AppError): Pick<Outcome, "reason" | "httpStatus"> {
  return { reason: error.message.slice(0, 1000), httpStatus: error instanceof MarketplaceError ? error.httpStatus : null };
}

export function createTrendyolWebhookRegistration(deps: WebhookRegistrationDeps) {
  const now = deps.now ?? Date.now;
  const { log, settings } = deps;

  const fingerprintOf = (store: Stores.Store, spec: TrendyolWebhookSpec) =>
    createHmac("sha256", deps.fingerprintKey).update(JSON.stringify([store.sellerId, store.baseUrl, spec])).digest("base64url");

  async function register(store: Stores.Store, callbackUrl: string, auth: TrendyolWebhookAuth, credentials: Record<string, string> | undefined): Promise<Outcome> {
    const spec: TrendyolWebhookSpec = { url: callbackUrl, auth, subscribedStatuses: WEBHOOK_ORDER_STATUSES };
    const fingerprint = fingerprintOf(store, spec);
    const known = await deps.stores.webhookRecord(store.id);
    try {
      const api = createTrendyolWebhookApi(
        trendyolConfigFromSettings({
          type: store.type,
          sellerId: store.sellerId,
          baseUrl: store.baseUrl,
          credentials,
          timeoutMs: settings.marketplaceTimeoutMs,
          fetch: deps.fetch,
          onCall: deps.onCall?.(store.id),
        }),
      );
      const result = await registerTrendyolWebhook(api, { spec, knownWebhookId: known?.webhookId, secretChanged: known?.fingerprint !== fingerprint });
      log.info({ storeId: store.id, webhookId: result.webhookId, actions: result.actions }, "trendyol webhook registered");
      return { state: "REGISTERED", webhookId: result.webhookId, callbackUrl, fingerprint, reason: null, httpStatus: null };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      log.warn({ storeId: store.id, code: error.code, err: error }, "trendyol webhook not registered; orders are still pulled");
      // No fingerprint: whatever Trendyol holds now is sent again whole next time.
      return { state: "FAILED", callbackUrl, fingerprint: null, ...failureOf(error) };
    }
  }

  async function attempt(store: Stores.Store): Promise<Outcome> {
    const off = (reason: string): Outcome => ({ state: "OFF", reason, httpStatus: null, fingerprint: null, callbackUrl: null });
    if (!store.active) return off("the store is inactive");
    if (!settings.publicBaseUrl) return off("PUBLIC_BASE_URL is not set, so Trendyol cannot reach us: orders are pulled only");
    const callbackUrl = webhookCallbackUrl(settings.publicBaseUrl, store.id);
    let credentials: Record<string, string> | undefined;
    try {
      credentials = await deps.stores.credentialsFor(store.id);
    } catch (error) {
      log.error({ err: error, storeId: store.id }, "store credentials unreadable; webhook not registered");
      return { state: "FAILED", reason: "the store's credentials cannot be read", httpStatus: null, fingerprint: null, callbackUrl };
    }
    const auth = webhookAuthOf(credentials);
    if (!auth) return off("the store's credentials hold no webhookUsername + webhookPassword or webhookApiKey for Trendyol to call us with: orders are pulled only");
    return register(store, callbackUrl, auth, credentials);
  }

  async function registerStore(storeId: string): Promise<RegistrationReport> {
    const store = await deps.stores.findStore(storeId);
    if (!store) return { storeId, attempted: false, reason: "not_found" };
    if (store.type !== "TRENDYOL") return { storeId, attempted: false, reason: "not_trendyol" };
    const locked = await deps.locks.tryWithLocks(
      [webhookRegistrationLockKey(storeId)],
      async () => {
        const outcome = await attempt(store);
        await deps.stores.recordWebhookAttempt(storeId, { ...outcome, at: new Date(now()) });
        return outcome;
      },
      { ttlMs: LOCK_TTL_MS },
    );
    if (!locked.acquired) return { storeId, attempted: false, reason: "locked" };
    const { state, reason, httpStatus } = locked.value;
    return { storeId, attempted: true, webhook: { state, webhookId: locked.value.webhookId ?? null, reason, httpStatus } };
  }

  return {
    registerStore,
    /** Every active Trendyol store once, one after another (at start and on the repair interval). */
    async registerAll(): Promise<RegistrationReport[]> {
      const stores = (await deps.stores.listStores()).filter((s) => s.type === "TRENDYOL" && s.active);
      const reports: RegistrationReport[] = [];
      for (const store of stores) {
        try {
          reports.push(await registerStore(store.id));
        } catch (error) {
          // One store's fault of ours (database, locks) must not keep the others unrepaired.
          log.error({ err: error, storeId: store.id }, "trendyol webhook registration failed");
        }
      }
      return reports;
    },
  };
}

export type TrendyolWebhookRegistration = ReturnType<typeof createTrendyolWebhookRegistration>;
