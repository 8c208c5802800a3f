ALTER TABLE "order_pull_watermarks" ADD COLUMN "resume_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "order_pull_watermarks" ADD COLUMN "resume_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "order_pull_watermarks" ADD COLUMN "resume_page" text;