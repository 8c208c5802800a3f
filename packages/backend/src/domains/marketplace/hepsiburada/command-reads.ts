/**
 * What Hepsiburada shows about a package or a line, read to tell whether a command sent without an
 * answer was taken (order-commands.ts, observe). Each read is one documented call:
 * - the order detail (`GET /orders/merchantid/{id}/ordernumber/{orderNumber}`, fixture order-detail):
 *   every line with its `packageNumber` and `isCancellable` ("true while the line is in created status");
 * - the missing-invoice list (`GET /packages/merchantid/{id}/missing-invoice?offset&limit`, fixture
 *   missing-invoice): packages still without an invoice;
 * - one package (`GET /packages/merchantid/{id}/packagenumber/{n}`, fixture package-detail): its
 *   `status` and `trackingInfoCode`;
 * - the cancelled list (fixture cancelled-list): cancelled lines by `lineItemId`.
 */
import { MarketplaceOutcomeUnknown } from "../errors";
import { isRecord } from "../json";
import { hepsiburadaPaths } from "./facts";
import { hepsiburadaRequest, type HepsiburadaTransport } from "./http";
import { idOf, text } from "./order-normaliser";

export interface HepsiburadaReadSettings {
  merchantId: string;
  missingInvoicePageSize: number;
  maxMissingInvoicePages: number;
  cancelledPageSize: number;
  maxCancelledPages: number;
}

/** One order line as the order detail shows it. */
export interface DetailLine {
  packageNumber?: string;
  cancellable: boolean;
}

export function createHepsiburadaReads(transport: HepsiburadaTransport, settings: HepsiburadaReadSettings) {
  const get = async (path: string): Promise<{ status: number; body: unknown }> =>
    hepsiburadaRequest(transport, { service: "orders", method: "GET", path, callType: "ORDER_COMMAND", itemCount: 0 });

  /** Reads an offset-paged `{items}` list until `found` says stop or the list ends; undefined past the page bound. */
  async function scan(path: string, pageSize: number, maxPages: number, found: (item: unknown) => boolean): Promise<boolean | undefined> {
    for (let page = 0, offset = 0; page < maxPages; page += 1) {
      const { status, body } = await get(`${path}?offset=${offset}&limit=${pageSize}`);
      if (!isRecord(body) || !Array.isArray(body.items)) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the list answer has no items");
      if (body.items.some(found)) return true;
      if (body.items.length < pageSize) return false;
      offset += body.items.length;
    }
    return undefined;
  }

  return {
    /** The order's lines by line id, as the order detail shows them. */
    async orderLines(orderNumber: string): Promise<Map<string, DetailLine>> {
      const { status, body } = await get(hepsiburadaPaths.order(settings.merchantId, orderNumber));
      if (!isRecord(body) || !Array.isArray(body.items)) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the order detail has no items");
      const lines = new Map<string, DetailLine>();
      for (const item of body.items) {
        const record = isRecord(item) ? item : {};
        const id = idOf(record.id);
        const packageNumber = idOf(record.packageNumber);
        if (id) lines.set(id, { ...(packageNumber ? { packageNumber } : {}), cancellable: record.isCancellable === true });
      }
      return lines;
    },

    /** Whether the package is still listed without an invoice; undefined when the bounded read did not reach the end. */
    lacksInvoice(packageNumber: string): Promise<boolean | undefined> {
      return scan(hepsiburadaPaths.missingInvoice(settings.merchantId), settings.missingInvoicePageSize, settings.maxMissingInvoicePages, (item) => isRecord(item) && idOf(item.packageNumber) === packageNumber);
    },

    /** The package's status and tracking number as Hepsiburada shows them. */
    async packageState(packageNumber: string): Promise<{ status?: string; trackingNumber?: string }> {
      const { status, body } = await get(hepsiburadaPaths.package(settings.merchantId, packageNumber));
      if (!isRecord(body)) throw new MarketplaceOutcomeUnknown("HEPSIBURADA", "UNREADABLE_ANSWER", status, "the package answer is not an object");
      const shown = text(body.status);
      const tracking = idOf(body.trackingInfoCode);
      return { ...(shown ? { status: shown } : {}), ...(tracking ? { trackingNumber: tracking } : {}) };
    },

    /** Which of these lines the cancelled list shows; undefined when the bounded read did not reach the end without finding them all. */
    async cancelledAmong(lineIds: readonly string[]): Promise<Set<string> | undefined> {
      const wanted = new Set(lineIds);
      const seen = new Set<string>();
      const complete = await scan(hepsiburadaPaths.cancelled(settings.merchantId), settings.cancelledPageSize, settings.maxCancelledPages, (item) => {
        const id = isRecord(item) ? idOf(item.lineItemId) : undefined;
        if (id && wanted.has(id)) seen.add(id);
        return seen.size === wanted.size;
      });
      return complete === undefined ? undefined : seen;
    },
  };
}
