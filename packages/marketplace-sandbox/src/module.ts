/**
 * How a marketplace plugs into the sandbox: one module per marketplace, each owning its
 * paths, accounts, rules and state, registered in marketplaces.ts. The server applies the shared
 * faults (latency, 503s, dropped connections) and records every request; the control routes
 * expose what each account shows and let tests and the demo create marketplace orders.
 * Trendyol predates this and is served by trendyol-routes.ts with the same faults and records.
 */
import type { MarketplaceName } from "@pazarsync/backend/src/domains/marketplace/types";
import type { Faults, SandboxVariants } from "./options";

export interface Incoming {
  method: string;
  path: string;
  /** The query string, parsed (repeated names: the last wins). */
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** A body sent as it is (N11's SOAP XML) instead of JSON; its content-type goes in headers. */
  text?: string;
  /** e.g. Retry-After or X-RateLimit-Reset on a 429. */
  headers?: Record<string, string>;
}

/** One account on a marketplace: merchant / seller / client id and its key and secret. */
export interface SandboxAccountInput {
  account: string;
  key: string;
  secret: string;
  /** The SKUs / barcodes the marketplace knows; absent: every code is known (handy for the demo). */
  known?: string[];
}

export interface ModuleHandled {
  reply: Reply;
  /** The account the request named or authenticated as; null when none. */
  account: string | null;
  /** The marketplace's endpoint name, e.g. "stock-uploads", "task-details". */
  endpoint: string;
  /** True for requests that change listings (stock or price writes): the server counts them in flight. */
  write: boolean;
  itemCount: number;
  batchId?: string;
  /** For writes: sha256 of the body as received (identical requests can be counted). */
  bodyHash?: string;
}

export interface SandboxShown {
  /** code (barcode / merchant SKU / stock code) -> quantity the marketplace shows now. */
  quantities: Record<string, number>;
  /** code -> prices as the marketplace holds them (its own units, e.g. decimals). */
  prices: Record<string, Record<string, number>>;
}

/** A marketplace order as a test or the demo asks the sandbox to create it. */
export interface SandboxOrderInput {
  lines: { code: string; quantity: number; unitPrice: number }[];
}

/** What every module may use from the sandbox it runs in. */
export interface SandboxContext {
  readonly timeScale: number;
  /** How long after acceptance a batch result is readable, before scaling. */
  readonly resultDelayMs: number;
  /** A marketplace duration as this sandbox plays it (divided by the time scale). */
  scaled(ms: number): number;
  random(): number;
  /** The faults in force now (errorRate is the module's to apply to items; the rest the server applies). */
  currentFaults(): Faults;
  /** Which disagreeing source's answers to play (absent: defaultVariants). */
  readonly variants?: Partial<SandboxVariants>;
  /** SandboxOptions.idOffset: added to made-up order and package numbers. */
  readonly idOffset?: number;
}

export interface SandboxMarketplace {
  readonly name: MarketplaceName;
  /** Whether this path is one of its endpoints. */
  owns(path: string): boolean;
  /** Answers one request by the marketplace's rules (auth, limits, body checks), after the server's faults. */
  handle(incoming: Incoming, now: number): ModuleHandled;
  /** False when the account exists already. */
  addAccount(input: SandboxAccountInput): boolean;
  /** What an account shows now (pending work settled first); undefined for an unknown account. */
  shown(account: string, now: number): SandboxShown | undefined;
  /** Creates a marketplace order the adapters' order pulls will see; answers its id and payload. */
  createOrder?(account: string, order: SandboxOrderInput, now: number): { id: string; payload: unknown } | undefined;
  /** Cancels one; false when unknown. */
  cancelOrder?(account: string, orderId: string, now: number): boolean;
  /**
   * Control routes of this marketplace alone, `/__sandbox/marketplaces/{name}/{account}/{what}`
   * (Hepsiburada: fulfilled-by-hb). Undefined: no such route.
   */
  control?(account: string, what: string, incoming: Incoming, now: number): Reply | undefined;
}

export type SandboxMarketplaceFactory = (context: SandboxContext, accounts: readonly SandboxAccountInput[]) => SandboxMarketplace;

/** How a module reaches one account's listings and orders: the pieces accountOperations puts together. */
export interface AccountPieces<A extends { quantities: ReadonlyMap<string, number> }> {
  accounts: ReadonlyMap<string, A>;
  /** Settles pending work before an account is shown. */
  settle(now: number): void;
  /** The account's prices as the marketplace holds them, by code. */
  pricesOf(account: A): SandboxShown["prices"];
  createOrder(account: A, order: SandboxOrderInput, now: number): { id: string; payload: unknown };
  cancelOrder(account: A, orderId: string, now: number): boolean;
}

/** An account's prices by code, each in the shape the marketplace holds it. */
export function pricesByCode<P>(prices: ReadonlyMap<string, P>, shape: (price: P) => Record<string, number>): SandboxShown["prices"] {
  return Object.fromEntries([...prices].map(([code, price]) => [code, shape(price)]));
}

/** shown, createOrder and cancelOrder for a module whose accounts keep their quantities by code. */
export function accountOperations<A extends { quantities: ReadonlyMap<string, number> }>(
  pieces: AccountPieces<A>,
): Pick<SandboxMarketplace, "shown" | "createOrder" | "cancelOrder"> {
  return {
    shown(account, now) {
      const found = pieces.accounts.get(account);
      if (!found) return undefined;
      pieces.settle(now);
      return { quantities: Object.fromEntries(found.quantities), prices: pieces.pricesOf(found) };
    },
    createOrder(account, order, now) {
      const found = pieces.accounts.get(account);
      return found ? pieces.createOrder(found, order, now) : undefined;
    },
    cancelOrder(account, orderId, now) {
      const found = pieces.accounts.get(account);
      return found ? pieces.cancelOrder(found, orderId, now) : false;
    },
  };
}
