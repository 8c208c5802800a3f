import { ErrorEnvelope } from "@pazarsync/shared";

/** Error answers for a route's OpenAPI responses: `response: { 200: X, ...errorResponses(401, 404) }`. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, { ...ErrorEnvelope, description: `Error ${status}` }]));
}
