/**
 * Trendyol returns (claims) as the sandbox plays them, in the shape of
 * packages/marketplace-fixtures/trendyol/claims-list.json: a claim per returned package, one
 * claim item per unit, each with its own status. A control route creates one for a delivered
 * package (WaitingInAction: it reached the seller); approve moves its units to Accepted, a
 * rejection request to Unresolved (Trendyol then decides). The list filters on the claim date
 * (creation) and pages from 0, newest modification first.
 */
import { randomUUID } from "node:crypto";
import type { Reply } from "./module";
import type { SandboxPackage } from "./trendyol-orders";

export type ClaimItemStatus = "Created" | "WaitingInAction" | "WaitingFraudCheck" | "Accepted" | "Rejected" | "Unresolved" | "Cancelled" | "InAnalysis";

interface ClaimUnit {
  id: string;
  orderLineItemId: number;
  status: ClaimItemStatus;
}

interface ClaimLine {
  lineId: number;
  barcode: string;
  unitPrice: number;
  units: ClaimUnit[];
}

export interface SandboxClaim {
  claimId: string;
  sellerId: string;
  orderNumber: string;
  orderDate: number;
  packageId: number;
  claimDate: number;
  lastModifiedDate: number;
  lines: ClaimLine[];
}

const refused = (message: string): Reply => ({ status: 400, body: { errors: [{ key: "claim.invalid", message }] } });
const REASON = { id: "401", name: "Vazgeçtim", externalReasonId: 401, code: "CHANGED_MIND" };
/** createClaimIssue: reasons that need no evidence files. */
const WITHOUT_FILES = [1651, 451, 2101];
const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

export function claimPayload(claim: SandboxClaim): Record<string, unknown> {
  return {
    id: claim.claimId,
    claimId: claim.claimId,
    orderNumber: claim.orderNumber,
    orderDate: claim.orderDate,
    claimDate: claim.claimDate,
    cargoTrackingNumber: 7_260_000_000_000 + claim.packageId,
    cargoProviderName: "Trendyol Express",
    orderShipmentPackageId: claim.packageId,
    lastModifiedDate: claim.lastModifiedDate,
    orderOutboundPackageId: claim.packageId,
    items: claim.lines.map((line) => ({
      orderLine: { id: line.lineId, productName: line.barcode, barcode: line.barcode, merchantSku: line.barcode, price: line.unitPrice / 100 },
      claimItems: line.units.map((unit) => ({
        id: unit.id,
        orderLineItemId: unit.orderLineItemId,
        customerClaimItemReason: REASON,
        trendyolClaimItemReason: REASON,
        claimItemStatus: { name: unit.status },
        note: "",
        customerNote: "",
        resolved: false,
        autoAccepted: false,
        acceptedBySeller: unit.status === "Accepted" || unit.status === "WaitingFraudCheck",
      })),
    })),
  };
}

export class TrendyolClaimBook {
  private readonly claims = new Map<string, SandboxClaim>();
  private nextUnit = 900_000_001;

  /** A return of these units of a delivered package (every unit when no lines are named). */
  create(pkg: SandboxPackage, lines: { lineId: number; quantity: number }[] | undefined, status: ClaimItemStatus, now: number): SandboxClaim | string {
    if (pkg.status !== "Delivered") return `A ${pkg.status} package cannot be returned (only Delivered)`;
    const named = lines ?? pkg.lines.map((line) => ({ lineId: line.lineId ?? 0, quantity: line.quantity }));
    const claimLines: ClaimLine[] = [];
    for (const { lineId, quantity } of named) {
      const line = pkg.lines.find((l) => l.lineId === lineId);
      if (!line || quantity > line.quantity) return `Line ${lineId} does not hold ${quantity} units`;
      const units = Array.from({ length: quantity }, () => ({ id: randomUUID(), orderLineItemId: this.nextUnit++, status }));
      claimLines.push({ lineId, barcode: line.barcode, unitPrice: line.unitPrice, units });
    }
    const claim: SandboxClaim = { claimId: randomUUID(), sellerId: pkg.sellerId, orderNumber: pkg.orderNumber, orderDate: pkg.orderDate, packageId: pkg.packageId, claimDate: now, lastModifiedDate: now, lines: claimLines };
    this.claims.set(claim.claimId, claim);
    return claim;
  }

  find(sellerId: string, claimId: string): SandboxClaim | undefined {
    const found = this.claims.get(claimId);
    return found?.sellerId === sellerId ? found : undefined;
  }

