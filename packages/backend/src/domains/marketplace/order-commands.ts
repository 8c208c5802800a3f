/**
 * What an adapter offers for the way back: telling the marketplace what happened to an order
 * (picked, invoiced, shipped, units not supplied, cancelled), answering its returns (claims), and
 * reading what it shows. The order domain's outbox decides when to send; the adapter only knows
 * the marketplace's calls, each written from a fixture (packages/marketplace-fixtures).
 */
import type { OrderCommands } from "@pazarsync/shared";

export type CommandKind = OrderCommands.CommandKind;
export type UnsupplyReason = OrderCommands.UnsupplyReason;

/** One order line's units as the marketplace knows them. */
export interface CommandLine {
  /** The marketplace's order line id (order_items.external_line_id). */
  lineId: string;
  barcode: string;
  quantity: number;
}

/** Which marketplace order, package and lines a command is about, resolved from our order when it is sent. */
export interface CommandTarget {
  /** The marketplace's order number (orders.external_order_id). */
  orderNumber: string;
  /** The package holding the lines, where the marketplace works package by package (Trendyol, Hepsiburada, N11). */
  packageId?: string;
  /** NormalisedOrder.marketplaceOrderNumber, where the marketplace gave one (Pazarama's orderNumber): its calls take it. */
  marketplaceOrderNumber?: string;
  lines: CommandLine[];
}

export type OrderCommand =
  | { kind: "PICK"; target: CommandTarget }
  | { kind: "INVOICE"; target: CommandTarget; invoiceNumber: string; invoiceLink?: string }
  | { kind: "SHIP"; target: CommandTarget; carrier?: string; trackingNumber?: string }
  | { kind: "UNSUPPLY"; target: CommandTarget; reason: UnsupplyReason }
  | { kind: "CANCEL"; target: CommandTarget; reason: UnsupplyReason }
  | { kind: "APPROVE_RETURN"; claim: ClaimTarget }
  | { kind: "REJECT_RETURN"; claim: ClaimTarget; reason: string };

/** A return (claim) as the marketplace keys it. */
export interface ClaimTarget {
  claimId: string;
  orderNumber: string;
  /** The marketplace's ids of the claim's lines being answered. */
  claimLineIds: string[];
}

/**
 * Whether the marketplace documents this step. A step it does not document is recorded
 * NOT_SUPPORTED and makes no call; `source` says where we looked (page and date read).
 * `repeatSafe`: sending it twice has the effect of sending it once (setting the same invoice
 * number again), so a command whose first send has no answer may simply be sent again.
 */
export type CommandSupport =
  | {
      supported: true;
      repeatSafe: boolean;
      /** Whether the step may name some of the package's lines (partial fulfilment); false: all of them. */
      partial: boolean;
      /** Earlier steps the marketplace needs first (Trendyol: Picking before Invoiced), sent before this one when not sent yet. */
      requires: CommandKind[];
    }
  | { supported: false; source: string };

/**
 * The marketplace's answer to a send. CONFIRMED: its answer says it is done. ACCEPTED: taken,
 * done later (a task id, or a status the order pull or `observe` will show); `reference` is what
 * to look for. A refusal is thrown as a MarketplaceError: fate REFUSED (not processed: may be sent
 * again once the cause is gone) or UNKNOWN (may have been processed: `observe` before any resend).
 */
export type CommandSendResult = { outcome: "CONFIRMED"; reference?: string } | { outcome: "ACCEPTED"; reference?: string };

/**
 * What the marketplace now shows for a command: APPLIED (done, by us or by the seller in its
 * panel), NOT_APPLIED (safe to send), PASSED (its state is already beyond the step: the command is
 * overtaken, e.g. picking an order the marketplace shows shipped or cancelled), or UNKNOWN (cannot
 * tell: ask again later, never send blind unless the step is repeatSafe).
 */
export type CommandObservation = "APPLIED" | "NOT_APPLIED" | "PASSED" | "UNKNOWN";

/** A shipping label the marketplace prints (Hepsiburada labels, Trendyol common label). */
export interface ShippingLabel {
  contentType: string;
  body: Uint8Array;
}

/** A return as every adapter hands it over (the raw claim kept for support). */
export interface NormalisedClaim {
  claimId: string;
  orderNumber: string;
  /** What the outbox and staff need: still to be answered, approved, rejected, or something else (cancelled by the buyer). */
  state: "OPEN" | "APPROVED" | "REJECTED" | "OTHER";
  /** The marketplace's own status text. */
  marketplaceStatus: string;
  lines: { claimLineId: string; lineId?: string; barcode: string; quantity: number; reason?: string }[];
  /** ISO, for the pull's watermark. */
  lastModifiedAt: string;
  raw: unknown;
}

export interface ClaimPage {
  claims: NormalisedClaim[];
  next: string | null;
}

export interface OrderCommandPort {
  support(kind: CommandKind): CommandSupport;
  /** Sends one supported command. Throws a MarketplaceError when refused or when no answer came. */
  send(command: OrderCommand): Promise<CommandSendResult>;
  /** Reads the marketplace's state for a command sent with no answer, or ACCEPTED and not yet confirmed. */
  observe(command: OrderCommand): Promise<CommandObservation>;
  /** The shipping label of a package, where the marketplace provides one. */
  label?(target: CommandTarget): Promise<ShippingLabel>;
  /** Returns (claims) modified in [since, until), a page at a time, where the marketplace lists them. */
  pullClaims?(window: { since: Date; until: Date; page?: string }): Promise<ClaimPage>;
  /**
   * Claims read again by id, where the marketplace offers it: a list filtered on creation dates
   * never shows a known claim's later status. Ids the marketplace does not find are left out.
   */
  readClaim?(claimId: string): Promise<NormalisedClaim | undefined>;
  /** Which rate-limit group (profile.rateLimits[].group) each command kind pays into. */
  groupOf(kind: CommandKind): string;
}
