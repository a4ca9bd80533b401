DROP INDEX "notifications_due_idx";--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("due_at","id") WHERE "notifications"."status" in ('pending','queued');