/**
 * Each adapter's order normaliser reads how far a package (or an order's lines) has gone on the
 * marketplace: the `progress` intake moves our order forward to (order/marketplace-progress.ts).
 */
import { describe, expect, test } from "bun:test";
import { packageOrdersOf } from "../../src/domains/marketplace/hepsiburada/package-normaliser";
import { normaliseN11Package } from "../../src/domains/marketplace/n11/orders";
import { normalisePazaramaOrder } from "../../src/domains/marketplace/pazarama/orders";
import { normalisePttavmOrder } from "../../src/domains/marketplace/pttavm/orders";
import { normaliseTrendyolPackage, trendyolProgress } from "../../src/domains/marketplace/trendyol/order-normaliser";
import type { MarketplaceProgress } from "../../src/domains/marketplace/types";

const at = new Date("2026-12-01T00:00:00Z");

describe("progress read from each marketplace's statuses", () => {
  test("Trendyol: picked, invoiced, with the carrier (shipped, at a collection point, not delivered), delivered, returned; webhook spellings too", () => {
    const expected: Record<string, MarketplaceProgress | undefined> = {
      Created: undefined,
      Awaiting: undefined,
      Picking: "PICKING",
      Invoiced: "INVOICED",
      Shipped: "SHIPPED",
      AtCollectionPoint: "SHIPPED",
      AT_COLLECTION_POINT: "SHIPPED",
      UnDelivered: "SHIPPED",
      Delivered: "DELIVERED",
      DELIVERED: "DELIVERED",
      Returned: "RETURNED",
      UnPacked: undefined,
    };
    for (const [status, progress] of Object.entries(expected)) expect({ status, progress: trendyolProgress(status) }).toEqual({ status, progress });
    const read = (status: string) => normaliseTrendyolPackage({ shipmentPackageId: 1, orderNumber: "9", shipmentPackageStatus: status, lines: [{ lineId: 1, barcode: "B", quantity: 1, lineUnitPrice: 1 }] }, at);
    expect(read("Shipped")).toMatchObject({ status: "OTHER", progress: "SHIPPED" });
    // A cancelled package releases; it moves nothing forward.
    expect(read("Cancelled").progress).toBeUndefined();
    expect(read("Created").progress).toBeUndefined();
  });

  test("N11: Picking, Shipped, Delivered; Created and Cancelled say nothing of progress", () => {
    const read = (status: string) => normaliseN11Package({ id: "1", orderNumber: "N-1", shipmentPackageStatus: status, lines: [{ orderLineId: 1, stockCode: "B", quantity: 1, price: 1 }] }, at).progress;
    expect(["Created", "Picking", "Shipped", "Delivered", "Cancelled", "UnPacked"].map(read)).toEqual([undefined, "PICKING", "SHIPPED", "DELIVERED", undefined, undefined]);
  });

  test("Hepsiburada: a packed package is picked; in transit or delivered, where a package says so", () => {
    const pkg = (status: string | undefined) => ({
      id: "pk-1",
      packageNumber: "7000000001",
      ...(status !== undefined && { status }),
      items: [{ lineItemId: "L-1", orderNumber: "HB-1", merchantSku: "B", quantity: 1, price: { amount: 10, currency: "TRY" } }],
    });
    const read = (status: string | undefined) => packageOrdersOf([pkg(status)], 180, { from: at, to: at })[0]?.progress;
    expect([undefined, "Packaged", "InTransit", "Undelivered", "Delivered"].map(read)).toEqual(["PICKING", "PICKING", "SHIPPED", "SHIPPED", "DELIVERED"]);
  });

  test("PttAVM: the live lines' least advanced status (sent, completed, returned); a line still awaiting shipment holds it back", () => {
    const order = (...statuses: string[]) => normalisePttavmOrder({ siparisNo: "P-1", islemTarihi: "2026-12-01T00:00:00", siparisUrunler: statuses.map((s, i) => ({ lineItemId: i + 1, urunBarkod: "B", toplamIslemAdedi: 1, kdvDahilToplamTutar: 10, siparisDurumu: s })) }, at);
    expect(order("gonderilmiş")[0]?.progress).toBe("SHIPPED");
    expect(order("tamamlandi", "tamamlandi")[0]?.progress).toBe("DELIVERED");
    expect(order("tamamlandi", "gonderilmis")[0]?.progress).toBe("SHIPPED");
    expect(order("kargo_yapilmasi_bekleniyor", "gonderilmiş")[0]?.progress).toBeUndefined();
    expect(order("iade")[0]?.progress).toBe("RETURNED");
    // A cancelled line is a package of its own: the live part goes on as far as its lines went.
    const [live, cancelled] = order("tamamlandi", "iptal");
    expect([live?.progress, cancelled?.status, cancelled?.progress]).toEqual(["DELIVERED", "CANCELLED", undefined]);
  });

  test("Pazarama: item statuses 12 preparing, 5 shipped, 11 delivered; the least advanced live item counts", () => {
    const order = (...codes: number[]) =>
      normalisePazaramaOrder({ orderId: "PZ-1", orderNumber: 101, orderDate: "2026-12-01T00:00:00", items: codes.map((code, i) => ({ orderItemId: `I-${i}`, orderItemStatus: code, quantity: 1, salePrice: { value: 10 }, product: { code: "B" } })) }, at)[0]?.progress;
    expect([order(3), order(12), order(5), order(11), order(11, 5), order(12, 3)]).toEqual([undefined, "PICKING", "SHIPPED", "DELIVERED", "SHIPPED", undefined]);
  });
});
