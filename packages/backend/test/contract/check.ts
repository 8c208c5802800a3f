/** Answers checked against the document: the status must be declared, and the body must match its schema. */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { ErrorEnvelope } from "@pazarsync/shared";
import type { JsonSchema, OperationObject } from "./openapi";

// strict: false — OpenAPI adds keywords JSON Schema does not know (example, etc.).
const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Rate limits may refuse any route (the limiter answers before the route), so 429 is allowed everywhere with the envelope. */
const ALWAYS_ALLOWED: Record<string, JsonSchema> = { "429": JSON.parse(JSON.stringify(ErrorEnvelope)) as JsonSchema };

/** undefined when the answer matches the document, else what is wrong. */
export function checkAnswer(op: OperationObject, status: number, contentType: string, text: string): string | undefined {
  const declared = op.responses[String(status)];
  const fallback = ALWAYS_ALLOWED[String(status)];
  if (!declared && !fallback) return `status ${status} is not documented (documented: ${Object.keys(op.responses).join(", ")})`;
  const schema = declared ? declared.content?.["application/json"]?.schema : fallback;
  if (!schema) return text === "" ? undefined : `status ${status} documents no body but one came`;
  let body: unknown;
  if (schema.type === "string" && !contentType.includes("json")) body = text;
  else if (text === "" && schema.type === "null") body = null;
  else {
    try {
      body = JSON.parse(text);
    } catch {
      return `status ${status}: body is not JSON (${contentType})`;
    }
  }
  const validate = validatorFor(schema);
  if (validate(body)) return undefined;
  const first = validate.errors?.[0];
  return `status ${status}: body does not match the documented schema: ${first?.instancePath || "/"} ${first?.message ?? ""}`;
}
