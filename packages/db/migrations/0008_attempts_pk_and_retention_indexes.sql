-- delivery_attempts' primary key includes its partition key (created_at): a partitioned table's
-- unique constraints must. The partitioning itself is the custom migration that follows.
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_pkey";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_id_created_at_pk" PRIMARY KEY("id","created_at");
--> statement-breakpoint
CREATE INDEX "bookings_identified_starts_idx" ON "bookings" USING btree ("starts_at") WHERE "bookings"."customer_phone" <> '00000000';--> statement-breakpoint
CREATE INDEX "notifications_text_retention_idx" ON "notifications" USING btree ("created_at") WHERE "notifications"."text" is not null or "notifications"."last_error_message" is not null;--> statement-breakpoint
CREATE INDEX "notifications_recipient_retention_idx" ON "notifications" USING btree ("created_at") WHERE "notifications"."recipient" <> '';