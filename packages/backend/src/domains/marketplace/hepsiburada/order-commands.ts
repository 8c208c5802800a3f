/**
 * The way back to Hepsiburada (OrderCommandPort), each call from a fixture in
 * packages/marketplace-fixtures/hepsiburada:
 * - PICK: `POST /packages/merchantid/{id}` `{lineItemRequests: [{id, quantity}]}` packs open lines
 *   into a package and answers 201 `{packageNumber, barcode}` (package-create). The package number is
 *   the command's `reference`; the package then reaches our order through the packages list pull
 *   (`package:{packageNumber}`), which is what later commands name as `target.packageId`.
 * - INVOICE: `PUT .../packagenumber/{n}/invoice` with the invoice LINK (package-invoice); 204.
 *   A package that carries an invoice already answers 409 (published client): taken as done.
 * - SHIP: `POST .../packagenumber/{n}/intransit` (package-intransit), for the store-account
 *   (Mağaza Hesabı) model only, whose mandatory fields need the store's tracking URL and phone:
 *   without them the step is not supported (Hepsiburada's contracted carrier moves the package).
 * - UNSUPPLY / CANCEL: `POST /lineitems/merchantid/{id}/id/{lineId}/cancelbymerchant` `{reasonId: 83}`
 *   per line, whole lines not yet packed (line-cancel); 83 is the only documented reason.
 * - APPROVE_RETURN / REJECT_RETURN: `POST /claims/number/{n}/accept|reject` (claims.ts).
 * observe reads the order detail, the missing-invoice list, the package, the cancelled list or the
 * claim list (command-reads.ts, claims.ts).
 */
import { MarketplaceCommandIncomplete, MarketplaceOutcomeUnknown, MarketplaceRefused } from "../errors";
import { isRecord } from "../json";
import type { CommandKind, CommandObservation, CommandSendResult, CommandSupport, CommandTarget, OrderCommand, OrderCommandPort, ShippingLabel, UnsupplyReason } from "../order-commands";
import { createHepsiburadaClaims, type HepsiburadaClaimSettings } from "./claims";
import { createHepsiburadaReads, type HepsiburadaReadSettings } from "./command-reads";
import { hepsiburadaPaths } from "./facts";
import { hepsiburadaRequest, type HepsiburadaTransport } from "./http";
import { idOf, text } from "./order-normaliser";
import { CANCEL_REASON_IDS, intransitBody, invoiceBody, labelOf, packageNumberOf, packBody, type StoreAccountShipping } from "./command-bodies";

export interface HepsiburadaCommandSettings extends HepsiburadaReadSettings, Omit<HepsiburadaClaimSettings, "pageSize" | "maxPages"> {
  claimPageSize: number;
  maxClaimPages: number;
  /** Sent as ClaimRejectionReason when set: no source lists its values. */
  claimRejectionReason?: string;
  /** The store-account model's in-transit fields; absent: SHIP is not supported. */
  storeAccount?: StoreAccountShipping;
}

export const HEPSIBURADA_COMMAND_GROUPS = { orders: "orders", claims: "claims" } as const;

const HB = "HEPSIBURADA";
const SHIP_SOURCE =
  "Hepsiburada: the in-transit call (POST /packages/merchantid/{id}/packagenumber/{n}/intransit) belongs to the store-account (Mağaza Hesabı) model and needs a tracking URL and phone this store has not set; packages carried by Hepsiburada's contracted cargo go in transit when the carrier takes them (developers.hepsiburada.com reference post_packages-merchantid-merchantid-packagenumber-packagenumber-intransit-1 and changelog temmuz-2022, read 2026-12-06)";

const SUPPORT: Record<Exclude<CommandKind, "SHIP">, CommandSupport> = {
  PICK: { supported: true, repeatSafe: false, partial: true, requires: [] },
  // A second invoice for the package is answered 409 "already carries one": sending again changes nothing.
  INVOICE: { supported: true, repeatSafe: true, partial: false, requires: ["PICK"] },
  UNSUPPLY: { supported: true, repeatSafe: false, partial: true, requires: [] },
  CANCEL: { supported: true, repeatSafe: false, partial: true, requires: [] },
  APPROVE_RETURN: { supported: true, repeatSafe: false, partial: false, requires: [] },
  REJECT_RETURN: { supported: true, repeatSafe: false, partial: false, requires: [] },
};

