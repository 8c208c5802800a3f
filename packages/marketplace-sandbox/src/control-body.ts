import { type TProperties, type TSchema, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { Reply } from "./module";

/** An error answer of the control routes, in the API's error envelope. */
export const problem = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message } } });

/** Parses and checks a control body; a string is the reason it was refused. */
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

/** The lines of an order a test has the sandbox play; `name` holds the field naming the product. */
export function orderLines<P extends TProperties>(name: P) {
  const amounts = { quantity: Type.Integer({ minimum: 1, maximum: 9999 }), unitPrice: Type.Integer({ minimum: 0, description: "minor units" }) };
  return Type.Array(Type.Object({ ...name, ...amounts }, { additionalProperties: false }), { minItems: 1, maxItems: 100 });
}
