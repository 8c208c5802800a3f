CREATE TYPE "public"."webhook_state" AS ENUM('OFF', 'REGISTERED', 'FAILED');--> statement-breakpoint
CREATE TABLE "store_webhooks" (
	"store_id" uuid PRIMARY KEY NOT NULL,
	"state" "webhook_state" NOT NULL,
	"webhook_id" text,
	"callback_url" text,
	"fingerprint" text,
	"reason" text,
	"http_status" integer,
	"last_attempt_at" timestamp with time zone NOT NULL,
	"registered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "store_webhooks" ADD CONSTRAINT "store_webhooks_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;