import { swagger } from "@elysiajs/swagger";
import { Elysia } from "elysia";
import type { SwaggerMode } from "../config-http";
import { Forbidden } from "../infra/errors";
import { DOCS_PAGE_PATH, pathOf } from "./security-headers";

export const API_TAGS = [
  { name: "ops", description: "Health and metrics for operators" },
  { name: "identity", description: "Accounts, sessions and tokens" },
  { name: "catalog", description: "Products, sets, stores and listings" },
  { name: "inventory", description: "Warehouses, shelves, stock and the ledger" },
  { name: "order", description: "Orders and reservations" },
  { name: "stock-sync", description: "Marketplace stock synchronisation" },
  { name: "marketplace", description: "Marketplace adapters and webhooks" },
];

// Pinned, not "latest": the page runs this script from the CDN, and the CSP in
// security-headers.ts is written for what this version loads.
const SCALAR_VERSION = "1.76.0";

/** Resolves an admin from the Authorization header or throws 401/403 (the identity service). */
export type AdminCheck = (authorization: string | undefined) => Promise<{ role: string }>;

function openApiDocs(version: string) {
  return swagger({
    path: DOCS_PAGE_PATH,
    exclude: [DOCS_PAGE_PATH, `${DOCS_PAGE_PATH}/json`],
    scalarVersion: SCALAR_VERSION,
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

/**
 * Swagger UI at /swagger and the OpenAPI 3 document at /swagger/json, by SWAGGER: `on` for
 * everyone, `admin` only with an admin's bearer token (401 without a token, 403 for other roles),
 * `off` not served at all (404).
 */
export function apiDocs(version: string, options: { mode: SwaggerMode; authenticate: AdminCheck }) {
  const plugin = new Elysia({ name: "api-docs" });
  if (options.mode === "off") return plugin;
  if (options.mode === "admin") {
    plugin.onRequest(async ({ request }) => {
      const path = pathOf(request.url);
      if (path !== DOCS_PAGE_PATH && !path.startsWith(`${DOCS_PAGE_PATH}/`)) return;
      const caller = await options.authenticate(request.headers.get("authorization") ?? undefined);
      if (caller.role !== "admin") throw new Forbidden("Only admins may read the API documentation", { required: ["admin"] });
    });
  }
  return plugin.use(openApiDocs(version));
}
