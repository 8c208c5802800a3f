/**
 * N11's side of orders flowing back (fixtures n11/order-line-update, order-unsupply, order-read).
 * REST documents two steps: order lines to Picking (`PUT /rest/order/v1/update`) and units the
 * seller cannot supply, which N11 takes only inside a split by quantity (`POST
 * /rest/delivery/v1/splitPackageByQuantity`, Picking packages only). Returns go through the SOAP
 * ReturnService (claims.ts, fixtures n11/claims-*.json); the seller's shipment notice through the
 * SOAP OrderService's MakeOrderItemShipment (fixture n11/order-ship.json). Invoices (N11's SOAP
 * manual v5.2 documents no seller invoice call) and whole cancellations: NOT_SUPPORTED, each with
 * where we looked.
 */
import { MarketplaceCommandIncomplete, MarketplaceRejected } from "../errors";
import { idText, isRecord } from "../json";
import type { ClaimPage, ClaimTarget, CommandKind, CommandObservation, CommandSupport, CommandTarget, OrderCommand, OrderCommandPort, UnsupplyReason } from "../order-commands";
import { claimListFields, claimPage, n11ClaimState } from "./claims";
import { N11, n11Paths } from "./facts";
import { n11Request, type N11Transport } from "./http";
import { n11Soap } from "./soap";
import { xmlFields } from "./xml";

export const N11_COMMAND_GROUP = "order-commands";

/**
 * cancelReasonId of splitPackageByQuantity's cancelledItems: 61 Stok Tükendi, 62 Kusurlu, 63 Hatalı
 * Fiyat, 64 Mücbir Sebep, 65 Diğer (fixture n11/order-unsupply.json, unverified). N11 has no
 * integration-error reason: Diğer.
 */
export const N11_UNSUPPLY_REASONS: Record<UnsupplyReason, number> = { OUT_OF_STOCK: 61, DEFECTIVE: 62, PRICE_ERROR: 63, INTEGRATION_ERROR: 65 };

const MANUAL = "n11 API Soap Referans Dokümantasyonu v5.2 (metineren/n11soap-api docs/n11APISoapREFERANSDOKUMANTASYONU_v5_2.docx at 90e81806, read 2026-12-06)";
const LONCA = "loncadev/lonca sdks/n11/RESEARCH.md at dbdbaa24 (its table of developer.n11.com pages), read 2026-12-06";
const NOT_SUPPORTED: Partial<Record<CommandKind, string>> = {
  INVOICE: `N11's SOAP manual documents no call taking the seller's invoice: its invoice services (SapCommissionEInvoiceDetail, SapBankStatementEInvoice) give N11's own commission invoices and statements (${MANUAL}); lonca names a SellerInvoiceService page (${LONCA}) we could not read`,
  CANCEL: `N11's REST API gives units up only together with a split ("yalnızca iptal yapılamaz", magazadestek.n11.com restapi-miktar-bazli-paket-bolme-14065); cancelling a whole order is the SOAP ClaimCancelService (${LONCA})`,
};

const SUPPORTED: Partial<Record<CommandKind, CommandSupport>> = {
  // Lines one by one; N11's answer per line has undocumented values, so a repeat is not assumed harmless.
  PICK: { supported: true, repeatSafe: false, partial: true, requires: [] },
  // "Siparişler yalnızca Picking statüsünde bölünebilmektedir".
  UNSUPPLY: { supported: true, repeatSafe: false, partial: true, requires: ["PICK"] },
  // One claim is one product: the whole claim is answered. A second answer to a decided claim is refused, not repeated.
  APPROVE_RETURN: { supported: true, repeatSafe: false, partial: false, requires: [] },
  REJECT_RETURN: { supported: true, repeatSafe: false, partial: false, requires: [] },
  // MakeOrderItemShipment for the order's items; "Ödendi" or "Kabul edildi" first, so PICK before it. A repeat on a
  // shipped item fails the precondition: not harmless.
  SHIP: { supported: true, repeatSafe: false, partial: true, requires: ["PICK"] },
};

