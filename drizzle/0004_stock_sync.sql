CREATE TABLE "marketplace_api_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"store_id" uuid,
	"marketplace" text NOT NULL,
	"call_type" text NOT NULL,
	"http_status" integer,
	"duration_ms" integer NOT NULL,
	"item_count" integer DEFAULT 0 NOT NULL,
	"batch_id" text,
	"error" text,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketplace_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL,
	"marketplace" text NOT NULL,
	"batch_id" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"items" jsonb NOT NULL,
	"item_count" integer NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"next_poll_at" timestamp with time zone NOT NULL,
	"poll_count" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "marketplace_submissions_status_known" CHECK ("marketplace_submissions"."status" in ('PENDING', 'COMPLETE', 'EXPIRED')),
	CONSTRAINT "marketplace_submissions_counts_nonnegative" CHECK ("marketplace_submissions"."item_count" >= 0 and "marketplace_submissions"."poll_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_dead_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"barcode" text NOT NULL,
	"quantity" integer,
	"sale_price" integer,
	"reasons" jsonb NOT NULL,
	"attempts" integer NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_dead_letters_status_known" CHECK ("sync_dead_letters"."status" in ('OPEN', 'RETRIED', 'RESOLVED')),
	CONSTRAINT "sync_dead_letters_attempts_nonnegative" CHECK ("sync_dead_letters"."attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sync_item_attempts" (
	"store_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"attempts" integer NOT NULL,
	"last_reasons" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_item_attempts_store_id_product_id_pk" PRIMARY KEY("store_id","product_id"),
	CONSTRAINT "sync_item_attempts_positive" CHECK ("sync_item_attempts"."attempts" > 0)
);
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "write_quota_per_minute" integer;--> statement-breakpoint
ALTER TABLE "marketplace_submissions" ADD CONSTRAINT "marketplace_submissions_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_dead_letters" ADD CONSTRAINT "sync_dead_letters_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_dead_letters" ADD CONSTRAINT "sync_dead_letters_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_item_attempts" ADD CONSTRAINT "sync_item_attempts_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_item_attempts" ADD CONSTRAINT "sync_item_attempts_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "marketplace_api_logs_store_idx" ON "marketplace_api_logs" USING btree ("store_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "marketplace_api_logs_created_idx" ON "marketplace_api_logs" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "marketplace_submissions_store_batch_unique" ON "marketplace_submissions" USING btree ("store_id","batch_id");--> statement-breakpoint
CREATE INDEX "marketplace_submissions_due_idx" ON "marketplace_submissions" USING btree ("next_poll_at") WHERE "marketplace_submissions"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "marketplace_submissions_pending_store_idx" ON "marketplace_submissions" USING btree ("store_id","submitted_at") WHERE "marketplace_submissions"."status" = 'PENDING';--> statement-breakpoint
CREATE UNIQUE INDEX "sync_dead_letters_open_unique" ON "sync_dead_letters" USING btree ("store_id","product_id") WHERE "sync_dead_letters"."status" = 'OPEN';--> statement-breakpoint
CREATE INDEX "sync_dead_letters_open_created_idx" ON "sync_dead_letters" USING btree ("created_at") WHERE "sync_dead_letters"."status" = 'OPEN';--> statement-breakpoint
CREATE INDEX "sync_dead_letters_product_idx" ON "sync_dead_letters" USING btree ("product_id");--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_write_quota_range" CHECK ("stores"."write_quota_per_minute" is null or "stores"."write_quota_per_minute" between 1 and 100000);