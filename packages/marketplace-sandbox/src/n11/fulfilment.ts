/**
 * N11's way back in the sandbox, from the fixtures (order-line-update, order-unsupply, order-read):
 * - `PUT /rest/order/v1/update {lines: [{lineId}], status: "Picking"}`: each line of a Created
 *   package is picked (the package turns Picking once all its lines are); the answer is a result
 *   per line, SUCCESS or FAIL with a reason (the values are ours: no source shows them);
 * - `POST /rest/delivery/v1/splitPackageByQuantity {splitPackages: [{packageDetails: [{orderLineId,
 *   quantities}]}], cancelledItems: [{orderLineId, quantity, cancelReasonId}]}`: only a Picking
 *   package, only with a split ("yalnızca iptal yapılamaz"); the package becomes UnPacked, each
 *   split group and the units not named come in new Picking packages, the units given up in a
 *   Cancelled one, all with the order's number and the lines' orderLineIds (the quantity page gives
 *   the new part new line ids; keeping them is the sandbox's simplification, as the split control
 *   route does);
 * - control route `order-state?orderNumber=`: packages, units given up with N11's reason, and
 *   command calls per kind, its return claims (claims.ts) and the tracking number the seller gave
 *   (shipments.ts); no invoice (no seller invoice call in N11's SOAP manual).
 */
import type { Incoming, Reply } from "../module";
import { countCall, isRecord, parseJson as json } from "../json-body";
import { packageView } from "./orders";
import { newPackage, touched } from "./package-changes";
import type { N11Account, N11Package, N11SandboxState } from "./state";

const REASON_IDS = new Set([61, 62, 63, 64, 65]);
const refused = (message: string): Reply => ({ status: 400, body: { code: 400, message } });

function counted(account: N11Account, orderNumber: string, kind: string): void {
  countCall(account.fulfilment.calls, orderNumber, kind);
}

/** The live package (not replaced, not given up) holding this line. */
function holding(account: N11Account, lineId: number): N11Package | undefined {
  return [...account.packages.values()].find((p) => p.shipmentPackageStatus !== "UnPacked" && p.shipmentPackageStatus !== "Cancelled" && p.lines.some((l) => l.orderLineId === lineId));
}

export function updateN11Lines(account: N11Account, text: string, now: number): Reply {
  const body = json(text);
  if (!isRecord(body) || !Array.isArray(body.lines) || body.lines.length === 0) return { status: 400, body: { status: 400, error: "Bad Request", message: "lines zorunludur" } };
  if (body.status !== "Picking") return { status: 400, body: { status: 400, error: "Bad Request", message: "status yalnızca Picking olabilir" } };
  const seenOrders = new Set<string>();
  const content = body.lines.map((raw) => {
    const lineId = isRecord(raw) ? Number(raw.lineId) : Number.NaN;
    const found = Number.isSafeInteger(lineId) ? holding(account, lineId) : undefined;
    if (!found) return { lineId, status: "FAIL", reasons: "Sipariş kalemi bulunamadı" };
    if (!seenOrders.has(found.orderNumber)) counted(account, found.orderNumber, "PICK");
    seenOrders.add(found.orderNumber);
    if (found.shipmentPackageStatus === "Picking") return { lineId, status: "SUCCESS", reasons: "" };
    if (found.shipmentPackageStatus !== "Created") return { lineId, status: "FAIL", reasons: `Sipariş kalemi ${found.shipmentPackageStatus} statüsünde, Picking yapılamaz` };
    account.fulfilment.picked.add(lineId);
    if (found.lines.every((l) => account.fulfilment.picked.has(l.orderLineId))) {
      found.shipmentPackageStatus = "Picking";
      touched(found, now);
    }
    return { lineId, status: "SUCCESS", reasons: "" };
  });
  return { status: 200, body: { content } };
}

interface Units {
  orderLineId: number;
  quantity: number;
}

function unitsOf(list: unknown, quantityKey: "quantities" | "quantity"): Units[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const units = list.map((raw) => (isRecord(raw) ? { orderLineId: Number(raw.orderLineId), quantity: Number(raw[quantityKey]) } : undefined));
  return units.every((u) => u !== undefined && Number.isSafeInteger(u.orderLineId) && Number.isSafeInteger(u.quantity) && u.quantity > 0) ? (units as Units[]) : undefined;
}

