CREATE TABLE "whatsapp_instance_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"whatsapp_instance_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"code" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_instance_events_kind_valid" CHECK ("whatsapp_instance_events"."kind" in ('disconnected','logged-out','session-refused','reachout-refused','send-refused','restarted'))
);
--> statement-breakpoint
CREATE TABLE "whatsapp_instance_health" (
	"whatsapp_instance_id" uuid PRIMARY KEY NOT NULL,
	"score" integer NOT NULL,
	"state" text NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"stats" jsonb NOT NULL,
	"last_restart_at" timestamp with time zone,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_instance_health_state_valid" CHECK ("whatsapp_instance_health"."state" in ('healthy','degraded','failing')),
	CONSTRAINT "whatsapp_instance_health_score_range" CHECK ("whatsapp_instance_health"."score" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "relink_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"whatsapp_instance_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"alerted_at" timestamp with time zone,
	"alert_notification_id" uuid,
	"qr_base64" text,
	"qr_code" text,
	"pairing_code" text,
	"qr_updated_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "relink_requests_reason_valid" CHECK ("relink_requests"."reason" in ('disconnected','logged-out','qr-expired'))
);
--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_valid";--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_booking_required";--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "owner_phone" text;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "warm_since" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "last_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "marked_warm_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "budget_per_minute" integer;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "budget_per_hour" integer;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "budget_per_day" integer;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "budget_new_contacts_per_day" integer;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "reachout_locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "reachout_locked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "reachout_locks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "whatsapp_instance_events" ADD CONSTRAINT "whatsapp_instance_events_whatsapp_instance_id_whatsapp_instances_id_fk" FOREIGN KEY ("whatsapp_instance_id") REFERENCES "public"."whatsapp_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_instance_health" ADD CONSTRAINT "whatsapp_instance_health_whatsapp_instance_id_whatsapp_instances_id_fk" FOREIGN KEY ("whatsapp_instance_id") REFERENCES "public"."whatsapp_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relink_requests" ADD CONSTRAINT "relink_requests_whatsapp_instance_id_whatsapp_instances_id_fk" FOREIGN KEY ("whatsapp_instance_id") REFERENCES "public"."whatsapp_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relink_requests" ADD CONSTRAINT "relink_requests_alert_notification_id_notifications_id_fk" FOREIGN KEY ("alert_notification_id") REFERENCES "public"."notifications"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "whatsapp_instance_events_instance_at_idx" ON "whatsapp_instance_events" USING btree ("whatsapp_instance_id","at");--> statement-breakpoint
CREATE INDEX "whatsapp_instance_events_at_idx" ON "whatsapp_instance_events" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "relink_requests_one_open_per_instance" ON "relink_requests" USING btree ("whatsapp_instance_id") WHERE "relink_requests"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "notifications_sent_at_idx" ON "notifications" USING btree ("sent_at") WHERE "notifications"."sent_at" is not null;--> statement-breakpoint
CREATE INDEX "notifications_recipient_sent_idx" ON "notifications" USING btree ("recipient","whatsapp_instance_id","sent_at") WHERE "notifications"."sent_at" is not null;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_owner_phone_digits" CHECK ("tenants"."owner_phone" is null or "tenants"."owner_phone" ~ '^[0-9]{8,15}$');--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD CONSTRAINT "whatsapp_instances_budgets_positive" CHECK (coalesce("whatsapp_instances"."budget_per_minute", 1) > 0 and coalesce("whatsapp_instances"."budget_per_hour", 1) > 0 and coalesce("whatsapp_instances"."budget_per_day", 1) > 0 and coalesce("whatsapp_instances"."budget_new_contacts_per_day", 1) > 0);--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_valid" CHECK ("notifications"."kind" in ('confirmation','reminder','cancellation','manual','reply','owner_alert'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_booking_required" CHECK (case when "notifications"."kind" in ('manual','owner_alert') then "notifications"."booking_id" is null when "notifications"."kind" = 'reply' then true else "notifications"."booking_id" is not null end);