/**
 * A marketplace order stream held in memory, behind the adapter interface the pull uses: orders
 * sorted by modification (newest first, as Trendyol's stream always is, or oldest first), pages
 * of `pageSize` continued by an opaque cursor, and a window wider than the marketplace honours
 * silently cut to its last `windowMs` (what N11 does; Trendyol and Hepsiburada cut or refuse).
 * The pull, the watermark and intake under test are the real ones, on the test's database.
 */
import { Registry } from "prom-client";
import { createMarketplaceIntake } from "../../src/domains/order/marketplace-intake";
import { readWatermark } from "../../src/domains/order/pull-watermarks";
import { MarketplacePageInvalid, trendyolProfile, type AdapterProfile, type MarketplaceAdapter, type NormalisedOrder } from "../../src/domains/marketplace/service";
import { createLogger } from "../../src/infra/logger";
import type { TestApp } from "../support/app";

export const HOUR = 60 * 60_000;
export const DAY = 24 * HOUR;

export interface StreamOptions {
  pageOrder?: AdapterProfile["orderStream"]["pageOrder"];
  windowMs?: number;
  minOverlapMs?: number;
  pageSize?: number;
  /** Order requests one pull may make (the pull's page budget is the orders quota of one rate window). */
  requestsPerPull?: number;
}

export interface StreamRequest {
  since: number;
  until: number;
  page?: string;
}

interface Key {
  at: number;
  id: string;
}

export class FakeOrderStream {
  readonly orders: NormalisedOrder[] = [];
  readonly requests: StreamRequest[] = [];
  /** Request numbers (1-based, counted over the stream's life) that fail as a dropped connection would. */
  readonly failOn = new Set<number>();
  /** When set, a cursor handed out before is refused (a marketplace cursor that expired). */
  refuseOldCursors = false;
  private readonly handedOut = new Set<string>();
  private generation = 0;
  readonly options: Required<StreamOptions>;

  constructor(options: StreamOptions = {}) {
    this.options = {
      pageOrder: options.pageOrder ?? "NEWEST_FIRST",
      windowMs: options.windowMs ?? 14 * DAY,
      minOverlapMs: options.minOverlapMs ?? 0,
      pageSize: options.pageSize ?? 200,
      requestsPerPull: options.requestsPerPull ?? 50,
    };
  }

  /** `count` CREATED orders of one unit of `barcode`, modified `stepMs` apart from `firstAt` on. */
  add(barcode: string, count: number, firstAt: number, stepMs: number, prefix = "P"): NormalisedOrder[] {
    const added = Array.from({ length: count }, (_, i): NormalisedOrder => {
      const at = new Date(firstAt + i * stepMs).toISOString();
      return {
        externalId: `${prefix}${firstAt}-${i}`,
        status: "CREATED",
        marketplaceStatus: "Created",
        lines: [{ barcode, quantity: 1, unitPrice: 100 }],
        currency: "TRY",
        lastModifiedAt: at,
        raw: { id: `${prefix}${firstAt}-${i}`, lastModifiedDate: at },
      };
    });
    this.orders.push(...added);
    return added;
  }

  /** Forget every cursor handed out so far (they are refused from now on when refuseOldCursors). */
  expireCursors(): void {
    this.generation += 1;
  }

  private sorted(since: number, until: number): NormalisedOrder[] {
    const sign = this.options.pageOrder === "OLDEST_FIRST" ? 1 : -1;
    return this.orders
      .filter((o) => {
        const at = Date.parse(o.lastModifiedAt);
        return at >= since && at < until;
      })
      .sort((a, b) => sign * (Date.parse(a.lastModifiedAt) - Date.parse(b.lastModifiedAt) || (a.externalId ?? "").localeCompare(b.externalId ?? "")));
  }

  private after(key: Key, order: NormalisedOrder): boolean {
    const at = Date.parse(order.lastModifiedAt);
    const sign = this.options.pageOrder === "OLDEST_FIRST" ? 1 : -1;
    const byTime = sign * (at - key.at);
    return byTime > 0 || (byTime === 0 && sign * (order.externalId ?? "").localeCompare(key.id) > 0);
  }

  async pullOrders({ since, until, page }: { since: Date; until: Date; page?: string }) {
    this.requests.push({ since: since.getTime(), until: until.getTime(), ...(page ? { page } : {}) });
    if (this.failOn.has(this.requests.length)) throw new Error("connection reset by the marketplace");
    // A wider window than the marketplace honours is answered as its last windowMs, without a word.
    const from = Math.max(since.getTime(), until.getTime() - this.options.windowMs);
    let rest = this.sorted(from, until.getTime());
    if (page) {
      if (this.refuseOldCursors && !this.handedOut.has(`${this.generation}:${page}`)) throw new MarketplacePageInvalid(page, "the fake stream");
      const key = JSON.parse(Buffer.from(page, "base64url").toString("utf8")) as Key;
      rest = rest.filter((o) => this.after(key, o));
    }
    const orders = rest.slice(0, this.options.pageSize);
    const last = orders.at(-1);
    const next = rest.length > orders.length && last ? Buffer.from(JSON.stringify({ at: Date.parse(last.lastModifiedAt), id: last.externalId })).toString("base64url") : null;
    if (next) this.handedOut.add(`${this.generation}:${next}`);
    return { orders, next };
  }

  adapter(): MarketplaceAdapter {
    const profile: AdapterProfile = {
      ...trendyolProfile,
      orderStream: { windowMs: this.options.windowMs, pageOrder: this.options.pageOrder, minOverlapMs: this.options.minOverlapMs },
      rateLimits: [{ group: "orders", requests: this.options.requestsPerPull, perMs: 10_000 }],
    };
    return {
      marketplace: "TRENDYOL",
      profile,
      validate: () => ({ valid: [], rejected: [] }),
      pushStockAndPrice: () => Promise.reject(new Error("the fake stream takes no writes")),
      batchStatus: () => Promise.reject(new Error("the fake stream takes no writes")),
      pullOrders: (window) => this.pullOrders(window),
    };
  }

  /** Which orders the stream has that intake has not recorded yet (by the app's order list). */
  unread(recorded: ReadonlySet<string>): NormalisedOrder[] {
    return this.orders.filter((o) => !recorded.has(o.externalId ?? ""));
  }
}

/** The real pull (the app's intake, watermark and locks) reading from `stream`, on a clock the test moves. */
export function pullFrom(t: TestApp, stream: FakeOrderStream, clock: { now: () => number }, overlapMs: number) {
  const recorded = new Set<string>();
  const intake = createMarketplaceIntake({
    db: t.infra.database.db,
    locks: t.infra.locks,
    kv: t.infra.kv,
    log: createLogger({ level: "silent", pretty: false }),
    registry: new Registry(),
    stores: t.services.stores,
    orders: {
      async intakeMarketplaceOrder(input) {
        const result = await t.services.orders.intakeMarketplaceOrder(input);
        recorded.add(input.externalOrderId ?? "");
        return result;
      },
      cancelMarketplaceOrder: (input) => t.services.orders.cancelMarketplaceOrder(input),
      needingAttentionCounts: () => t.services.orders.needingAttentionCounts(),
    },
    settings: { intervalMs: 60_000, overlapMs },
    now: clock.now,
    createAdapter: () => stream.adapter(),
  });
  return {
    intake,
    /** The externalIds intake has recorded through this pull. */
    recorded,
    watermark: async (storeId: string) => (await readWatermark(t.infra.database.db, storeId))?.getTime(),
  };
}
