import { N11 } from "@pazarsync/backend/src/domains/marketplace/n11/facts";
import type { Incoming, Reply, SandboxOrderInput } from "../module";
import type { N11Account, N11Package, N11SandboxState } from "./state";

/** The package statuses N11 lists (one per request). */
export const N11_PACKAGE_STATUSES = ["Created", "Picking", "Shipped", "Cancelled", "Delivered", "UnPacked", "UnSupplied"];
/** N11 serves at most 15 days: a wider range is answered with its last 15 days only. A data range, not a wait: not scaled. */
export const N11_SANDBOX_MAX_WINDOW_MS = N11.orderWindowMaxMs;
export const N11_SANDBOX_MAX_PAGE_SIZE = 100;

const badRequest = (message: string): Reply => ({ status: 400, body: { status: 400, error: "Bad Request", message } });

/**
 * A marketplace order as the shipment package list answers it. It does not change the quantities
 * the account shows: the seller's system reserves the stock and pushes the new truth.
 */
export function createN11Package(state: N11SandboxState, account: N11Account, input: SandboxOrderInput, now: number): N11Package {
  const id = state.nextPackageId();
  const created: N11Package = {
    id,
    orderNumber: `N11${id}`,
    shipmentPackageStatus: "Created",
    createdDate: now,
    lastModifiedDate: now,
    lines: input.lines.map((line, i) => ({
      orderLineId: id * 100 + i + 1,
      stockCode: line.code,
      productName: `Product ${line.code}`,
      quantity: line.quantity,
      price: line.unitPrice / 100,
    })),
  };
  account.packages.set(String(id), created);
  return created;
}

/** The package, or every package of the order numbered so that is not cancelled or replaced yet, becomes Cancelled. */
export function cancelN11Package(account: N11Account, orderOrPackage: string, now: number): boolean {
  const byId = account.packages.get(orderOrPackage);
  const found = byId ? [byId] : [...account.packages.values()].filter((p) => p.orderNumber === orderOrPackage && p.shipmentPackageStatus !== "Cancelled" && p.shipmentPackageStatus !== "UnPacked");
  if (found.length === 0) return false;
  for (const p of found) {
    p.shipmentPackageStatus = "Cancelled";
    p.lastModifiedDate = Math.max(now, p.lastModifiedDate + 1);
  }
  return true;
}

/** A package as the list answers it: the number as a string, each line with its own status (the published client's model). */
export function packageView(account: N11Account, p: N11Package) {
  const lineStatus = (id: number) => (p.shipmentPackageStatus === "Created" && account.fulfilment.picked.has(id) ? "Picking" : p.shipmentPackageStatus);
  return { ...p, id: String(p.id), lines: p.lines.map((line) => ({ ...line, orderItemLineItemStatusName: lineStatus(line.orderLineId) })) };
}

const natural = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);

/**
 * GET /rest/delivery/v1/shipmentPackages?status&startDate&endDate&page&size (fixture
 * n11/order-pull.json): packages modified in [startDate, endDate] (epoch ms, both ends included),
 * one status per request, page from 0, size 1..100. A range wider than 15 days is not refused:
 * N11 answers it with the last 15 days only, which is what a client that asks for more loses.
 */
export function listN11Packages(account: N11Account, incoming: Incoming, now: number): Reply {
  const { status } = incoming.query;
  if (status !== undefined && status.includes(",")) return badRequest("Tek istekte yalnızca bir status gönderilebilir");
  if (status !== undefined && !N11_PACKAGE_STATUSES.includes(status)) return badRequest(`Geçersiz status: ${status}`);
  // Without dates N11 answers its last 15 days (what the published client observed); with one, a month from it.
  const noDates = incoming.query.startDate === undefined && incoming.query.endDate === undefined;
  const asked = noDates ? now - N11_SANDBOX_MAX_WINDOW_MS : natural(incoming.query.startDate);
  const end = noDates ? now : natural(incoming.query.endDate);
  if (asked === undefined || end === undefined || end < asked) return badRequest("startDate ve endDate epoch milisaniye olmalı (startDate <= endDate)");
  const { orderNumber, packageIds } = incoming.query;
  const ids = packageIds?.split(",").map((id) => id.trim());
  const start = Math.max(asked, end - N11_SANDBOX_MAX_WINDOW_MS);
  const page = natural(incoming.query.page) ?? 0;
  const size = natural(incoming.query.size) ?? 20;
  if (size < 1 || size > N11_SANDBOX_MAX_PAGE_SIZE) return badRequest(`size 1 ile ${N11_SANDBOX_MAX_PAGE_SIZE} arasında olmalı`);
  const matching = [...account.packages.values()]
    .filter((p) => (status === undefined || p.shipmentPackageStatus === status) && p.lastModifiedDate >= start && p.lastModifiedDate <= end)
    .filter((p) => (orderNumber === undefined || p.orderNumber === orderNumber) && (ids === undefined || ids.includes(String(p.id))))
    .sort((a, b) => a.lastModifiedDate - b.lastModifiedDate || a.id - b.id);
  return {
    status: 200,
    body: {
      // The package number comes as a string (published client's model).
      content: matching.slice(page * size, (page + 1) * size).map((p) => packageView(account, p)),
      page,
      size,
      totalPages: Math.ceil(matching.length / size),
      totalElements: matching.length,
    },
  };
}
