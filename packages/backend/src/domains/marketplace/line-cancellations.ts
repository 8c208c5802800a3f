/**
 * Orders whose status is kept per line, not per package (PttAVM `siparisDurumu`, Pazarama
 * `orderItemStatus`): one line can be cancelled while the rest of the order goes on. The order
 * machinery releases stock package by package (order/marketplace-packages.ts: a cancelled
 * package releases the units it names, once per package id), so such an order is handed over as
 * packages of its own making:
 * - the order itself, package id = the order's id, listing the lines that are not cancelled
 *   (CREATED or OTHER as the caller reads them); they are reserved when the order is new, and a
 *   re-read reserves nothing (every line is known by its id);
 * - each cancelled line as a CANCELLED package of its own, id `{order id}/{line id}`, which is
 *   stable across reads: the first read releases exactly that line, a re-read releases nothing;
 * - an order whose every line is cancelled as the order's own package CANCELLED with all its
 *   lines: an order not known yet is recorded with them and cancelled, a known one releases what
 *   it still holds and ends CANCELLED.
 * Without an order id, or when some line has no id of its own (or one used twice), the order goes
 * as one whole order as before: CANCELLED only once every line is.
 */
import type { OrderLine } from "./order-lines";
import type { MarketplaceProgress, NormalisedOrder } from "./types";

export interface StatusedLine extends OrderLine {
  /** The marketplace's own status text of the line. */
  marketplaceStatus: string;
  cancelled: boolean;
  /** How far the line has gone past CREATED, where its status says so. */
  progress?: MarketplaceProgress;
}

export interface LineStatusOrder {
  externalId: string | undefined;
  lines: StatusedLine[];
  /** What the order's lines that are not cancelled make it: CREATED while one awaits shipment. */
  liveStatus: "CREATED" | "OTHER";
  currency: string;
  lastModifiedAt: string;
  raw: unknown;
}

/** The separator of a cancelled line's package id, `{order id}/{line id}`. */
export const LINE_PACKAGE_SEPARATOR = "/";

const STEPS: readonly MarketplaceProgress[] = ["PICKING", "INVOICED", "SHIPPED", "DELIVERED", "RETURNED"];

/** The order's live lines went as far as the least advanced of them; none when one has not moved. */
function progressOf(lines: readonly StatusedLine[]): MarketplaceProgress | undefined {
  let least: number | undefined;
  for (const line of lines) {
    if (line.progress === undefined) return undefined;
    const rank = STEPS.indexOf(line.progress);
    least = least === undefined ? rank : Math.min(least, rank);
  }
  return least === undefined ? undefined : STEPS[least];
}

const plain = ({ barcode, quantity, unitPrice, lineId }: StatusedLine): OrderLine => ({ barcode, quantity, unitPrice, ...(lineId !== undefined && { lineId }) });
const statusText = (lines: readonly StatusedLine[]) => [...new Set(lines.map((line) => line.marketplaceStatus))].join(",");

function identified(lines: readonly StatusedLine[]): boolean {
  const ids = lines.map((line) => line.lineId);
  return ids.length > 0 && ids.every((id) => id !== undefined) && new Set(ids).size === ids.length;
}

/** The order as the packages above, in the order intake should see them: the live part first. */
export function ordersByLine(order: LineStatusOrder): NormalisedOrder[] {
  const { externalId, lines, currency, lastModifiedAt, raw } = order;
  const open = lines.filter((line) => !line.cancelled);
  const allCancelled = lines.length > 0 && open.length === 0;
  const status = allCancelled ? "CANCELLED" : order.liveStatus;
  if (externalId === undefined || !identified(lines)) {
    const whole = status === "CREATED" ? open : lines;
    return [{ externalId, status, marketplaceStatus: statusText(lines), lines: whole.map(({ barcode, quantity, unitPrice }) => ({ barcode, quantity, unitPrice })), currency, lastModifiedAt, raw }];
  }
  const base = { externalId, currency, lastModifiedAt, raw };
  if (allCancelled) return [{ ...base, packageId: externalId, status, marketplaceStatus: statusText(lines), lines: lines.map(plain) }];
  const cancelled = lines.filter((line) => line.cancelled);
  const progress = progressOf(open);
  return [
    { ...base, packageId: externalId, status, ...(progress !== undefined && { progress }), marketplaceStatus: statusText(open), lines: open.map(plain) },
    ...cancelled.map((line): NormalisedOrder => ({ ...base, packageId: `${externalId}${LINE_PACKAGE_SEPARATOR}${line.lineId}`, status: "CANCELLED", marketplaceStatus: line.marketplaceStatus, lines: [plain(line)] })),
  ];
}