  ofOrder(sellerId: string, orderNumber: string): SandboxClaim[] {
    return [...this.claims.values()].filter((c) => c.sellerId === sellerId && c.orderNumber === orderNumber);
  }

  /** Moves every unit (or the named ones) to a status: the control route plays Trendyol's own moves. */
  setStatus(claim: SandboxClaim, status: ClaimItemStatus, now: number, unitIds?: readonly string[]): void {
    for (const unit of claim.lines.flatMap((line) => line.units)) if (!unitIds || unitIds.includes(unit.id)) unit.status = status;
    claim.lastModifiedDate = Math.max(now, claim.lastModifiedDate + 1);
  }

  /** GET .../claims (claims-list.json). */
  list(sellerId: string, query: Record<string, string>): Reply {
    const number = (name: string) => (query[name] === undefined ? undefined : /^\d{1,15}$/.test(query[name] ?? "") ? Number(query[name]) : Number.NaN);
    const [start, end, page, size] = [number("startDate"), number("endDate"), number("page") ?? 0, number("size") ?? PAGE_SIZE];
    if ([start, end, page, size].some((n) => Number.isNaN(n)) || size < 1 || size > MAX_PAGE_SIZE) return refused("startDate, endDate, page and size must be whole numbers");
    const ids = query.claimIds?.split(",").filter((id) => id.length > 0);
    const listed = [...this.claims.values()]
      .filter((c) => c.sellerId === sellerId)
      // claimIds given: every other parameter is ignored (getClaims page).
      .filter((c) =>
        ids
          ? ids.includes(c.claimId)
          : (start === undefined || c.claimDate >= start) &&
            (end === undefined || c.claimDate <= end) &&
            (query.orderNumber === undefined || c.orderNumber === query.orderNumber) &&
            (query.claimItemStatus === undefined || c.lines.some((l) => l.units.some((u) => u.status === query.claimItemStatus))),
      )
      .sort((a, b) => b.lastModifiedDate - a.lastModifiedDate);
    const content = listed.slice(page * size, page * size + size).map(claimPayload);
    return { status: 200, body: { totalElements: listed.length, totalPages: Math.ceil(listed.length / size), page, size, content } };
  }

  /** Units named must all be waiting for the seller (only WaitingInAction claims may be answered). */
  private waitingUnits(claim: SandboxClaim, unitIds: readonly string[]): ClaimUnit[] | string {
    const units = claim.lines.flatMap((line) => line.units);
    const named = units.filter((unit) => unitIds.includes(unit.id));
    if (named.length === 0 || named.length !== new Set(unitIds).size) return "Unknown claim item id";
    const other = named.find((unit) => unit.status !== "WaitingInAction");
    return other ? `Claim item ${other.id} is ${other.status}, only WaitingInAction can be answered` : named;
  }

  /** PUT .../claims/{claimId}/items/approve {claimLineItemIdList, params} (claim-approve.json). */
  approve(claim: SandboxClaim, body: string, now: number): Reply {
    let ids: unknown;
    try {
      ids = (JSON.parse(body) as { claimLineItemIdList?: unknown }).claimLineItemIdList;
    } catch {
      return refused("the body is not JSON");
    }
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string")) return refused("claimLineItemIdList must list claim item ids");
    const units = this.waitingUnits(claim, ids);
    if (typeof units === "string") return refused(units);
    this.setStatus(claim, "Accepted", now, ids);
    return { status: 200 };
  }

  /** POST .../claims/{claimId}/issue?claimIssueReasonId&claimItemIdList&description (claim-issue.json). */
  issue(claim: SandboxClaim, query: Record<string, string>, hasFiles: boolean, now: number): Reply {
    const reasonId = Number(query.claimIssueReasonId);
    if (!Number.isInteger(reasonId)) return refused("claimIssueReasonId is required");
    if (!WITHOUT_FILES.includes(reasonId) && !hasFiles) return refused(`claimIssueReasonId ${reasonId} needs files`);
    if ((query.description ?? "").length > 500) return refused("description is at most 500 characters");
    const ids = (query.claimItemIdList ?? "").split(",").filter((id) => id.length > 0);
    const units = this.waitingUnits(claim, ids);
    if (typeof units === "string") return refused(units);
    this.setStatus(claim, "Unresolved", now, ids);
    return { status: 200 };
  }
}
