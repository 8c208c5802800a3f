/**
 * What happens to an N11 package after it was created, as tests and the demo have the sandbox play
 * it (control routes `/__sandbox/marketplaces/n11/{account}/{what}`):
 * - `package-status` `{packageId, status}`: the package moves on (Picking, Shipped, Delivered ...);
 * - `split` `{packageId, orderLineIds}`: a Picking package is split as magazadestek.n11.com
 *   "RestAPI Sipariş Paket Bölme" shows it: the package becomes UnPacked, the named lines and the
 *   rest each come in a new Picking package with the same orderNumber, the lines keeping their
 *   orderLineId;
 * - `cancel-lines` `{packageId, lines: [{orderLineId, quantity}]}`: the buyer cancels some units;
 *   the package becomes Cancelled listing only them, and the rest comes in a new package with the
 *   same orderNumber and status (the listing page: after a partial cancel the lines not cancelled
 *   are listed under a new package number; which lines the cancelled package lists is not shown
 *   there, the sandbox lists the cancelled ones, as Trendyol does).
 * Every change moves lastModifiedDate to now, which is what moves a package between lists.
 */
import { Type } from "@sinclair/typebox";
import { parseBody } from "../control-body";
import type { Incoming, Reply } from "../module";
import { N11_PACKAGE_STATUSES } from "./orders";
import type { N11Account, N11Package, N11SandboxState } from "./state";

const refused = (message: string): Reply => ({ status: 400, body: { status: 400, error: "Bad Request", message } });

const StatusBody = Type.Object({ packageId: Type.String({ minLength: 1 }), status: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const SplitBody = Type.Object({ packageId: Type.String({ minLength: 1 }), orderLineIds: Type.Array(Type.Integer(), { minItems: 1 }) }, { additionalProperties: false });
const CancelBody = Type.Object(
  { packageId: Type.String({ minLength: 1 }), lines: Type.Array(Type.Object({ orderLineId: Type.Integer(), quantity: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), { minItems: 1 }) },
  { additionalProperties: false },
);

export function touched(found: N11Package, now: number): void {
  found.lastModifiedDate = Math.max(now, found.lastModifiedDate + 1);
}

export function newPackage(state: N11SandboxState, account: N11Account, from: N11Package, status: string, lines: N11Package["lines"], now: number): N11Package {
  const id = state.nextPackageId();
  const created: N11Package = { id, orderNumber: from.orderNumber, shipmentPackageStatus: status, createdDate: now, lastModifiedDate: now, lines };
  account.packages.set(String(id), created);
  return created;
}

const view = (p: N11Package | null) => (p ? { ...p, id: String(p.id) } : null);

function setStatus(account: N11Account, text: string, now: number): Reply {
  const body = parseBody<{ packageId: string; status: string }>(StatusBody, text);
  if (typeof body === "string") return refused(body);
  const found = account.packages.get(body.packageId);
  if (!found) return { status: 404, body: { message: `No package ${body.packageId}` } };
  if (!N11_PACKAGE_STATUSES.includes(body.status)) return refused(`Geçersiz status: ${body.status}`);
  found.shipmentPackageStatus = body.status;
  touched(found, now);
  return { status: 200, body: view(found) };
}

function split(state: N11SandboxState, account: N11Account, text: string, now: number): Reply {
  const body = parseBody<{ packageId: string; orderLineIds: number[] }>(SplitBody, text);
  if (typeof body === "string") return refused(body);
  const found = account.packages.get(body.packageId);
  if (!found) return { status: 404, body: { message: `No package ${body.packageId}` } };
  // "Siparişler yalnızca Picking statüsünde bölünebilmektedir, Created statülü siparişler bölünemez."
  if (found.shipmentPackageStatus !== "Picking") return refused("Siparişler yalnızca Picking statüsünde bölünebilmektedir");
  const named = found.lines.filter((line) => body.orderLineIds.includes(line.orderLineId));
  const rest = found.lines.filter((line) => !body.orderLineIds.includes(line.orderLineId));
  if (named.length === 0 || rest.length === 0) return refused("orderLineIds paketin bir kısmını seçmeli");
  found.shipmentPackageStatus = "UnPacked";
  touched(found, now);
  const parts = [newPackage(state, account, found, "Picking", named.map((l) => ({ ...l })), now), newPackage(state, account, found, "Picking", rest.map((l) => ({ ...l })), now)];
  return { status: 200, body: { unpacked: view(found), packages: parts.map(view) } };
}

function cancelLines(state: N11SandboxState, account: N11Account, text: string, now: number): Reply {
  const body = parseBody<{ packageId: string; lines: { orderLineId: number; quantity: number }[] }>(CancelBody, text);
  if (typeof body === "string") return refused(body);
  const found = account.packages.get(body.packageId);
  if (!found) return { status: 404, body: { message: `No package ${body.packageId}` } };
  if (found.shipmentPackageStatus !== "Created" && found.shipmentPackageStatus !== "Picking") return refused("Yalnızca Created veya Picking paketler iptal edilebilir");
  const cancelled: N11Package["lines"] = [];
  const rest: N11Package["lines"] = [];
  for (const line of found.lines) {
    const asked = body.lines.find((l) => l.orderLineId === line.orderLineId)?.quantity ?? 0;
    const take = Math.min(asked, line.quantity);
    if (take > 0) cancelled.push({ ...line, quantity: take });
    if (line.quantity - take > 0) rest.push({ ...line, quantity: line.quantity - take });
  }
  if (cancelled.length === 0) return refused("İptal edilecek ürün bulunamadı");
  const status = found.shipmentPackageStatus;
  found.shipmentPackageStatus = "Cancelled";
  found.lines = cancelled;
  touched(found, now);
  const moved = rest.length > 0 ? newPackage(state, account, found, status, rest, now) : null;
  return { status: 200, body: { cancelled: view(found), rest: view(moved) } };
}

/** One of the control routes above; undefined for another `what`. */
export function n11PackageChange(state: N11SandboxState, account: N11Account, what: string, incoming: Incoming, now: number): Reply | undefined {
  if (what === "package-status") return setStatus(account, incoming.body, now);
  if (what === "split") return split(state, account, incoming.body, now);
  if (what === "cancel-lines") return cancelLines(state, account, incoming.body, now);
  return undefined;
}
