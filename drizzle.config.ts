import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./packages/backend/src/domains/*/schema.ts",
  out: "./drizzle",
  casing: "snake_case",
  strict: true,
});
