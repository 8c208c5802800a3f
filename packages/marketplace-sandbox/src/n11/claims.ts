/**
 * N11's returns in the sandbox, from the fixtures claims-list, claims-approve, claims-reject (SOAP
 * ReturnService, manual v5.2): `POST /ws/returnService/` with the key pair in the body's `auth`;
 * ClaimReturnList (status, ORDERID search, request-day period dd/mm/yyyy, pages of 20 from 0),
 * ClaimReturnApprove (claimReturnId) and ClaimReturnDeny (a known denyReasonId, a note, CAMPAIGN
 * with the shipment fields empty or CUSTOM with company and tracking number, none for reason 41),
 * each answered with `result.status` success or failure (HTTP 200; failure texts are ours). Only
 * an open claim (REQUESTED, PENDING, PENDED) is answered. Control route `claim {orderNumber,
 * orderLineId?, quantity?}` opens a claim for a line of a Delivered package.
 */
import { Type } from "@sinclair/typebox";
import { n11Day } from "@pazarsync/backend/src/domains/marketplace/n11/claims";
import { N11 } from "@pazarsync/backend/src/domains/marketplace/n11/facts";
import { child, childText, parseXml, xmlFields, type XmlElement } from "@pazarsync/backend/src/domains/marketplace/n11/xml";
import { parseBody } from "../control-body";
import { countCall } from "../json-body";
import type { Incoming, Reply } from "../module";
import type { N11Account, N11SandboxState } from "./state";

export interface N11SandboxClaim {
  claimReturnId: number;
  orderNumber: string;
  status: string;
  productId: number;
  productName: string;
  quantity: number;
  unitPrice: number;
  requestDate: number;
  approvedDate?: number;
  deniedDate?: number;
}

const OPEN = new Set(["REQUESTED", "PENDING", "PENDED"]);
const STATUSES = new Set(["REQUESTED", "CANCELLED", "DENIED", "PENDING", "PENDED", "APPROVED", "MANUAL_REFUND"]);
/** The manual's example list of ClaimReturnDenyReasonTypes. */
const DENY_REASONS = new Set([1, 2, 3, 21, 22, 23, 24, 25, 41]);
const NOT_RECEIVED = 41;

