ALTER TYPE "public"."movement_kind" ADD VALUE 'QUARANTINE';--> statement-breakpoint
CREATE TABLE "return_claim_watermarks" (
	"store_id" uuid PRIMARY KEY NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "return_lines" (
	"return_id" uuid NOT NULL,
	"line_no" smallint NOT NULL,
	"order_line_no" smallint,
	"ordered_product_id" uuid,
	"product_id" uuid,
	"barcode" text,
	"claim_line_id" text,
	"quantity_claimed" integer NOT NULL,
	"quantity_restocked" integer DEFAULT 0 NOT NULL,
	"quantity_quarantined" integer DEFAULT 0 NOT NULL,
	"reason" text,
	"attention" text,
	"receipts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "return_lines_return_id_line_no_pk" PRIMARY KEY("return_id","line_no"),
	CONSTRAINT "return_lines_quantities" CHECK ("return_lines"."quantity_claimed" >= 0 and "return_lines"."quantity_restocked" >= 0 and "return_lines"."quantity_quarantined" >= 0),
	CONSTRAINT "return_lines_received_within_claimed" CHECK ("return_lines"."quantity_restocked" + "return_lines"."quantity_quarantined" <= "return_lines"."quantity_claimed")
);
--> statement-breakpoint
CREATE TABLE "returns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL,
	"order_id" uuid,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"attention_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"decision" text DEFAULT 'PENDING' NOT NULL,
	"decision_reason" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"external_claim_id" text,
	"external_order_number" text,
	"claim_state" text,
	"marketplace_status" text,
	"claim_modified_at" timestamp with time zone,
	"raw_claim" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "returns_status_known" CHECK ("returns"."status" in ('NEEDS_ATTENTION', 'REQUESTED', 'PARTLY_RECEIVED', 'RECEIVED')),
	CONSTRAINT "returns_decision_known" CHECK ("returns"."decision" in ('PENDING', 'APPROVED', 'REJECTED')),
	CONSTRAINT "returns_source_known" CHECK ("returns"."source" in ('WEB', 'MARKETPLACE')),
	CONSTRAINT "returns_claim_of_marketplace" CHECK (("returns"."source" = 'MARKETPLACE') = ("returns"."external_claim_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD COLUMN "quarantined" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "quarantine_delta" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "return_claim_watermarks" ADD CONSTRAINT "return_claim_watermarks_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_return_id_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_ordered_product_id_products_id_fk" FOREIGN KEY ("ordered_product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "returns_store_claim_unique" ON "returns" USING btree ("store_id","external_claim_id");--> statement-breakpoint
CREATE INDEX "returns_status_store_idx" ON "returns" USING btree ("status","store_id","created_at");--> statement-breakpoint
CREATE INDEX "returns_order_idx" ON "returns" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "stock_movements_quarantine_idx" ON "stock_movements" USING btree ("product_id","warehouse_id") WHERE "stock_movements"."quarantine_delta" <> 0;--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_quarantined_nonnegative" CHECK ("inventory_levels"."quarantined" >= 0);