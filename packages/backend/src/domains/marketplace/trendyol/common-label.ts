/**
 * Trendyol's common label (ortak etiket; fixtures trendyol/common-label-create.json and
 * common-label-get.json): for Trendyol-paid shipments with TEX or Aras only. The label is keyed by
 * the package's cargoTrackingNumber, read from the order's packages; it is requested (POST, no
 * answer body) and then fetched as ZPL, one label per box, joined into one document here.
 */
import { MarketplaceCommandIncomplete, MarketplaceOutcomeUnknown } from "../errors";
import { isRecord } from "../json";
import type { CommandTarget, ShippingLabel } from "../order-commands";
import { trendyolPaths } from "./facts";
import { trendyolRequest, type TrendyolTransport } from "./http";
import { packageFor, readOrderPackages } from "./order-packages";

export function createTrendyolLabels(transport: TrendyolTransport, sellerId: string) {
  return {
    async label(target: CommandTarget): Promise<ShippingLabel> {
      const packages = await readOrderPackages(transport, sellerId, target.orderNumber);
      const shown = packageFor(packages, target.packageId, target.lines.map((line) => line.lineId));
      if (!shown?.cargoTrackingNumber) throw new MarketplaceCommandIncomplete("TRENDYOL", [`Trendyol shows no cargo tracking number for order ${target.orderNumber}`]);
      const path = trendyolPaths.commonLabel(sellerId, shown.cargoTrackingNumber);
      await trendyolRequest(transport, { method: "POST", path, body: JSON.stringify({ format: "ZPL" }), callType: "ORDER_COMMAND", itemCount: 1, emptyAnswer: true });
      const { status, body } = await trendyolRequest(transport, { method: "GET", path, callType: "ORDER_COMMAND", itemCount: 1 });
      const labels = isRecord(body) && Array.isArray(body.data) ? body.data.flatMap((item) => (isRecord(item) && typeof item.label === "string" ? [item.label] : [])) : [];
      if (labels.length === 0) throw new MarketplaceOutcomeUnknown("TRENDYOL", "UNREADABLE_ANSWER", status, "the common label answer holds no label");
      return { contentType: "text/plain; charset=utf-8", body: new TextEncoder().encode(labels.join("\n")) };
    },
  };
}
