ALTER TABLE "notifications" DROP CONSTRAINT "notifications_status_valid";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD COLUMN "possible_duplicate" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "last_error_scope" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "expired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "unconfirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "reconcile_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "resends" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "revivals" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "record_note" text;--> statement-breakpoint
CREATE INDEX "notifications_reconcile_idx" ON "notifications" USING btree ("reconcile_at") WHERE "notifications"."status" = 'unconfirmed';--> statement-breakpoint
CREATE INDEX "notifications_failed_idx" ON "notifications" USING btree ("tenant_id","failed_at") WHERE "notifications"."status" = 'failed';--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_status_valid" CHECK ("notifications"."status" in ('pending','queued','sending','unconfirmed','sent','delivered','read','failed','cancelled','expired'));