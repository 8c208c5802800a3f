import { type TProperties, type TSchema, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

/** Path parameters of the control routes; a value outside them is an unknown route (404). */
export const SellerParams = Type.Object({ sellerId: Type.String({ pattern: "^[A-Za-z0-9_-]+$" }) });

/** The lines of an order a test has the sandbox play; `name` holds the field naming the product. */
export function orderLines<P extends TProperties>(name: P) {
  const amounts = { quantity: Type.Integer({ minimum: 1, maximum: 9999 }), unitPrice: Type.Integer({ minimum: 0, description: "minor units" }) };
  return Type.Array(Type.Object({ ...name, ...amounts }, { additionalProperties: false }), { minItems: 1, maxItems: 100 });
}

/** Parses and checks a body a marketplace module's own control route reads; a string is the reason it was refused. */
export function parseBody<T>(schema: TSchema, text: string): T | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "the body is not JSON";
  }
  const first = Value.Errors(schema, value).First();
  return first ? `${first.path || "body"}: ${first.message}` : (value as T);
}
