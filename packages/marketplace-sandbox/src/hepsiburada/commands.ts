/**
 * Hepsiburada's order commands in the sandbox, as the fixtures show them (package-create,
 * package-invoice, missing-invoice, package-intransit / deliver / undeliver, package-detail,
 * package-labels, line-cancel, order-detail):
 * - packing open lines answers 201 `{packageNumber, barcode}` (a line not open: 400);
 * - an invoice link is kept per package (204); a second one is refused 409 (published client);
 * - in-transit only from Packaged with every mandatory field, dates not older than 7 days nor
 *   before the packing (official); deliver / undeliver only from InTransit (official); every other
 *   transition is refused 400, the spec's only documented refusal;
 * - cancelbymerchant cancels what is left of an open line (a packed or unknown line: 400) and the
 *   record appears in the cancelled list as the cancel-line control route's does.
 * Every call naming an order is counted per kind (order-state.ts shows the counts).
 */
import type { Incoming, Reply } from "../module";
import { badRequest, cancelledUnits, cancelOpenLine, localTime } from "./orders";
import { packOpenLines } from "./packages";
import type { HepsiburadaAccount, HepsiburadaLineEntry, HepsiburadaPackage, HepsiburadaPackageStatus, HepsiburadaSandboxState } from "./state";

const DAY = 24 * 60 * 60 * 1000;
const notFound = (detail: string): Reply => ({ status: 404, body: { title: "Not Found", status: 404, detail } });

