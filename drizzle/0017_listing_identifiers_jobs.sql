CREATE TYPE "public"."stock_code_source" AS ENUM('BARCODE', 'SKU');--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"store_id" uuid,
	"state" text DEFAULT 'QUEUED' NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cursor" jsonb,
	"progress" jsonb DEFAULT '{"done":0,"total":null,"counts":{}}'::jsonb NOT NULL,
	"result" jsonb,
	"error_code" text,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jobs_state_known" CHECK ("jobs"."state" in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
	CONSTRAINT "jobs_attempts_range" CHECK ("jobs"."attempts" >= 0 and "jobs"."max_attempts" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "listing_import_rows" (
	"job_id" uuid NOT NULL,
	"remote_key" text NOT NULL,
	"position" integer NOT NULL,
	"barcode" text,
	"stock_code" text,
	"marketplace_product_id" text,
	"quantity" integer,
	"fulfilled_by_marketplace" boolean DEFAULT false NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"outcome" text NOT NULL,
	"product_id" uuid,
	"reason" text,
	"candidates" jsonb,
	CONSTRAINT "listing_import_rows_job_id_remote_key_pk" PRIMARY KEY("job_id","remote_key"),
	CONSTRAINT "listing_import_rows_outcome_known" CHECK ("listing_import_rows"."outcome" in ('LINKED', 'UNLINKED', 'CONFLICT'))
);
--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "barcode" text;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "stock_code" text;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "marketplace_product_id" text;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "import_job_id" uuid;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "fulfilled_by_marketplace" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "locked_by_marketplace" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "last_seen_quantity" integer;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "last_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "last_drift_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "stock_code_source" "stock_code_source" DEFAULT 'BARCODE' NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_import_rows" ADD CONSTRAINT "listing_import_rows_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_import_rows" ADD CONSTRAINT "listing_import_rows_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_claimable_idx" ON "jobs" USING btree ("created_at") WHERE "jobs"."state" in ('QUEUED', 'RUNNING');--> statement-breakpoint
CREATE INDEX "jobs_store_kind_idx" ON "jobs" USING btree ("store_id","kind","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_one_active_per_store_kind" ON "jobs" USING btree ("store_id","kind") WHERE "jobs"."state" in ('QUEUED', 'RUNNING');--> statement-breakpoint
CREATE INDEX "listing_import_rows_outcome_idx" ON "listing_import_rows" USING btree ("job_id","outcome","position");--> statement-breakpoint
CREATE UNIQUE INDEX "listings_store_barcode_unique" ON "listings" USING btree ("store_id","barcode") WHERE "listings"."barcode" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "listings_store_stock_code_unique" ON "listings" USING btree ("store_id","stock_code") WHERE "listings"."stock_code" is not null;--> statement-breakpoint
CREATE INDEX "listings_store_import_idx" ON "listings" USING btree ("store_id","import_job_id") WHERE "listings"."import_job_id" is not null;