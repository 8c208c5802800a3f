import { swagger } from "@elysiajs/swagger";

export const API_TAGS = [
  { name: "ops", description: "Health and metrics for operators" },
  { name: "identity", description: "Accounts, sessions and tokens" },
  { name: "catalog", description: "Products, sets, stores and listings" },
  { name: "inventory", description: "Warehouses, shelves, stock and the ledger" },
  { name: "order", description: "Orders and reservations" },
  { name: "stock-sync", description: "Marketplace stock synchronisation" },
  { name: "marketplace", description: "Marketplace adapters and webhooks" },
];

/** Swagger UI at /swagger and the OpenAPI 3 document at /swagger/json. */
export function apiDocs(version: string) {
  return swagger({
    path: "/swagger",
    exclude: ["/swagger", "/swagger/json"],
    documentation: {
      // 3.1: TypeBox emits JSON Schema (const, patternProperties) that 3.0's schema subset refuses.
      openapi: "3.1.0",
      info: {
        title: "Pazarsync API",
        version,
        description: "One stock, many channels: the seller's web shop and app, and Turkish marketplaces.",
      },
      tags: API_TAGS,
      components: {
        securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      },
    },
  });
}