function json(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One call of `kind` counted for each order it names. */
export function countCall(account: HepsiburadaAccount, orderNumbers: Iterable<string>, kind: string): void {
  for (const number of new Set(orderNumbers)) {
    const counts = account.commandCalls.get(number) ?? {};
    counts[kind] = (counts[kind] ?? 0) + 1;
    account.commandCalls.set(number, counts);
  }
}

export function packageEntry(account: HepsiburadaAccount, packageNumber: string): HepsiburadaLineEntry<HepsiburadaPackage> | undefined {
  return account.packages.find((entry) => entry.line.packageNumber === packageNumber);
}

const ordersOf = (pkg: HepsiburadaPackage) => pkg.items.map((item) => item.orderNumber);

/** POST /packages/merchantid/{id} `{lineItemRequests: [{id, quantity}]}`. */
export function packRequest(state: HepsiburadaSandboxState, account: HepsiburadaAccount, incoming: Incoming, now: number): Reply {
  const body = json(incoming.body);
  const requests = Array.isArray(body?.lineItemRequests) ? body.lineItemRequests : undefined;
  if (!requests || requests.length === 0) return badRequest("lineItemRequests is required");
  const asked: { id: string; quantity: number }[] = [];
  for (const request of requests) {
    const record = request !== null && typeof request === "object" ? (request as Record<string, unknown>) : {};
    if (typeof record.id !== "string" || !Number.isInteger(record.quantity)) return badRequest("each line item needs an id and a whole quantity");
    asked.push({ id: record.id, quantity: Number(record.quantity) });
  }
  const named = asked.flatMap(({ id }) => account.openLines.find((entry) => entry.line.id === id)?.line.orderNumber ?? []);
  countCall(account, named, "pack");
  for (const { id, quantity } of asked) {
    const entry = account.openLines.find((open) => open.line.id === id);
    if (!entry) return badRequest(`line item ${id} is not open for packing`);
    // Undocumented what a partial quantity does: the sandbox takes only what is left of the line.
    const left = entry.line.quantity - cancelledUnits(account, id);
    if (quantity !== left) return badRequest(`line item ${id} has ${left} units to pack`);
  }
  const packed = packOpenLines(state, account, asked.map(({ id }) => id), now);
  if ("notOpen" in packed) return badRequest(`line item ${packed.notOpen.join(", ")} is not open for packing`);
  return { status: 201, body: { packageNumber: packed.packageNumber, barcode: packed.barcode } };
}

/** PUT .../packagenumber/{n}/invoice: the link kept; 409 when the package has one. */
export function invoiceRequest(account: HepsiburadaAccount, packageNumber: string, incoming: Incoming): Reply {
  const entry = packageEntry(account, packageNumber);
  if (!entry) return notFound(`package ${packageNumber} not found`);
  countCall(account, ordersOf(entry.line), "invoice");
  const body = json(incoming.body);
  if (typeof body?.invoiceLink !== "string" || !/^https?:\/\//.test(body.invoiceLink)) return badRequest("invoiceLink must be the invoice's http(s) url");
  const record = account.packageRecords.get(packageNumber) ?? {};
  if (record.invoiceLink) return { status: 409, body: { title: "Conflict", status: 409, detail: `package ${packageNumber} already carries an invoice` } };
  const number = `${typeof body.serialNumber === "string" ? body.serialNumber : ""}${typeof body.rowNumber === "string" ? body.rowNumber : ""}`;
  account.packageRecords.set(packageNumber, { ...record, invoiceLink: body.invoiceLink, ...(number ? { invoiceNumber: number } : {}) });
  return { status: 204 };
}

/** GET .../missing-invoice?offset&limit: packages without an invoice, oldest first. */
export function missingInvoiceList(account: HepsiburadaAccount, incoming: Incoming, maxLimit: number): Reply {
  const offset = Number(incoming.query.offset ?? "0");
  const limit = Number(incoming.query.limit ?? String(maxLimit));
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) return badRequest(`offset and limit (1..${maxLimit}) must be whole numbers`);
  const missing = account.packages.filter((entry) => !account.packageRecords.get(entry.line.packageNumber)?.invoiceLink);
  const items = missing.slice(offset, offset + limit).map(({ line }) => ({ packageNumber: line.packageNumber, orderNumbers: [...new Set(ordersOf(line))], status: line.status }));
  return { status: 200, body: { items, limit, offset, pageCount: Math.ceil(missing.length / limit), totalCount: missing.length } };
}

const MANDATORY: Record<"intransit" | "deliver" | "undeliver", { from: HepsiburadaPackageStatus; to: HepsiburadaPackageStatus; dates: string[]; texts: string[]; numbers: string[] }> = {
  intransit: { from: "Packaged", to: "InTransit", dates: ["shippedDate", "estimatedArrivalDate"], texts: ["trackingUrl", "trackingNumber", "trackingPhoneNumber"], numbers: ["tax", "cost", "deci"] },
  deliver: { from: "InTransit", to: "Delivered", dates: ["receivedDate"], texts: [], numbers: [] },
  undeliver: { from: "InTransit", to: "Undelivered", dates: ["undeliveredDate"], texts: ["undeliveredReason"], numbers: [] },
};

/** POST .../packagenumber/{n}/intransit | deliver | undeliver, with the allowed transitions. */
export function transitionRequest(account: HepsiburadaAccount, packageNumber: string, step: "intransit" | "deliver" | "undeliver", incoming: Incoming, now: number): Reply {
  const entry = packageEntry(account, packageNumber);
  if (!entry) return notFound(`package ${packageNumber} not found`);
  countCall(account, ordersOf(entry.line), step);
  const rule = MANDATORY[step];
  if (entry.line.status !== rule.from) return badRequest(`package ${packageNumber} is ${entry.line.status}: ${step} needs ${rule.from}`);
  const body = json(incoming.body) ?? {};
  for (const name of rule.texts) if (typeof body[name] !== "string" || String(body[name]).length === 0) return badRequest(`${name} is required`);
  for (const name of rule.numbers) if (typeof body[name] !== "number") return badRequest(`${name} is required`);
  for (const name of rule.dates) {
    const at = typeof body[name] === "string" ? Date.parse(String(body[name])) : Number.NaN;
    if (Number.isNaN(at)) return badRequest(`${name} is required`);
    // Official: no date older than 7 days; the in-transit date not before the packing.
    if (name !== "estimatedArrivalDate" && at < now - 7 * DAY) return badRequest(`${name} must not be older than 7 days`);
    if (name === "shippedDate" && at < entry.at - 60_000) return badRequest("shippedDate must not be before the packing");
  }
  entry.line.status = rule.to;
  if (step === "intransit") {
    const record = account.packageRecords.get(packageNumber) ?? {};
    account.packageRecords.set(packageNumber, { ...record, trackingNumber: String(body.trackingNumber), trackingUrl: String(body.trackingUrl), shippedAt: now });
  }
  return { status: 200, body: "Ok" };
}

/** GET .../packagenumber/{n}: the tracking summary. */
export function packageDetail(account: HepsiburadaAccount, packageNumber: string): Reply {
  const entry = packageEntry(account, packageNumber);
  if (!entry) return notFound(`package ${packageNumber} not found`);
  const record = account.packageRecords.get(packageNumber) ?? {};
  const { line } = entry;
  return {
    status: 200,
    body: {
      packageNumber: line.packageNumber,
      barcode: line.barcode,
      cargoCompany: line.cargoCompany,
      deci: 1,
      estimatedArrivalDate: localTime(entry.at + 3 * DAY),
      status: line.status,
      trackingInfoCode: record.trackingNumber ?? "",
      trackingInfoUrl: record.trackingUrl ?? "",
    },
  };
}

/** GET .../labels: a ZPL label naming the package's barcode. */
export function labelsRequest(account: HepsiburadaAccount, packageNumber: string): Reply {
  const entry = packageEntry(account, packageNumber);
  if (!entry) return notFound(`package ${packageNumber} not found`);
  countCall(account, ordersOf(entry.line), "labels");
  return { status: 200, body: { data: [`^XA^FO50,50^BCN,100,Y,N,N^FD${entry.line.barcode}^FS^XZ`], format: "ZPL", hasMerchantMutualBarcode: true } };
}

/** POST /lineitems/merchantid/{id}/id/{lineId}/cancelbymerchant `{reasonId}`: what is left of an open line. */
export function cancelByMerchant(account: HepsiburadaAccount, lineId: string, incoming: Incoming, now: number): Reply {
  const entry = account.openLines.find((open) => open.line.id === lineId);
  const packed = account.packages.find((pkg) => pkg.line.items.some((item) => item.lineItemId === lineId));
  const orderNumber = entry?.line.orderNumber ?? packed?.line.items.find((item) => item.lineItemId === lineId)?.orderNumber;
  if (orderNumber) countCall(account, [orderNumber], "cancelbymerchant");
  const body = json(incoming.body);
  if (!Number.isInteger(body?.reasonId)) return badRequest("reasonId is required");
  if (!entry) return badRequest(packed ? `line item ${lineId} is packed: only lines not packed yet can be cancelled` : `line item ${lineId} is not open`);
  cancelOpenLine(account, entry, entry.line.quantity - cancelledUnits(account, lineId), now);
  return { status: 200, body: "Ok" };
}
