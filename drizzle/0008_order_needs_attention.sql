ALTER TYPE "public"."order_status" ADD VALUE 'NEEDS_ATTENTION';--> statement-breakpoint
CREATE TABLE "order_attention_lines" (
	"order_id" uuid NOT NULL,
	"line_no" smallint NOT NULL,
	"reason" text NOT NULL,
	"line" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_attention_lines_order_id_line_no_pk" PRIMARY KEY("order_id","line_no")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "attention_reasons" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "raw_payload" text;--> statement-breakpoint
ALTER TABLE "order_attention_lines" ADD CONSTRAINT "order_attention_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;