-- Postgres cannot drop an enum value: a type without SANDBOX replaces the old one. A SANDBOX store
-- spoke Trendyol's API to the sandbox, so it becomes a TRENDYOL store with the same base URL.
CREATE TYPE "public"."store_type_next" AS ENUM('WEB', 'TRENDYOL', 'HEPSIBURADA', 'N11', 'PAZARAMA', 'PTTAVM');--> statement-breakpoint
ALTER TABLE "stores" ALTER COLUMN "type" SET DATA TYPE "public"."store_type_next" USING (CASE WHEN "type"::text = 'SANDBOX' THEN 'TRENDYOL' ELSE "type"::text END)::"public"."store_type_next";--> statement-breakpoint
DROP TYPE "public"."store_type";--> statement-breakpoint
ALTER TYPE "public"."store_type_next" RENAME TO "store_type";
