import type { TestApp } from "../support/app";

/** The JSON Schema subset TypeBox emits into the document; read loosely, checked where used. */
export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  default?: unknown;
  description?: string;
}

export interface Parameter {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: JsonSchema }>;
}

export interface OperationObject {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
}

export interface Operation {
  method: string;
  /** OpenAPI template, e.g. /api/v1/orders/{id} */
  path: string;
  op: OperationObject;
  /** "POST /api/v1/orders/{id}/cancel" */
  label: string;
}

export async function fetchDocument(t: TestApp): Promise<OpenApiDocument> {
  const res = await t.request("/swagger/json");
  if (res.status !== 200) throw new Error(`/swagger/json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op, label: `${method.toUpperCase()} ${path}` })),
  );
}

export function requestBodySchema(op: OperationObject): JsonSchema | undefined {
  return op.requestBody?.content["application/json"]?.schema;
}

export function needsBearer(op: OperationObject): boolean {
  return (op.security ?? []).some((requirement) => "bearerAuth" in requirement);
}
