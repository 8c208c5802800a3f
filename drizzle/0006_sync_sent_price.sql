ALTER TABLE "sync_sent" ALTER COLUMN "quantity" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_sent" ADD COLUMN "price" integer;