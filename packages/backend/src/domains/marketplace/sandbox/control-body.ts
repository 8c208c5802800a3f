import type { TSchema } from "@sinclair/typebox";
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
