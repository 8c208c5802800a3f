/**
 * What the issue asks of every request schema: strings with a maxLength, numbers with a minimum
 * and a maximum, arrays with maxItems, and objects closed (additionalProperties false) unless a
 * schema opens them on purpose with an explicit `additionalProperties: true` (the Trendyol webhook).
 */
import type { JsonSchema, OpenApiDocument } from "./openapi";
import { operationsOf, requestBodySchema } from "./openapi";

function problemsOf(schema: JsonSchema, where: string, out: string[]): string[] {
  if (schema.const === undefined && schema.enum === undefined) {
    if (schema.type === "string" && schema.maxLength === undefined) out.push(`${where}: string without maxLength`);
    if ((schema.type === "integer" || schema.type === "number") && (schema.minimum === undefined || schema.maximum === undefined)) {
      out.push(`${where}: ${schema.type} without minimum and maximum`);
    }
    if (schema.type === "array" && schema.maxItems === undefined) out.push(`${where}: array without maxItems`);
    if (schema.type === "object" && schema.additionalProperties === undefined) out.push(`${where}: object without additionalProperties: false`);
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) problemsOf(branch, where, out);
  for (const [name, property] of Object.entries(schema.properties ?? {})) problemsOf(property, `${where}.${name}`, out);
  for (const [pattern, property] of Object.entries(schema.patternProperties ?? {})) problemsOf(property, `${where}[${pattern}]`, out);
  if (schema.items) problemsOf(schema.items, `${where}[]`, out);
  return out;
}

/** "POST /api/v1/x body.name: string without maxLength", one line per unbounded request value. */
export function unboundedRequestValues(doc: OpenApiDocument): string[] {
  return operationsOf(doc).flatMap(({ label, op }) => {
    const out: string[] = [];
    for (const param of op.parameters ?? []) problemsOf(param.schema, `${label} ${param.in} ${param.name}`, out);
    const body = requestBodySchema(op);
    if (body) problemsOf(body, `${label} body`, out);
    return out;
  });
}
