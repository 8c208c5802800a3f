/**
 * Hepsiburada's packages in the sandbox, as the fixture hepsiburada/packages-list shows them:
 * `GET /packages/merchantid/{merchantId}?Offset&limit` answers packed, not yet shipped packages as a
 * bare array (`limit` 1..10 required; the offset is spelled `Offset`: a lower-case `offset` is not
 * read, so it pages nowhere, as the published client warns). Without timespan or dates the list
 * holds the last 24 hours of packing (official). Control routes, for tests and the demo:
 * - `POST /__sandbox/marketplaces/hepsiburada/{account}/pack` `{ lineIds }`: the open lines named
 *   leave the open list and become one package (what is left of them after cancellations);
 * - `POST .../cancel-line` `{ lineId, quantity }`: one cancellation record of some units of an
 *   open line (orders.ts, cancelOpenLine).
 */
import { type Static, Type } from "@sinclair/typebox";
import { HEPSIBURADA } from "@pazarsync/backend/src/domains/marketplace/hepsiburada/facts";
import { parseBody } from "../control-body";
import type { Incoming, Reply } from "../module";
import { problem } from "../reply";
import { badRequest, cancelledUnits, cancelOpenLine, localTime } from "./orders";
import type { HepsiburadaAccount, HepsiburadaPackage, HepsiburadaPackageLine, HepsiburadaSandboxState } from "./state";

const natural = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);
const lira = (amount: number) => Math.round(amount * 100) / 100;

/** GET /packages/merchantid/{id}?Offset&limit: packages packed in the last 24 h, oldest first, a bare array. */
export function listHepsiburadaPackages(state: HepsiburadaSandboxState, account: HepsiburadaAccount, incoming: Incoming, now: number): Reply {
  const limit = natural(incoming.query.limit);
  if (limit === undefined) return badRequest("Bad Request limit and offset parameters are required");
  if (limit < 1 || limit > state.limits.packagesPageSize) return badRequest(`limit must be between 1 and ${state.limits.packagesPageSize}`);
  const offset = natural(incoming.query.Offset) ?? 0;
  const since = now - state.context.scaled(HEPSIBURADA.maxOrderWindowMs);
  // Packed, not yet shipped: a package leaves the list once it is in transit.
  const recent = account.packages.filter((entry) => entry.at >= since && entry.line.status === "Packaged");
  return { status: 200, body: recent.slice(offset, offset + limit).map((entry) => entry.line) };
}

const PackBody = Type.Object({ lineIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
const CancelLineBody = Type.Object({ lineId: Type.String({ minLength: 1, maxLength: 200 }), quantity: Type.Integer({ minimum: 1, maximum: 100_000 }) }, { additionalProperties: false });

/**
 * The named open lines packed into one package (what is left of each after cancellations), the
 * package listed as Packaged: shared by the packing call (commands.ts) and the `pack` control route.
 * Answers the line ids that are not open instead, when some are not.
 */
export function packOpenLines(state: HepsiburadaSandboxState, account: HepsiburadaAccount, lineIds: readonly string[], now: number): HepsiburadaPackage | { notOpen: string[] } {
  const entries = lineIds.map((id) => account.openLines.find((entry) => entry.line.id === id));
  const notOpen = lineIds.filter((_, i) => entries[i] === undefined);
  if (notOpen.length > 0) return { notOpen };
  const items: HepsiburadaPackageLine[] = entries.flatMap((entry) => {
    if (!entry) return [];
    const { line } = entry;
    const quantity = line.quantity - cancelledUnits(account, line.id);
    return [
      {
        lineItemId: line.id,
        merchantId: line.merchantId,
        hbSku: line.sku,
        merchantSku: line.merchantSKU,
        productBarcode: line.productBarcode,
        quantity,
        price: { currency: "TRY", amount: line.unitPrice.amount },
        totalPrice: { currency: "TRY", amount: lira(line.unitPrice.amount * quantity) },
        orderNumber: line.orderNumber,
        orderDate: line.orderDate,
      },
    ];
  });
  const dueDate = entries.reduce((min, entry) => (entry && entry.line.dueDate < min ? entry.line.dueDate : min), entries[0]?.line.dueDate ?? localTime(now));
  account.openLines = account.openLines.filter((entry) => !entries.includes(entry));
  const number = String(state.nextPackageNumber());
  const created: HepsiburadaPackage = {
    id: `pk-${number}`,
    packageNumber: number,
    barcode: `62${number}`,
    status: "Packaged",
    dueDate,
    orderDate: items[0]?.orderDate ?? localTime(now),
    cargoCompany: "Yurtiçi Kargo",
    totalPrice: { currency: "TRY", amount: lira(items.reduce((sum, item) => sum + item.totalPrice.amount, 0)) },
    items,
  };
  account.packages.push({ line: created, at: now });
  return created;
}

/** Control route `pack` `{ lineIds }`: 404 naming a line that is not open. */
export function packHepsiburadaLines(state: HepsiburadaSandboxState, account: HepsiburadaAccount, incoming: Incoming, now: number): Reply {
  const body = parseBody<Static<typeof PackBody>>(PackBody, incoming.body);
  if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
  const packed = packOpenLines(state, account, body.lineIds, now);
  if ("notOpen" in packed) return problem(404, "NOT_FOUND", `No open line ${packed.notOpen.join(", ")}`);
  return { status: 201, body: { packageNumber: packed.packageNumber, barcode: packed.barcode } };
}

/** Some units of one open line cancelled (a record on the cancelled list); 404 when the line is not open, 422 past what is left. */
export function cancelHepsiburadaLine(account: HepsiburadaAccount, incoming: Incoming, now: number): Reply {
  const body = parseBody<Static<typeof CancelLineBody>>(CancelLineBody, incoming.body);
  if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
  const entry = account.openLines.find((open) => open.line.id === body.lineId);
  if (!entry) return problem(404, "NOT_FOUND", `No open line ${body.lineId}`);
  const left = entry.line.quantity - cancelledUnits(account, entry.line.id);
  if (body.quantity > left) return problem(422, "VALIDATION_FAILED", `line ${body.lineId} has ${left} units left`);
  cancelOpenLine(account, entry, body.quantity, now);
  return { status: 200, body: { lineId: body.lineId, cancelled: body.quantity, left: left - body.quantity } };
}
