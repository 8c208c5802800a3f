ALTER TYPE "public"."order_status" ADD VALUE 'PICKING' BEFORE 'SHIPPED';--> statement-breakpoint
ALTER TYPE "public"."order_status" ADD VALUE 'INVOICED' BEFORE 'SHIPPED';--> statement-breakpoint
CREATE TABLE "order_commands" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"return_id" uuid,
	"kind" text NOT NULL,
	"state" text DEFAULT 'PENDING' NOT NULL,
	"seq" integer NOT NULL,
	"payload" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"reference" text,
	"http_status" integer,
	"reason" text,
	"created_by" uuid,
	"sent_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_commands_kind_known" CHECK ("order_commands"."kind" in ('PICK', 'INVOICE', 'SHIP', 'UNSUPPLY', 'CANCEL', 'APPROVE_RETURN', 'REJECT_RETURN')),
	CONSTRAINT "order_commands_state_known" CHECK ("order_commands"."state" in ('PENDING', 'SENDING', 'SENT', 'CONFIRMED', 'FAILED', 'NOT_SUPPORTED', 'OVERTAKEN')),
	CONSTRAINT "order_commands_counts_nonnegative" CHECK ("order_commands"."attempts" >= 0 and "order_commands"."seq" >= 0)
);
--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "status" "order_status";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "dispatch_by" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "order_commands" ADD CONSTRAINT "order_commands_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_commands" ADD CONSTRAINT "order_commands_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_commands" ADD CONSTRAINT "order_commands_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "order_commands_order_seq_unique" ON "order_commands" USING btree ("order_id","seq");--> statement-breakpoint
CREATE INDEX "order_commands_due_idx" ON "order_commands" USING btree ("next_attempt_at") WHERE "order_commands"."state" in ('PENDING', 'SENDING', 'SENT');--> statement-breakpoint
CREATE INDEX "order_commands_failed_idx" ON "order_commands" USING btree ("store_id","updated_at") WHERE "order_commands"."state" = 'FAILED';--> statement-breakpoint
CREATE INDEX "order_commands_return_idx" ON "order_commands" USING btree ("return_id") WHERE "order_commands"."return_id" is not null;--> statement-breakpoint
CREATE INDEX "orders_dispatch_by_idx" ON "orders" USING btree ("dispatch_by") WHERE "orders"."dispatch_by" is not null;