function packageOf(target: CommandTarget): string {
  const number = packageNumberOf(target.packageId);
  if (!number) throw new MarketplaceCommandIncomplete(HB, ["the lines are not in a Hepsiburada package yet (packing must be answered, and the order pull bring the package)"], { permanent: false });
  return number;
}

function lineIdsOf(target: CommandTarget): string[] {
  const ids = target.lines.map((line) => line.lineId).filter((id) => id.length > 0);
  if (ids.length === 0 || ids.length !== target.lines.length) throw new MarketplaceCommandIncomplete(HB, ["every line needs its Hepsiburada line id"]);
  return ids;
}

export function createHepsiburadaOrderCommands(transport: HepsiburadaTransport, settings: HepsiburadaCommandSettings): OrderCommandPort {
  const reads = createHepsiburadaReads(transport, settings);
  const claims = createHepsiburadaClaims(transport, { ...settings, pageSize: settings.claimPageSize, maxPages: settings.maxClaimPages });

  const command = (method: "POST" | "PUT", path: string, body: unknown, itemCount: number) =>
    hepsiburadaRequest(transport, { service: "orders", method, path, body: JSON.stringify(body), callType: "ORDER_COMMAND", itemCount, answer: "optional" });

  async function pack(target: CommandTarget): Promise<CommandSendResult> {
    lineIdsOf(target);
    const { status, body } = await command("POST", hepsiburadaPaths.packages(settings.merchantId), packBody(target), target.lines.length);
    const number = isRecord(body) ? idOf(body.packageNumber) : undefined;
    // Packed, but the package cannot be named: observe finds it through the order detail.
    if (!number) throw new MarketplaceOutcomeUnknown(HB, "UNREADABLE_ANSWER", status, "the packing answer names no packageNumber");
    return { outcome: "CONFIRMED", reference: number };
  }

  async function invoice(target: CommandTarget, invoiceNumber: string, invoiceLink: string | undefined): Promise<CommandSendResult> {
    if (!invoiceLink) throw new MarketplaceCommandIncomplete(HB, ["Hepsiburada takes an invoice as a link to its PDF: invoiceLink is required"]);
    const number = packageOf(target);
    try {
      await command("PUT", `${hepsiburadaPaths.package(settings.merchantId, number)}/invoice`, invoiceBody(invoiceLink, invoiceNumber), target.lines.length);
    } catch (error) {
      if (error instanceof MarketplaceRefused && error.httpStatus === 409) return { outcome: "CONFIRMED", reference: number };
      throw error;
    }
    return { outcome: "CONFIRMED", reference: number };
  }

  async function ship(target: CommandTarget, trackingNumber: string | undefined): Promise<CommandSendResult> {
    const shipping = settings.storeAccount;
    if (!shipping) throw new MarketplaceCommandIncomplete(HB, [SHIP_SOURCE]);
    if (!trackingNumber) throw new MarketplaceCommandIncomplete(HB, ["the store-account in-transit step needs the tracking number"]);
    const number = packageOf(target);
    await command("POST", `${hepsiburadaPaths.package(settings.merchantId, number)}/intransit`, intransitBody(shipping, trackingNumber, settings.now()), target.lines.length);
    return { outcome: "CONFIRMED", reference: trackingNumber };
  }

  /**
   * One call per line (the call names one line). With several lines, those the cancelled list shows
   * already are skipped, so a command cut short after some lines can be sent again.
   */
  async function cancelLines(target: CommandTarget, reason: UnsupplyReason): Promise<CommandSendResult> {
    const ids = lineIdsOf(target);
    const done = ids.length > 1 ? ((await reads.cancelledAmong(ids)) ?? new Set<string>()) : new Set<string>();
    for (const id of ids) {
      if (done.has(id)) continue;
      await command("POST", hepsiburadaPaths.cancelLine(settings.merchantId, id), { reasonId: CANCEL_REASON_IDS[reason] }, 1);
    }
    return { outcome: "CONFIRMED" };
  }

  async function observePick(target: CommandTarget): Promise<CommandObservation> {
    const lines = await reads.orderLines(target.orderNumber);
    const shown = target.lines.map((line) => lines.get(line.lineId));
    if (shown.some((line) => line === undefined)) return "UNKNOWN";
    const packed = shown.filter((line) => line?.packageNumber).length;
    if (packed === shown.length) return "APPLIED";
    if (packed > 0) return "UNKNOWN";
    // Neither packed nor still in created status: cancelled before our packing.
    return shown.every((line) => line?.cancellable) ? "NOT_APPLIED" : shown.some((line) => line?.cancellable) ? "UNKNOWN" : "PASSED";
  }

  async function observeShip(target: CommandTarget, trackingNumber: string | undefined): Promise<CommandObservation> {
    const state = await reads.packageState(packageOf(target));
    if (state.status === "InTransit" || (trackingNumber !== undefined && state.trackingNumber === trackingNumber)) return "APPLIED";
    if (state.status === "Packaged") return "NOT_APPLIED";
    if (state.status === "Delivered" || state.status === "Undelivered") return "PASSED";
    return "UNKNOWN";
  }

  async function observeCancel(target: CommandTarget): Promise<CommandObservation> {
    const ids = lineIdsOf(target);
    const cancelled = await reads.cancelledAmong(ids);
    if (cancelled === undefined) return "UNKNOWN";
    // Some lines cancelled: sending again skips them (cancelLines).
    return cancelled.size === ids.length ? "APPLIED" : "NOT_APPLIED";
  }

  async function observeClaim(claimNumber: string, wanted: "APPROVED" | "REJECTED"): Promise<CommandObservation> {
    const state = await claims.claimState(claimNumber);
    if (state === undefined) return "UNKNOWN";
    if (state === wanted) return "APPLIED";
    return state === "OPEN" ? "NOT_APPLIED" : "PASSED";
  }

  return {
    support(kind) {
      if (kind !== "SHIP") return SUPPORT[kind];
      return settings.storeAccount ? { supported: true, repeatSafe: false, partial: false, requires: ["PICK"] } : { supported: false, source: SHIP_SOURCE };
    },

    async send(cmd: OrderCommand) {
      switch (cmd.kind) {
        case "PICK":
          return pack(cmd.target);
        case "INVOICE":
          return invoice(cmd.target, cmd.invoiceNumber, cmd.invoiceLink);
        case "SHIP":
          return ship(cmd.target, cmd.trackingNumber);
        case "UNSUPPLY":
        case "CANCEL":
          return cancelLines(cmd.target, cmd.reason);
        case "APPROVE_RETURN":
          await claims.answer(cmd.claim.claimId, "accept", {});
          return { outcome: "CONFIRMED", reference: cmd.claim.claimId };
        case "REJECT_RETURN":
          await claims.answer(cmd.claim.claimId, "reject", { ...(settings.claimRejectionReason ? { ClaimRejectionReason: settings.claimRejectionReason } : {}), MerchantStatement: cmd.reason });
          return { outcome: "CONFIRMED", reference: cmd.claim.claimId };
      }
    },

    async observe(cmd: OrderCommand) {
      switch (cmd.kind) {
        case "PICK":
          return observePick(cmd.target);
        case "INVOICE": {
          const lacks = await reads.lacksInvoice(packageOf(cmd.target));
          return lacks === undefined ? "UNKNOWN" : lacks ? "NOT_APPLIED" : "APPLIED";
        }
        case "SHIP":
          return observeShip(cmd.target, cmd.trackingNumber);
        case "UNSUPPLY":
        case "CANCEL":
          return observeCancel(cmd.target);
        case "APPROVE_RETURN":
          return observeClaim(cmd.claim.claimId, "APPROVED");
        case "REJECT_RETURN":
          return observeClaim(cmd.claim.claimId, "REJECTED");
      }
    },

    async label(target): Promise<ShippingLabel> {
      const { status, body } = await hepsiburadaRequest(transport, {
        service: "orders",
        method: "GET",
        path: `${hepsiburadaPaths.package(settings.merchantId, packageOf(target))}/labels`,
        callType: "ORDER_COMMAND",
        itemCount: 0,
      });
      const label = labelOf(body);
      if (!label) throw new MarketplaceOutcomeUnknown(HB, "UNREADABLE_ANSWER", status, `the label answer has no data${isRecord(body) && text(body.format) ? ` (format ${text(body.format)})` : ""}`);
      return label;
    },

    pullClaims: (window) => claims.pullClaims(window),

    groupOf: (kind) => (kind === "APPROVE_RETURN" || kind === "REJECT_RETURN" ? HEPSIBURADA_COMMAND_GROUPS.claims : HEPSIBURADA_COMMAND_GROUPS.orders),
  };
}