const linesOf = (from: N11Package, units: Units[]) =>
  units.map((u) => ({ ...(from.lines.find((l) => l.orderLineId === u.orderLineId) ?? from.lines[0]), orderLineId: u.orderLineId, quantity: u.quantity })) as N11Package["lines"];

export function splitN11ByQuantity(state: N11SandboxState, account: N11Account, text: string, now: number): Reply {
  const body = json(text);
  if (!isRecord(body) || !Array.isArray(body.splitPackages) || body.splitPackages.length === 0) return refused("Bu servisten yalnızca iptal yapılamaz: splitPackages zorunludur");
  const groups = body.splitPackages.map((group) => (isRecord(group) ? unitsOf(group.packageDetails, "quantities") : undefined));
  const cancelled = body.cancelledItems === undefined ? [] : unitsOf(body.cancelledItems, "quantity");
  if (groups.some((g) => g === undefined || g.length === 0) || cancelled === undefined) return refused("packageDetails ve cancelledItems orderLineId ve pozitif miktar içermeli");
  const reasons = Array.isArray(body.cancelledItems) ? body.cancelledItems.map((raw) => (isRecord(raw) ? Number(raw.cancelReasonId) : Number.NaN)) : [];
  if (reasons.some((id) => !REASON_IDS.has(id))) return refused("cancelReasonId geçersiz");
  const named = [...(groups as Units[][]).flat(), ...cancelled];
  const found = named[0] === undefined ? undefined : holding(account, named[0].orderLineId);
  if (!found) return refused("Sipariş kalemi bulunamadı");
  counted(account, found.orderNumber, cancelled.length > 0 ? "UNSUPPLY" : "SPLIT");
  if (found.shipmentPackageStatus !== "Picking") return refused("Siparişler yalnızca Picking statüsünde bölünebilmektedir");
  if (named.some((u) => !found.lines.some((l) => l.orderLineId === u.orderLineId))) return refused("Body içerisinde aynı siparişe ait ürünler bulunmalıdır");
  const rest: Units[] = [];
  for (const line of found.lines) {
    const used = named.filter((u) => u.orderLineId === line.orderLineId).reduce((sum, u) => sum + u.quantity, 0);
    if (used > line.quantity) return refused(`Gönderilen miktar toplamı sipariş ürün miktarından fazla olamaz: ${line.orderLineId}`);
    if (line.quantity - used > 0) rest.push({ orderLineId: line.orderLineId, quantity: line.quantity - used });
  }
  found.shipmentPackageStatus = "UnPacked";
  touched(found, now);
  for (const group of groups as Units[][]) newPackage(state, account, found, "Picking", linesOf(found, group), now);
  if (rest.length > 0) newPackage(state, account, found, "Picking", linesOf(found, rest), now);
  if (cancelled.length > 0) {
    newPackage(state, account, found, "Cancelled", linesOf(found, cancelled), now);
    const given = account.fulfilment.givenUp.get(found.orderNumber) ?? [];
    given.push(...cancelled.map((u, i) => ({ ...u, cancelReasonId: reasons[i] ?? 0 })));
    account.fulfilment.givenUp.set(found.orderNumber, given);
  }
  return { status: 200, body: { code: 200, message: "success" } };
}

/** `order-state?orderNumber=`; undefined for another `what`. */
export function n11OrderState(account: N11Account, what: string, incoming: Incoming): Reply | undefined {
  if (what !== "order-state") return undefined;
  const orderNumber = incoming.query.orderNumber ?? "";
  const packages = [...account.packages.values()].filter((p) => p.orderNumber === orderNumber);
  if (packages.length === 0) return { status: 404, body: { message: `No order ${orderNumber}` } };
  return {
    status: 200,
    body: {
      orderNumber,
      packages: packages.map((p) => packageView(account, p)),
      givenUp: account.fulfilment.givenUp.get(orderNumber) ?? [],
      invoiceNumber: null,
      // N11's SOAP manual has no seller invoice call: nothing to hold.
      trackingNumber: packages.flatMap((p) => p.lines).map((l) => account.fulfilment.shipped.get(l.orderLineId)?.trackingNumber).find((t) => t !== undefined) ?? null,
      claims: [...account.fulfilment.claims.values()].filter((c) => c.orderNumber === orderNumber).map((c) => ({ claimReturnId: String(c.claimReturnId), status: c.status, quantity: c.quantity })),
      commandCalls: account.fulfilment.calls.get(orderNumber) ?? {},
    },
  };
}
