/**
 * Trendyol's side of the way back (order-commands.ts port), each call from a fixture in
 * packages/marketplace-fixtures/trendyol (read 2026-12-06):
 *   PICK      PUT .../shipment-packages/{packageId} {lines, params: {}, status: "Picking"}
 *   INVOICE   the same with params.invoiceNumber and status "Invoiced" ("önce Picking sonra
 *             Invoiced"), then POST .../seller-invoice-links {invoiceLink, shipmentPackageId} when a link is given
 *   UNSUPPLY  PUT .../shipment-packages/{packageId}/items/unsupplied {lines, reasonId}: the old
 *             package becomes Cancelled, the rest gets a new package id under the same order number
 *   CANCEL    the unsupplied call naming every line (the page's "Paketin tamamına iptal isteği")
 *   SHIP      no call: Trendyol takes Shipped from the carrier; updateTrackingNumber is deprecated
 *   APPROVE_RETURN / REJECT_RETURN  claims.ts
 * observe reads the order's packages (order-packages.ts) or the claim, never guesses.
 */
import { MarketplaceCommandIncomplete, MarketplaceError, MarketplaceRefused } from "../errors";
import type { CommandKind, CommandObservation, CommandSendResult, CommandSupport, CommandTarget, OrderCommand, OrderCommandPort } from "../order-commands";
import { createTrendyolClaims } from "./claims";
import { TRENDYOL_COMMANDS, trendyolPaths } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";
import { LIVE_STATUSES, packageFor, readOrderPackages, REPLACED_STATUSES, type ShownPackage } from "./order-packages";
import { createTrendyolLabels } from "./common-label";

export const SHIP_NOT_SUPPORTED_SOURCE =
  "Trendyol documents no seller call for shipping with its contracted cargo: \"A Package cannot be updated as Shipped or Delivered by the Seller. " +
  "Trendyol follows the package status directly from cargo carrier company\" (developers.trendyol.com/v3.0/docs/4-order-integration); the flow for " +
  "Trendyol Pays is Picking -> Invoiced -> common label -> shipment with the existing cargoTrackingNumber (v3.0/docs/order-process-flow); " +
  "updateTrackingNumber is \"Kullanım Dışı\" (deprecated) and moves the package off Trendyol's agreement " +
  "(docs/kargo-takip-kodu-bildirme-updatetrackingnumber). Read 2026-12-06.";

const step = (partial: boolean, requires: CommandKind[] = []): CommandSupport => ({ supported: true, repeatSafe: false, partial, requires });

/**
 * No step is repeat-safe: a second Picking / Invoiced on a package already there is undocumented,
 * an invoice link twice answers 409, a second unsupplied call gives up more units.
 */
const SUPPORT: Record<CommandKind, CommandSupport> = {
  PICK: step(false),
  INVOICE: step(false, ["PICK"]),
  SHIP: { supported: false, source: SHIP_NOT_SUPPORTED_SOURCE },
  UNSUPPLY: step(true),
  CANCEL: step(false),
  APPROVE_RETURN: step(true),
  REJECT_RETURN: step(true),
};

const GROUPS: Record<CommandKind, string> = {
  PICK: "package-status",
  INVOICE: "package-status",
  SHIP: "package-status",
  UNSUPPLY: "unsupplied",
  CANCEL: "unsupplied",
  APPROVE_RETURN: "claim-approve",
  REJECT_RETURN: "claim-issue",
};

/** Trendyol wants line ids as long. */
function linesOf(target: CommandTarget): { lineId: number; quantity: number }[] {
  return target.lines.map((line) => {
    if (!/^\d{1,18}$/.test(line.lineId)) throw new MarketplaceCommandIncomplete("TRENDYOL", [`line id ${line.lineId} is not a Trendyol line id`]);
    return { lineId: Number(line.lineId), quantity: line.quantity };
  });
}

/** How far along Trendyol's own steps a package is (beyond Invoiced: shipped or later). */
function rank(status: string): number | undefined {
  if (status === "Created") return 0;
  if (status === "Picking") return 1;
  if (status === "Invoiced") return 2;
  if (["Shipped", "AtCollectionPoint", "Delivered", "UnDelivered", "Returned"].includes(status)) return 3;
  return undefined;
}

type PackageCommand = Extract<OrderCommand, { target: CommandTarget }>;

/** PICK / INVOICE against what the package shows. */
function statusObservation(command: PackageCommand, shown: ShownPackage): CommandObservation {
  if (REPLACED_STATUSES.has(shown.status)) return "PASSED";
  const reached = rank(shown.status);
  if (reached === undefined) return "UNKNOWN";
  const wanted = command.kind === "PICK" ? 1 : 2;
  if (reached < wanted) return "NOT_APPLIED";
  if (reached > wanted) return "PASSED";
  // Invoiced with a link asked for: done only once Trendyol holds a link for the package.
  if (command.kind === "INVOICE" && command.invoiceLink && shown.invoiceLink === "") return "NOT_APPLIED";
  return "APPLIED";
}

/** UNSUPPLY / CANCEL: done once the package named is cancelled (its rest, where units are left, lives on in a new package). */
function unsupplyObservation(shown: ShownPackage): CommandObservation {
  if (shown.status === "Cancelled" || shown.status === "UnSupplied") return "APPLIED";
  if (LIVE_STATUSES.has(shown.status)) return "NOT_APPLIED";
  return rank(shown.status) !== undefined || shown.status === "UnPacked" ? "PASSED" : "UNKNOWN";
}

