/**
 * The body of the `cancel-lines` control route of marketplaces whose status is per line (PttAVM,
 * Pazarama): `{orderId, lineIds}`, the buyer or the marketplace cancelling some lines of an order.
 */
import { Type } from "@sinclair/typebox";
import { parseBody } from "./control-body";
import type { Reply } from "./module";

const LineCancelBody = Type.Object(
  { orderId: Type.String({ minLength: 1 }), lineIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);

export interface LineCancel {
  orderId: string;
  lineIds: string[];
}

/** The parsed body, or the 400 to answer. */
export function lineCancelOf(text: string): LineCancel | Reply {
  const body = parseBody<LineCancel>(LineCancelBody, text);
  return typeof body === "string" ? { status: 400, body: { success: false, message: body } } : body;
}

export const isReply = (value: LineCancel | Reply): value is Reply => "status" in value;
