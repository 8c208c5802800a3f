import type { MarketplaceName } from "@pazarsync/backend/src/domains/marketplace/types";
import type { SandboxAccountInput } from "./module";
import { type Static, Type } from "@sinclair/typebox";

const Rate = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

/** Faults the sandbox injects into Trendyol endpoints (never into /__sandbox). */
export const Faults = Type.Object(
  {
    /** Share of items that come back FAILED with a transient reason (a per-item error, not an HTTP one). */
    errorRate: Rate("share of batch items that FAIL with a transient reason"),
    /** Real milliseconds added before every answer (not scaled: it is about client timeouts). */
    latencyMs: Type.Integer({ minimum: 0, maximum: 600_000, description: "delay before every answer, ms" }),
    /** Share of requests answered 503 before anything is processed. */
    status5xxRate: Rate("share of requests answered 503 before processing"),
    /** Share of requests whose connection is dropped after processing (the classic unknown outcome). */
    dropRate: Rate("share of requests processed and then dropped without an answer"),
  },
  { additionalProperties: false, description: "fault injection settings" },
);
export type Faults = Static<typeof Faults>;

export const FaultsPatch = Type.Partial(Faults, { additionalProperties: false });
export type FaultsPatch = Static<typeof FaultsPatch>;

export const SellerAccountInput = Type.Object(
  {
    sellerId: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" }),
    apiKey: Type.String({ minLength: 1, maxLength: 200 }),
    apiSecret: Type.String({ minLength: 1, maxLength: 200 }),
    /** Absent: every barcode is known (an open catalog, handy for the demo). */
    knownBarcodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1_000_000 })),
  },
  { additionalProperties: false },
);
export type SellerAccountInput = Static<typeof SellerAccountInput>;

export const BarcodesInput = Type.Object(
  { barcodes: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100_000 }) },
  { additionalProperties: false },
);

/**
 * Where public sources disagree on a marketplace's answer, which one the sandbox plays (the
 * adapter supports each; see packages/marketplace-fixtures). Pazarama: the token answer (wrapped
 * `data.accessToken` or plain OAuth `access_token`, default WRAPPED) and the order call
 * (getOrdersForApiV2 or the StartDate/EndDate/Page/Size getOrdersForApi, default V2).
 */
export interface SandboxVariants {
  pazaramaToken: "WRAPPED" | "OAUTH";
  pazaramaOrders: "V2" | "PAGED";
}

export const defaultVariants: SandboxVariants = { pazaramaToken: "WRAPPED", pazaramaOrders: "V2" };

export interface SandboxOptions {
  /** Which disagreeing source's answers to play; defaults in defaultVariants. */
  variants?: Partial<SandboxVariants>;
  /** Accounts of the marketplaces besides Trendyol (whose accounts are `sellers`). */
  accounts?: Partial<Record<MarketplaceName, SandboxAccountInput[]>>;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Every marketplace duration (rate window, duplicate window, result delay, retention) is divided by this. */
  timeScale?: number;
  /**
   * The time scale of the 50-per-10-s rate window alone; defaults to timeScale. 1 keeps Trendyol's
   * real window while the 15-minute rule is scaled, so a test can check the quota against real time.
   */
  rateLimitTimeScale?: number;
  /** How long after acceptance a batch result is readable, before scaling. Default 1000 ms. */
  resultDelayMs?: number;
  faults?: Partial<Faults>;
  sellers?: SellerAccountInput[];
  /** Older entries are forgotten past this many recorded requests. Default 10000. */
  maxRecordedRequests?: number;
  /**
   * The order Trendyol's order stream lists packages in: newest modification first, as documented
   * (the default), or oldest first for tests whose pull still assumes that order.
   */
  trendyolOrderStream?: "newest-first" | "oldest-first";
  /**
   * Added to the order numbers the marketplaces besides Trendyol make up (and so to their line and
   * package ids): a sandbox started again against the same database (the dev demo after a restart)
   * then never hands out an order number an earlier start did. Default 0.
   */
  idOffset?: number;
  /** For deterministic fault tests. */
  random?: () => number;
  /** The clock every window and delay is measured on; default Date.now (tests step it by hand). */
  now?: () => number;
}

export const noFaults: Faults = { errorRate: 0, latencyMs: 0, status5xxRate: 0, dropRate: 0 };