/** How a store rejects N11 returns (ClaimReturnDeny): the reason id and the way the product goes back. */
export interface N11ReturnDeny {
  denyReasonId: number;
  /** The store's carrier as N11 numbers it (GetShipmentCompanies), for MakeOrderItemShipment. */
  shipmentCompanyId?: number;
}

interface PackageRead {
  id: string;
  status: string;
  lines: { lineId: string; quantity: number; status?: string }[];
}

const numeric = (id: string): number | string => (/^\d{1,15}$/.test(id) ? Number(id) : id);

function packagesIn(body: unknown): PackageRead[] {
  const content = isRecord(body) && Array.isArray(body.content) ? body.content : [];
  return content.filter(isRecord).map((raw) => ({
    id: idText(raw.id) ?? "",
    status: typeof raw.shipmentPackageStatus === "string" ? raw.shipmentPackageStatus : "",
    lines: (Array.isArray(raw.lines) ? raw.lines : []).filter(isRecord).map((line) => ({
      lineId: idText(line.orderLineId) ?? "",
      quantity: Number(line.quantity) || 0,
      ...(typeof line.orderItemLineItemStatusName === "string" ? { status: line.orderItemLineItemStatusName } : {}),
    })),
  }));
}

/** A refusal of ours, before anything is sent: `permanent` false when a later pull or step may change it. */
const notSent = (reason: string, permanent: boolean) => new MarketplaceCommandIncomplete("N11", [reason], { permanent });

/** The split-page answer `{ code, message }`: a code other than 200 is a refusal that came with HTTP 200. */
function splitRefusal(body: unknown): MarketplaceRejected | undefined {
  if (!isRecord(body) || typeof body.code !== "number" || body.code === 200) return undefined;
  return new MarketplaceRejected("N11", 200, [typeof body.message === "string" ? body.message : `code ${body.code}`]);
}

