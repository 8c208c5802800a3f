/**
 * Hepsiburada's claims in the sandbox (fixtures hepsiburada/claim-list, claim-accept, claim-reject):
 * - control `POST .../claim` `{ lineId, quantity?, reason? }` opens a claim (NewRequest) for a line
 *   of a Delivered package (official: a claim can be raised once the order is delivered); 422 else;
 * - `GET /claims/merchantId/{id}?beginDate&endDate&offset&limit`: claims created in the window
 *   (Turkey time `yyyy-MM-dd HH:mm`), a bare array, limit 1..100;
 * - `POST /claims/number/{n}/accept | reject`: 204 from NewRequest; a claim already answered: 400.
 */
import { type Static, Type } from "@sinclair/typebox";
import { HEPSIBURADA } from "@pazarsync/backend/src/domains/marketplace/hepsiburada/facts";
import { parseBody } from "../control-body";
import type { Incoming, Reply } from "../module";
import { problem } from "../reply";
import { countCall } from "./commands";
import { badRequest, localTime } from "./orders";
import type { HepsiburadaAccount, HepsiburadaSandboxState } from "./state";

const OFFSET_MS = HEPSIBURADA.orderTimeZoneOffsetMinutes * 60_000;
const ClaimBody = Type.Object(
  {
    lineId: Type.String({ minLength: 1, maxLength: 200 }),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

/** Control route `claim`: a return request for a delivered line. */
export function createClaim(state: HepsiburadaSandboxState, account: HepsiburadaAccount, incoming: Incoming, now: number): Reply {
  const body = parseBody<Static<typeof ClaimBody>>(ClaimBody, incoming.body);
  if (typeof body === "string") return problem(422, "VALIDATION_FAILED", body);
  const pkg = account.packages.find((entry) => entry.line.items.some((item) => item.lineItemId === body.lineId));
  const item = pkg?.line.items.find((line) => line.lineItemId === body.lineId);
  if (!pkg || !item) return problem(404, "NOT_FOUND", `No packed line ${body.lineId}`);
  if (pkg.line.status !== "Delivered") return problem(422, "NOT_DELIVERED", `line ${body.lineId} is in a ${pkg.line.status} package: claims follow delivery`);
  const quantity = body.quantity ?? item.quantity;
  if (quantity > item.quantity) return problem(422, "VALIDATION_FAILED", `line ${body.lineId} has ${item.quantity} units`);
  const number = String(state.nextClaimNumber());
  account.claims.push({
    line: {
      id: `claim-${number}`,
      number,
      orderNumber: item.orderNumber,
      orderDate: item.orderDate,
      claimDate: localTime(now),
      claimType: "Return",
      status: "NewRequest",
      sku: item.hbSku,
      MerchantSku: item.merchantSku,
      lineItemId: item.lineItemId,
      quantity,
      priceAmount: item.price.amount,
      priceCurrency: "TRY",
      totalPriceAmount: Math.round(item.price.amount * quantity * 100) / 100,
      explanation: "Sandbox return",
      Reason: body.reason ?? "IncompatiblyProduct",
      customerName: "Sandbox Customer",
      AwaitingActionExpireDate: localTime(now + state.context.scaled(3 * 24 * 60 * 60 * 1000)),
    },
    at: now,
  });
  return { status: 201, body: { number, orderNumber: item.orderNumber, lineItemId: item.lineItemId, quantity } };
}

/** `yyyy-MM-dd HH:mm` (Turkey time) as epoch ms. */
function queryTime(value: string | undefined): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$/.exec(value ?? "");
  return match ? Date.parse(`${match[1]}T${match[2]}:00Z`) - OFFSET_MS : undefined;
}

/** GET /claims/merchantId/{id}?beginDate&endDate&offset&limit. */
export function listClaims(account: HepsiburadaAccount, incoming: Incoming, maxLimit: number): Reply {
  const offset = Number(incoming.query.offset ?? "0");
  const limit = Number(incoming.query.limit ?? String(maxLimit));
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) return badRequest(`offset and limit (1..${maxLimit}) must be whole numbers`);
  const { beginDate, endDate } = incoming.query;
  const begin = beginDate === undefined ? Number.NEGATIVE_INFINITY : queryTime(beginDate);
  const end = endDate === undefined ? Number.POSITIVE_INFINITY : queryTime(endDate);
  if (begin === undefined || end === undefined) return badRequest("beginDate and endDate must be yyyy-MM-dd HH:mm");
  const matching = account.claims.filter((entry) => entry.at >= begin && entry.at <= end);
  return { status: 200, body: matching.slice(offset, offset + limit).map((entry) => entry.line), headers: { "X-Total-Count": String(matching.length), "X-Limit": String(limit), "X-Offset": String(offset) } };
}

/** POST /claims/number/{n}/accept | reject. */
export function answerClaim(account: HepsiburadaAccount, claimNumber: string, answer: "accept" | "reject", incoming: Incoming): Reply {
  const entry = account.claims.find((claim) => claim.line.number === claimNumber);
  if (!entry) return { status: 404, body: { title: "Not Found", status: 404, detail: `claim ${claimNumber} not found` } };
  countCall(account, [entry.line.orderNumber], answer === "accept" ? "claim-accept" : "claim-reject");
  let body: unknown;
  try {
    body = JSON.parse(incoming.body || "null");
  } catch {
    return badRequest("the body is not JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return badRequest("the body must be an object");
  if (entry.line.status !== "NewRequest") return badRequest(`Wrong Claim Status: claim ${claimNumber} is ${entry.line.status}`);
  entry.line.status = answer === "accept" ? "Accepted" : "Rejected";
  const statement = (body as Record<string, unknown>).MerchantStatement;
  if (answer === "reject" && typeof statement === "string") entry.line.merchantRejectionStatement = statement;
  return { status: 204 };
}