export function createTrendyolOrderCommands(transport: TrendyolTransport, sellerId: string): OrderCommandPort {
  const claims = createTrendyolClaims(transport, sellerId);
  const labels = createTrendyolLabels(transport, sellerId);

  /** The package to send to: the one the target names, else the live one holding its lines. */
  async function packageIdOf(target: CommandTarget): Promise<string> {
    if (target.packageId) return target.packageId;
    const shown = packageFor(await readOrderPackages(transport, sellerId, target.orderNumber), undefined, target.lines.map((l) => l.lineId));
    if (!shown) throw new MarketplaceCommandIncomplete("TRENDYOL", [`no live Trendyol package of order ${target.orderNumber} holds these lines`]);
    return shown.packageId;
  }

  async function updateStatus(packageId: string, target: CommandTarget, status: "Picking" | "Invoiced", params: Record<string, string>): Promise<void> {
    await trendyolRequest(transport, {
      method: "PUT",
      path: trendyolPaths.shipmentPackage(sellerId, packageId),
      body: JSON.stringify({ lines: linesOf(target), params, status }),
      callType: "ORDER_COMMAND",
      itemCount: target.lines.length,
      emptyAnswer: true,
    });
  }

  async function invoice(command: Extract<OrderCommand, { kind: "INVOICE" }>, packageId: string): Promise<void> {
    try {
      await updateStatus(packageId, command.target, "Invoiced", { invoiceNumber: command.invoiceNumber });
    } catch (error) {
      // A link still to send after an earlier send set the status: go on when the package shows Invoiced.
      if (!(command.invoiceLink && error instanceof MarketplaceRefused && error.httpStatus === 400)) throw error;
      const shown = packageFor(await readOrderPackages(transport, sellerId, command.target.orderNumber), packageId, []);
      if (shown?.status !== "Invoiced") throw error;
    }
    if (!command.invoiceLink) return;
    await trendyolRequest(transport, {
      method: "POST",
      path: trendyolPaths.invoiceLinks(sellerId),
      body: JSON.stringify({ invoiceLink: command.invoiceLink, shipmentPackageId: Number(packageId) }),
      callType: "ORDER_COMMAND",
      itemCount: 1,
      emptyAnswer: true,
    });
  }

  async function unsupply(target: CommandTarget, packageId: string, reason: keyof typeof TRENDYOL_COMMANDS.unsupplyReasonIds): Promise<void> {
    await trendyolRequest(transport, {
      method: "PUT",
      path: trendyolPaths.unsupplied(sellerId, packageId),
      body: JSON.stringify({ lines: linesOf(target), reasonId: TRENDYOL_COMMANDS.unsupplyReasonIds[reason] }),
      callType: "ORDER_COMMAND",
      itemCount: target.lines.length,
      emptyAnswer: true,
    });
  }

  return {
    support: (kind) => SUPPORT[kind],
    groupOf: (kind) => GROUPS[kind],

    async send(command): Promise<CommandSendResult> {
      switch (command.kind) {
        case "PICK": {
          const packageId = await packageIdOf(command.target);
          await updateStatus(packageId, command.target, "Picking", {});
          return { outcome: "CONFIRMED", reference: packageId };
        }
        case "INVOICE": {
          const packageId = await packageIdOf(command.target);
          await invoice(command, packageId);
          return { outcome: "CONFIRMED", reference: packageId };
        }
        case "UNSUPPLY":
        case "CANCEL": {
          const packageId = await packageIdOf(command.target);
          await unsupply(command.target, packageId, command.reason);
          // The rest's new package id shows in the next read of the order.
          return { outcome: "ACCEPTED", reference: packageId };
        }
        case "APPROVE_RETURN":
          await claims.approve(command.claim);
          return { outcome: "CONFIRMED", reference: command.claim.claimId };
        case "REJECT_RETURN":
          await claims.reject(command.claim, command.reason);
          // A rejection request: Trendyol decides it later (the claim shows Unresolved meanwhile).
          return { outcome: "ACCEPTED", reference: command.claim.claimId };
        case "SHIP":
          throw new MarketplaceCommandIncomplete("TRENDYOL", [SHIP_NOT_SUPPORTED_SOURCE]);
      }
    },

    async observe(command): Promise<CommandObservation> {
      try {
        if (command.kind === "APPROVE_RETURN" || command.kind === "REJECT_RETURN") return await claims.observe(command.claim, command.kind);
        if (command.kind === "SHIP") return "UNKNOWN";
        const packages = await readOrderPackages(transport, sellerId, command.target.orderNumber);
        const lineIds = command.target.lines.map((line) => line.lineId);
        const shown = packageFor(packages, command.target.packageId, lineIds);
        if (!shown) return "UNKNOWN";
        return command.kind === "UNSUPPLY" || command.kind === "CANCEL" ? unsupplyObservation(shown) : statusObservation(command, shown);
      } catch (error) {
        // A read that failed says nothing about the command; credentials that fail are the operator's to see.
        if (error instanceof MarketplaceRefused && error.permanent) throw error;
        if (error instanceof MarketplaceError) return "UNKNOWN";
        throw error;
      }
    },

    label: (target) => labels.label(target),
    pullClaims: (window) => claims.pullClaims(window),
    readClaim: (claimId) => claims.readClaim(claimId),
  };
}
