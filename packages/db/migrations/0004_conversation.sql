CREATE TABLE "consent_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"event" text NOT NULL,
	"channel" text NOT NULL,
	"inbound_message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_preferences" (
	"tenant_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"opted_out_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_preferences_tenant_id_phone_pk" PRIMARY KEY("tenant_id","phone")
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid,
	"evolution_api_id" uuid NOT NULL,
	"whatsapp_instance_id" uuid,
	"message_key" text NOT NULL,
	"customer_phone" text,
	"remote_jid" text,
	"push_name" text,
	"text" text NOT NULL,
	"intent" text NOT NULL,
	"action" text DEFAULT 'none' NOT NULL,
	"booking_id" uuid,
	"handled_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_messages_key_unique" UNIQUE("evolution_api_id","message_key"),
	CONSTRAINT "inbound_messages_intent_valid" CHECK ("inbound_messages"."intent" in ('confirm','cancel','reschedule','stop','resume','help','unknown')),
	CONSTRAINT "inbound_messages_action_valid" CHECK ("inbound_messages"."action" in ('confirmed','cancelled','reschedule-link','opted-out','opted-in','asked-which','help','inbox','none'))
);
--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_booking_kind_unique";--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_valid";--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_booking_required";--> statement-breakpoint
ALTER TABLE "tenants" ALTER COLUMN "confirmation_template" SET DEFAULT 'Olá, {cliente}! Seu agendamento de {servico} em {negocio} está confirmado para {data} às {hora}. Responda 1 para confirmar presença, 2 para cancelar ou 3 para remarcar. Para gerenciar: {link}';--> statement-breakpoint
ALTER TABLE "tenants" ALTER COLUMN "reminder_template" SET DEFAULT 'Olá, {cliente}! Lembrete: {servico} em {negocio} {data} às {hora}. Te esperamos! Responda 1 para confirmar presença ou 2 para cancelar. {link}';--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "reminder_offsets_minutes" integer[] DEFAULT '{1440,120}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "later_reminders_only_unconfirmed" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "quiet_hours_start" text DEFAULT '21:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "quiet_hours_end" text DEFAULT '08:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "confirmation_wait_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "last_inbound_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD COLUMN "inbound_polled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "code" text GENERATED ALWAYS AS (upper(substr(replace(id::text, '-', ''), 1, 8))) STORED;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "attendance_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "attendance_confirmed_via" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "forced_instance_id" uuid;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_evolution_api_id_evolution_apis_id_fk" FOREIGN KEY ("evolution_api_id") REFERENCES "public"."evolution_apis"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_whatsapp_instance_id_whatsapp_instances_id_fk" FOREIGN KEY ("whatsapp_instance_id") REFERENCES "public"."whatsapp_instances"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_events_tenant_phone_idx" ON "consent_events" USING btree ("tenant_id","phone","created_at");--> statement-breakpoint
CREATE INDEX "inbound_messages_tenant_received_idx" ON "inbound_messages" USING btree ("tenant_id","received_at");--> statement-breakpoint
CREATE INDEX "inbound_messages_phone_idx" ON "inbound_messages" USING btree ("tenant_id","customer_phone","received_at");--> statement-breakpoint
CREATE INDEX "inbound_messages_inbox_idx" ON "inbound_messages" USING btree ("tenant_id","received_at") WHERE "inbound_messages"."action" = 'inbox' and "inbound_messages"."handled_at" is null;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_forced_instance_id_whatsapp_instances_id_fk" FOREIGN KEY ("forced_instance_id") REFERENCES "public"."whatsapp_instances"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bookings_tenant_code_idx" ON "bookings" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "bookings_tenant_phone_starts_idx" ON "bookings" USING btree ("tenant_id","customer_phone","starts_at");--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_booking_kind_seq_unique" UNIQUE("booking_id","kind","seq");--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_quiet_hours_format" CHECK ("tenants"."quiet_hours_start" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and "tenants"."quiet_hours_end" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_confirmation_wait_range" CHECK ("tenants"."confirmation_wait_minutes" between 0 and 120);--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_valid" CHECK ("notifications"."kind" in ('confirmation','reminder','cancellation','manual','reply'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_booking_required" CHECK (case "notifications"."kind" when 'manual' then "notifications"."booking_id" is null when 'reply' then true else "notifications"."booking_id" is not null end);