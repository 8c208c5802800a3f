/**
 * N11's seller shipment notice in the sandbox, from the fixture order-ship (SOAP OrderService,
 * manual v5.2): `POST /ws/orderService/` MakeOrderItemShipment, the key pair in the body's `auth`,
 * each orderItem with shipmentCompany.id, trackingNumber and shipmentMethod (1 Kargo, 2 Diğer;
 * the manual's bold, required fields). Precondition "Ödendi" or "Kabul edildi", else "ön koşullar
 * sağlanamadı": the sandbox reads these as the REST package statuses Created and Picking (our
 * mapping: no source pairs the two vocabularies). A package turns Shipped once all its lines are;
 * the answer lists the items as the manual's example does (values ours).
 */
import { n11Day } from "@pazarsync/backend/src/domains/marketplace/n11/claims";
import { child, childText, parseXml, xmlFields, type XmlElement } from "@pazarsync/backend/src/domains/marketplace/n11/xml";
import { countCall } from "../json-body";
import type { Reply } from "../module";
import { failure, success } from "./claims";
import { touched } from "./package-changes";
import type { N11Account, N11Package, N11SandboxState } from "./state";

const OPERATION = "MakeOrderItemShipment";
const SHIPPABLE = new Set(["Created", "Picking"]);

interface Asked {
  id: number;
  companyId: number;
  trackingNumber: string;
  method: number;
}

function askedItems(request: XmlElement): Asked[] | undefined {
  const items = child(request, "orderItemList")?.children.filter((c) => c.name === "orderItem") ?? [];
  const asked = items.map((item) => {
    const info = child(item, "shipmentInfo");
    return { id: Number(childText(item, "id")), companyId: Number(childText(child(info, "shipmentCompany"), "id")), trackingNumber: childText(info, "trackingNumber") ?? "", method: Number(childText(info, "shipmentMethod")) };
  });
  const valid = asked.every((a) => Number.isSafeInteger(a.id) && Number.isSafeInteger(a.companyId) && a.companyId > 0 && a.trackingNumber !== "" && (a.method === 1 || a.method === 2));
  return asked.length > 0 && valid ? asked : undefined;
}

function itemXml(found: N11Package, asked: Asked, now: number): string {
  const line = found.lines.find((l) => l.orderLineId === asked.id);
  const price = line?.price ?? 0;
  return `<orderItem>${xmlFields([["approvedDate", n11Day(found.createdDate)]])}<attributes><attribute>${xmlFields([["id", 1], ["name", "Renk"], ["value", "Standart"]])}</attribute></attributes>${xmlFields([["commission", 0]])}<customTextOptionValues/>${xmlFields([
    ["deliveryFeeType", 2], ["dueAmount", price], ["id", asked.id], ["installmentChargeWithVAT", 0], ["mallDiscount", 0], ["price", price],
    ["productId", 700_000_000 + asked.id], ["productName", line?.productName ?? ""], ["productSellerCode", line?.stockCode ?? ""], ["quantity", line?.quantity ?? 0],
    ["sellerCouponDiscount", 0], ["sellerDiscount", 0], ["sellerInvoiceAmount", price], ["sellerStockCode", line?.stockCode ?? ""],
  ])}<shipmentInfo>${xmlFields([["campaignNumberStatus", 2], ["shipmentCode", 18_000_000 + asked.id]])}<shipmentCompany>${xmlFields([["id", asked.companyId], ["name", "Sandbox Kargo"], ["shortName", "SBX"]])}</shipmentCompany>${xmlFields([
    ["shipmentMethod", asked.method], ["trackingNumber", asked.trackingNumber],
  ])}</shipmentInfo>${xmlFields([["shippingDate", n11Day(now)], ["status", 6], ["totalMallDiscountPrice", "0.00"], ["version", 1]])}</orderItem>`;
}

function makeShipment(account: N11Account, request: XmlElement, now: number): Reply {
  const asked = askedItems(request);
  if (!asked) return failure(OPERATION, "orderItemList.invalid", "orderItem id, shipmentCompany.id, trackingNumber ve shipmentMethod (1 veya 2) zorunludur");
  const live = [...account.packages.values()].filter((p) => p.shipmentPackageStatus !== "UnPacked" && p.shipmentPackageStatus !== "Cancelled");
  const holders = asked.map((a) => live.find((p) => p.lines.some((l) => l.orderLineId === a.id)));
  const first = holders.find((p) => p !== undefined);
  if (first) countCall(account.fulfilment.calls, first.orderNumber, "SHIP");
  if (holders.some((p) => p === undefined)) return failure(OPERATION, "orderItem.notFound", "Sipariş kalemi bulunamadı");
  const found = holders as N11Package[];
  if (found.some((p, i) => !SHIPPABLE.has(p.shipmentPackageStatus) || account.fulfilment.shipped.has(asked[i]?.id ?? 0))) return failure(OPERATION, "orderItem.precondition", "ön koşullar sağlanamadı");
  asked.forEach((a) => account.fulfilment.shipped.set(a.id, { trackingNumber: a.trackingNumber, shipmentCompanyId: a.companyId }));
  for (const p of new Set(found)) {
    if (p.lines.every((l) => account.fulfilment.shipped.has(l.orderLineId))) {
      p.shipmentPackageStatus = "Shipped";
      touched(p, now);
    }
  }
  return success(OPERATION, `<orderItemList>${asked.map((a, i) => itemXml(found[i] as N11Package, a, now)).join("")}</orderItemList>`);
}

/** `POST /ws/orderService/`: the operation is the Body's first element; the account is the body's `auth`. */
export function handleN11OrderService(state: N11SandboxState, text: string, now: number): { reply: Reply; account: string | null } {
  const request = child(parseXml(text), "Body")?.children[0];
  const operation = request?.name.replace(/Request$/, "") ?? "";
  if (!request) return { reply: failure("Unknown", "request.invalid", "Geçersiz SOAP isteği"), account: null };
  const auth = child(request, "auth");
  const account = state.authenticate(childText(auth, "appKey"), childText(auth, "appSecret"));
  if (!account) return { reply: failure(operation, "authentication.failed", "appKey veya appSecret geçersiz"), account: null };
  if (operation === OPERATION) return { reply: makeShipment(account, request, now), account: account.account };
  return { reply: failure(operation, "operation.unknown", `${operation} bu sandbox'ta yok`), account: account.account };
}