export function n11OrderCommands(transport: N11Transport, pageSize: number, deny: N11ReturnDeny = { denyReasonId: N11.returnDenyReasonId }): OrderCommandPort {
  async function claimList(search: { from: number; to: number } | { orderNumber: string }, page: number) {
    const response = await n11Soap(transport, { path: n11Paths.returnService, operation: "ClaimReturnList", fields: claimListFields(search, page), callType: "GET_CLAIMS", itemCount: 0 });
    return claimPage(response, page, new Date("from" in search ? search.from : Date.now()));
  }

  /** The claim's status as N11 lists it now, searched by its order; undefined when not found. */
  async function claimStatus(claim: ClaimTarget): Promise<string | undefined> {
    for (let page = 0; page < N11.claimObservePages; page += 1) {
      const read = await claimList({ orderNumber: claim.orderNumber }, page);
      const found = read.claims.find((c) => c.claimId === claim.claimId);
      if (found) return found.marketplaceStatus;
      if (!read.more) return undefined;
    }
    return undefined;
  }

  async function answerClaim(command: Extract<OrderCommand, { kind: "APPROVE_RETURN" | "REJECT_RETURN" }>): Promise<void> {
    const id: [string, string] = ["claimReturnId", command.claim.claimId];
    // "Ürün Mağazaya Ulaşmadı" goes without a shipment type; any other with CAMPAIGN and the shipment fields empty.
    const shipmentType = deny.denyReasonId === N11.returnNotReceivedReasonId ? "" : "CAMPAIGN";
    const fields = command.kind === "APPROVE_RETURN"
      ? xmlFields([id])
      : xmlFields([id, ["denyReasonId", deny.denyReasonId], ["denyReasonNote", command.reason.slice(0, 500)], ["returnShipmentType", shipmentType], ["shipmentCompanyId", ""], ["trackingNumber", ""], ["deliveryReceiptNumber", ""]]);
    await n11Soap(transport, { path: n11Paths.returnService, operation: command.kind === "APPROVE_RETURN" ? "ClaimReturnApprove" : "ClaimReturnDeny", fields, callType: "ORDER_COMMAND", itemCount: 1 });
  }

  /** MakeOrderItemShipment: each line with the store's carrier, the tracking number and method 1 (Kargo). */
  async function ship(command: Extract<OrderCommand, { kind: "SHIP" }>): Promise<void> {
    const companyId = deny.shipmentCompanyId;
    if (companyId === undefined) throw notSent("N11 needs the carrier's N11 id: set the store credential shipmentCompanyId", true);
    const tracking = command.trackingNumber ?? "";
    if (tracking === "") throw notSent("N11's shipment notice needs a tracking number", true);
    const items = command.target.lines
      .map((line) => `<orderItem>${xmlFields([["id", line.lineId]])}<shipmentInfo><shipmentCompany>${xmlFields([["id", companyId]])}</shipmentCompany>${xmlFields([["trackingNumber", tracking], ["shipmentMethod", N11.shipmentMethodCargo]])}</shipmentInfo></orderItem>`)
      .join("");
    await n11Soap(transport, { path: n11Paths.orderService, operation: "MakeOrderItemShipment", fields: `<orderItemList>${items}</orderItemList>`, callType: "ORDER_COMMAND", itemCount: command.target.lines.length });
  }

  function shipSeen(target: CommandTarget, packages: PackageRead[]): CommandObservation {
    const wanted = new Set(target.lines.map((line) => line.lineId));
    const statuses = new Set(packages.filter((p) => p.status !== "UnPacked").flatMap((p) => p.lines.filter((l) => wanted.has(l.lineId)).map((l) => l.status ?? p.status)));
    if (statuses.has("Created") || statuses.has("Picking")) return "NOT_APPLIED";
    if (statuses.has("Shipped") || statuses.has("Delivered")) return "APPLIED";
    return statuses.size > 0 ? "PASSED" : "UNKNOWN";
  }

  /** Every package of the order N11 lists now (one page, no status: each package in whatever status it has). */
  async function packagesOf(orderNumber: string): Promise<PackageRead[]> {
    const { body } = await n11Request(transport, {
      method: "GET",
      path: n11Paths.shipmentPackages,
      query: { orderNumber, page: "0", size: String(pageSize) },
      callType: "GET_ORDERS",
      itemCount: 0,
    });
    return packagesIn(body);
  }

  async function unsupply(target: CommandTarget, reason: UnsupplyReason): Promise<void> {
    const packages = await packagesOf(target.orderNumber);
    const wanted = new Set(target.lines.map((line) => line.lineId));
    const found = packages.find((p) => (target.packageId === undefined ? p.status === "Picking" && p.lines.some((l) => wanted.has(l.lineId)) : p.id === target.packageId));
    if (!found) throw notSent(`N11 lists no package ${target.packageId ?? ""} of order ${target.orderNumber} holding these lines`, false);
    if (found.status !== "Picking") throw notSent(`N11 splits only Picking packages; package ${found.id} is ${found.status}`, found.status !== "Created");
    const given = new Map(target.lines.map((line) => [line.lineId, line.quantity]));
    for (const line of target.lines) {
      const held = found.lines.find((l) => l.lineId === line.lineId)?.quantity ?? 0;
      if (line.quantity > held) throw notSent(`package ${found.id} holds ${held} of line ${line.lineId}, not ${line.quantity}`, true);
    }
    const kept = found.lines.map((l) => ({ orderLineId: numeric(l.lineId), quantities: l.quantity - (given.get(l.lineId) ?? 0) })).filter((l) => l.quantities > 0);
    // "yalnızca iptal yapılamaz": units go only with a split, so the package must keep some.
    if (kept.length === 0) throw notSent("N11's REST API cannot give up every unit of a package (only together with a split)", true);
    const cancelReasonId = N11_UNSUPPLY_REASONS[reason];
    await n11Request(transport, {
      method: "POST",
      path: n11Paths.splitByQuantity,
      body: JSON.stringify({
        splitPackages: [{ packageDetails: kept }],
        cancelledItems: target.lines.map((line) => ({ orderLineId: numeric(line.lineId), quantity: line.quantity, cancelReasonId })),
      }),
      callType: "ORDER_COMMAND",
      itemCount: target.lines.length,
      refusalIn: splitRefusal,
    });
  }

  function pickSeen(target: CommandTarget, packages: PackageRead[]): CommandObservation {
    const wanted = new Set(target.lines.map((line) => line.lineId));
    // The package a split replaced lists the lines too, but no longer holds them.
    // A line's own status where N11 gives one (orderItemLineItemStatusName), else its package's.
    const statuses = new Set(packages.filter((p) => p.status !== "UnPacked").flatMap((p) => p.lines.filter((l) => wanted.has(l.lineId)).map((l) => l.status ?? p.status)));
    if (statuses.has("Created")) return "NOT_APPLIED";
    if (statuses.has("Picking")) return "APPLIED";
    return statuses.size > 0 ? "PASSED" : "UNKNOWN";
  }

  function unsupplySeen(target: CommandTarget, packages: PackageRead[]): CommandObservation {
    const found = packages.find((p) => p.id === target.packageId);
    if (!found) return "UNKNOWN";
    // The split happened: the package was replaced by its parts.
    if (found.status === "UnPacked") return "APPLIED";
    return found.status === "Picking" || found.status === "Created" ? "NOT_APPLIED" : "PASSED";
  }

  return {
    support: (kind) => SUPPORTED[kind] ?? { supported: false, source: NOT_SUPPORTED[kind] ?? "not documented by N11" },
    groupOf: () => N11_COMMAND_GROUP,

    async send(command: OrderCommand) {
      if (command.kind === "PICK") {
        await n11Request(transport, {
          method: "PUT",
          path: n11Paths.orderUpdate,
          body: JSON.stringify({ lines: command.target.lines.map((line) => ({ lineId: numeric(line.lineId) })), status: "Picking" }),
          callType: "ORDER_COMMAND",
          itemCount: command.target.lines.length,
        });
        // Per-line answer values are undocumented: the package's status confirms it (observe, the pull).
        return { outcome: "ACCEPTED" };
      }
      if (command.kind === "UNSUPPLY") {
        await unsupply(command.target, command.reason);
        return { outcome: "ACCEPTED", ...(command.target.packageId === undefined ? {} : { reference: command.target.packageId }) };
      }
      if (command.kind === "APPROVE_RETURN" || command.kind === "REJECT_RETURN") {
        await answerClaim(command);
        // result.status success answers the claim itself.
        return { outcome: "CONFIRMED", reference: command.claim.claimId };
      }
      if (command.kind === "SHIP") {
        await ship(command);
        // result.status success is N11's word for the items listed; the package read confirms Shipped.
        return { outcome: "CONFIRMED", ...(command.trackingNumber === undefined ? {} : { reference: command.trackingNumber }) };
      }
      throw notSent(`N11 does not take ${command.kind} through its REST API`, true);
    },

    async observe(command: OrderCommand) {
      if (command.kind === "APPROVE_RETURN" || command.kind === "REJECT_RETURN") {
        const status = await claimStatus(command.claim);
        if (status === undefined) return "UNKNOWN";
        const state = n11ClaimState(status);
        if (state === "OPEN") return "NOT_APPLIED";
        return state === (command.kind === "APPROVE_RETURN" ? "APPROVED" : "REJECTED") ? "APPLIED" : "PASSED";
      }
      if (command.kind !== "PICK" && command.kind !== "UNSUPPLY" && command.kind !== "SHIP") return "UNKNOWN";
      const packages = await packagesOf(command.target.orderNumber);
      if (command.kind === "SHIP") return shipSeen(command.target, packages);
      return command.kind === "PICK" ? pickSeen(command.target, packages) : unsupplySeen(command.target, packages);
    },

    async pullClaims({ since, until, page }): Promise<ClaimPage> {
      // By request day: the window's days, paged from 0 (a day-wide search may read a claim again: intake keeps it once).
      const current = page === undefined ? 0 : Number(page);
      if (!Number.isSafeInteger(current) || current < 0 || since.getTime() >= until.getTime()) return { claims: [], next: null };
      const read = await claimList({ from: since.getTime(), to: until.getTime() - 1 }, current);
      return { claims: read.claims, next: read.more ? String(current + 1) : null };
    },
  };
}