export const envelope = (operation: string, inner: string): Reply => ({
  status: 200,
  headers: { "content-type": "text/xml;charset=utf-8" },
  text:
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/><SOAP-ENV:Body>' +
    `<ns3:${operation}Response xmlns:ns3="http://www.n11.com/ws/schemas">${inner}</ns3:${operation}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
});
export const success = (operation: string, inner = "") => envelope(operation, `<result><status>success</status></result>${inner}`);
export const failure = (operation: string, code: string, message: string) =>
  envelope(operation, `<result><status>failure</status>${xmlFields([["errorCode", `SELLER_API.${code}`], ["errorMessage", message], ["errorCategory", "SELLER_API"]])}</result>`);

function claimXml(claim: N11SandboxClaim): string {
  const day = (at: number | undefined) => (at === undefined ? "" : n11Day(at));
  return `<claimReturn><attributesNames/>${xmlFields([
    ["buyerEmail", "alici@example.invalid"], ["buyerName", "Alıcı Sandbox"], ["buyerPhone", "5550000000"], ["claimReturnId", claim.claimReturnId],
    ["deliveryFeeType", "BySeller"], ["finalPrice", claim.unitPrice * claim.quantity], ["orderNumber", claim.orderNumber], ["paymentDate", day(claim.requestDate)],
    ["productId", claim.productId], ["productName", claim.productName], ["quantity", claim.quantity], ["requestDate", day(claim.requestDate)],
    ["returnReasonDescription", "Sandbox iade talebi"], ["returnReasonType", "Farklı ürün ulaştı"],
  ])}<sellerTrackingNumber/>${xmlFields([["shipmentCompany", "Sürat"], ["shipmentMethod", "Shipping"], ["status", claim.status], ["trackingNumber", claim.claimReturnId + 4_000_000], ["unitPrice", claim.unitPrice]])}${
    claim.approvedDate === undefined ? "" : xmlFields([["approvedDate", day(claim.approvedDate)]])}${claim.deniedDate === undefined ? "" : xmlFields([["deniedDate", day(claim.deniedDate)]])}</claimReturn>`;
}

/** dd/mm/yyyy -> the Turkish day's number, comparable with n11Day of a claim's date. */
const dayKey = (text: string) => text.split("/").reverse().join("");

function list(account: N11Account, request: XmlElement): Reply {
  const search = child(request, "searchData");
  const asked = childText(search, "status") ?? "";
  const status = asked === "ALL" ? undefined : STATUSES.has(asked) ? asked : "REQUESTED";
  const byOrder = childText(search, "searchInfoType") === "ORDERID" ? childText(search, "searchQuery") : undefined;
  const from = childText(child(search, "period"), "startDate");
  const to = childText(child(search, "period"), "endDate");
  const page = Number(childText(child(request, "pagingData"), "currentPage") ?? 0);
  if (!Number.isSafeInteger(page) || page < 0) return failure("ClaimReturnList", "paging.invalid", "currentPage 0 veya daha büyük olmalı");
  const found = [...account.fulfilment.claims.values()].filter((c) => {
    const day = dayKey(n11Day(c.requestDate));
    return (status === undefined || c.status === status) && (byOrder === undefined || c.orderNumber === byOrder) && (from === undefined || day >= dayKey(from)) && (to === undefined || day <= dayKey(to));
  });
  const size = N11.claimPageSize;
  const rows = found.slice(page * size, page * size + size).map(claimXml).join("");
  const paging = xmlFields([["currentPage", page], ["pageSize", size], ["totalCount", found.length], ["pageCount", Math.ceil(found.length / size)]]);
  return success("ClaimReturnList", `<claimReturnList>${rows}</claimReturnList><pagingData>${paging}</pagingData>`);
}

function answer(account: N11Account, operation: "ClaimReturnApprove" | "ClaimReturnDeny", request: XmlElement, now: number): Reply {
  const claim = account.fulfilment.claims.get(Number(childText(request, "claimReturnId")));
  if (!claim) return failure(operation, "claimReturn.notFound", "İade talebi bulunamadı");
  countCall(account.fulfilment.calls, claim.orderNumber, operation === "ClaimReturnApprove" ? "APPROVE_RETURN" : "REJECT_RETURN");
  if (!OPEN.has(claim.status)) return failure(operation, "claimReturn.invalidStatus", `İade talebi ${claim.status} durumunda, işlem yapılamaz`);
  if (operation === "ClaimReturnApprove") {
    claim.status = "APPROVED";
    claim.approvedDate = now;
    return success(operation);
  }
  const reasonId = Number(childText(request, "denyReasonId"));
  if (!DENY_REASONS.has(reasonId)) return failure(operation, "denyReason.invalid", "denyReasonId geçersiz");
  if (!childText(request, "denyReasonNote")) return failure(operation, "denyReasonNote.required", "denyReasonNote zorunludur");
  const type = childText(request, "returnShipmentType");
  const shipment = ["shipmentCompanyId", "trackingNumber", "deliveryReceiptNumber"].map((name) => childText(request, name));
  if (reasonId === NOT_RECEIVED ? type !== undefined : type !== "CAMPAIGN" && type !== "CUSTOM") return failure(operation, "returnShipmentType.invalid", "returnShipmentType geçersiz");
  if (type === "CAMPAIGN" && shipment.some((value) => value !== undefined)) return failure(operation, "returnShipmentType.campaign", "CAMPAIGN ile kargo alanları boş bırakılmalıdır");
  if (type === "CUSTOM" && (shipment[0] === undefined || shipment[1] === undefined)) return failure(operation, "returnShipmentType.custom", "CUSTOM ile shipmentCompanyId ve trackingNumber zorunludur");
  claim.status = "DENIED";
  claim.deniedDate = now;
  return success(operation);
}

/** `POST /ws/returnService/`: the operation is the Body's first element; the account is the body's `auth`. */
export function handleN11ReturnService(state: N11SandboxState, text: string, now: number): { reply: Reply; account: string | null } {
  const request = child(parseXml(text), "Body")?.children[0];
  const operation = request?.name.replace(/Request$/, "") ?? "";
  if (!request) return { reply: { status: 500, headers: { "content-type": "text/xml" }, text: "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>Geçersiz SOAP isteği</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>" }, account: null };
  const auth = child(request, "auth");
  const account = state.authenticate(childText(auth, "appKey"), childText(auth, "appSecret"));
  if (!account) return { reply: failure(operation, "authentication.failed", "appKey veya appSecret geçersiz"), account: null };
  if (operation === "ClaimReturnList") return { reply: list(account, request), account: account.account };
  if (operation === "ClaimReturnApprove" || operation === "ClaimReturnDeny") return { reply: answer(account, operation, request, now), account: account.account };
  return { reply: failure(operation, "operation.unknown", `${operation} bu sandbox'ta yok`), account: account.account };
}

const ClaimBody = Type.Object(
  { orderNumber: Type.String({ minLength: 1 }), orderLineId: Type.Optional(Type.Integer()), quantity: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);

/** Control `claim`: the buyer asks to return units of a Delivered package's line. */
export function openN11Claim(state: N11SandboxState, account: N11Account, incoming: Incoming, now: number): Reply {
  const body = parseBody<{ orderNumber: string; orderLineId?: number; quantity?: number }>(ClaimBody, incoming.body);
  if (typeof body === "string") return { status: 400, body: { message: body } };
  const delivered = [...account.packages.values()].filter((p) => p.orderNumber === body.orderNumber && p.shipmentPackageStatus === "Delivered");
  const line = delivered.flatMap((p) => p.lines).find((l) => body.orderLineId === undefined || l.orderLineId === body.orderLineId);
  if (!line) return { status: 409, body: { message: `No delivered line ${body.orderLineId ?? ""} in order ${body.orderNumber}` } };
  const quantity = body.quantity ?? line.quantity;
  if (quantity > line.quantity) return { status: 409, body: { message: `Line ${line.orderLineId} holds ${line.quantity}` } };
  const claim: N11SandboxClaim = {
    claimReturnId: state.nextClaimId(),
    orderNumber: body.orderNumber,
    status: "REQUESTED",
    productId: 700_000_000 + line.orderLineId,
    productName: line.productName,
    quantity,
    unitPrice: line.price,
    requestDate: now,
  };
  account.fulfilment.claims.set(claim.claimReturnId, claim);
  return { status: 201, body: { ...claim, orderLineId: line.orderLineId } };
}
