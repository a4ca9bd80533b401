CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'America/Sao_Paulo' NOT NULL,
	"allow_shared_sender" boolean DEFAULT true NOT NULL,
	"confirmation_template" text DEFAULT 'Olá, {cliente}! Seu agendamento de {servico} em {negocio} está confirmado para {data} às {hora}. Até lá!' NOT NULL,
	"reminder_template" text DEFAULT 'Olá, {cliente}! Lembrete: {servico} em {negocio} {data} às {hora}. Te esperamos!' NOT NULL,
	"cancellation_template" text DEFAULT 'Olá, {cliente}. Seu agendamento de {servico} em {negocio} para {data} às {hora} foi cancelado.' NOT NULL,
	"reminder_lead_minutes" integer DEFAULT 1440 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_slug_unique" UNIQUE("slug"),
	CONSTRAINT "tenants_slug_format" CHECK ("tenants"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "tenants_reminder_lead_nonnegative" CHECK ("tenants"."reminder_lead_minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "evolution_apis" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"api_key_encrypted" text NOT NULL,
	"webhook_secret_encrypted" text NOT NULL,
	"capacity" integer DEFAULT 20 NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"health" text DEFAULT 'unknown' NOT NULL,
	"last_checked_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evolution_apis_name_unique" UNIQUE("name"),
	CONSTRAINT "evolution_apis_capacity_positive" CHECK ("evolution_apis"."capacity" > 0),
	CONSTRAINT "evolution_apis_health_valid" CHECK ("evolution_apis"."health" in ('unknown','online','unreachable','unauthorized','incompatible'))
);
--> statement-breakpoint
CREATE TABLE "whatsapp_instances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"evolution_api_id" uuid NOT NULL,
	"tenant_id" uuid,
	"instance_name" text NOT NULL,
	"phone_number" text NOT NULL,
	"display_name" text NOT NULL,
	"status" text DEFAULT 'disconnected' NOT NULL,
	"is_primary" boolean DEFAULT false NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_instances_name_unique" UNIQUE("instance_name"),
	CONSTRAINT "whatsapp_instances_phone_unique" UNIQUE("phone_number"),
	CONSTRAINT "whatsapp_instances_status_valid" CHECK ("whatsapp_instances"."status" in ('connected','connecting','disconnected')),
	CONSTRAINT "whatsapp_instances_phone_digits" CHECK ("whatsapp_instances"."phone_number" ~ '^[0-9]{8,15}$')
);
--> statement-breakpoint
CREATE TABLE "bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_name" text NOT NULL,
	"customer_phone" text NOT NULL,
	"service" text NOT NULL,
	"professional" text DEFAULT '' NOT NULL,
	"notes" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'confirmed' NOT NULL,
	"cancel_reason" text,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bookings_status_valid" CHECK ("bookings"."status" in ('confirmed','cancelled')),
	CONSTRAINT "bookings_ends_after_starts" CHECK ("bookings"."ends_at" > "bookings"."starts_at"),
	CONSTRAINT "bookings_phone_digits" CHECK ("bookings"."customer_phone" ~ '^[0-9]{8,15}$')
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer NOT NULL,
	"response_body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"notification_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"evolution_api_id" uuid,
	"whatsapp_instance_id" uuid,
	"outcome" text NOT NULL,
	"error_code" text,
	"error_scope" text,
	"error_message" text,
	"http_status" integer,
	"latency_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"booking_id" uuid,
	"kind" text NOT NULL,
	"recipient" text NOT NULL,
	"text" text,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"forced_evolution_api_id" uuid,
	"evolution_api_id" uuid,
	"whatsapp_instance_id" uuid,
	"message_id" text,
	"remote_jid" text,
	"last_error_code" text,
	"last_error_message" text,
	"lease_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_booking_kind_unique" UNIQUE("booking_id","kind"),
	CONSTRAINT "notifications_kind_valid" CHECK ("notifications"."kind" in ('confirmation','reminder','cancellation','manual')),
	CONSTRAINT "notifications_status_valid" CHECK ("notifications"."status" in ('pending','queued','sending','sent','delivered','read','failed','cancelled')),
	CONSTRAINT "notifications_booking_required" CHECK (("notifications"."kind" = 'manual') = ("notifications"."booking_id" is null))
);
--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD CONSTRAINT "whatsapp_instances_evolution_api_id_evolution_apis_id_fk" FOREIGN KEY ("evolution_api_id") REFERENCES "public"."evolution_apis"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_instances" ADD CONSTRAINT "whatsapp_instances_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_evolution_api_id_evolution_apis_id_fk" FOREIGN KEY ("evolution_api_id") REFERENCES "public"."evolution_apis"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_whatsapp_instance_id_whatsapp_instances_id_fk" FOREIGN KEY ("whatsapp_instance_id") REFERENCES "public"."whatsapp_instances"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_forced_evolution_api_id_evolution_apis_id_fk" FOREIGN KEY ("forced_evolution_api_id") REFERENCES "public"."evolution_apis"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_evolution_api_id_evolution_apis_id_fk" FOREIGN KEY ("evolution_api_id") REFERENCES "public"."evolution_apis"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_whatsapp_instance_id_whatsapp_instances_id_fk" FOREIGN KEY ("whatsapp_instance_id") REFERENCES "public"."whatsapp_instances"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_instances_one_primary_per_tenant" ON "whatsapp_instances" USING btree ("tenant_id") WHERE "whatsapp_instances"."is_primary" and "whatsapp_instances"."tenant_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_instances_one_shared_primary" ON "whatsapp_instances" USING btree ("is_primary") WHERE "whatsapp_instances"."is_primary" and "whatsapp_instances"."tenant_id" is null;--> statement-breakpoint
CREATE INDEX "whatsapp_instances_server_status_idx" ON "whatsapp_instances" USING btree ("evolution_api_id","status");--> statement-breakpoint
CREATE INDEX "whatsapp_instances_tenant_idx" ON "whatsapp_instances" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "bookings_tenant_starts_idx" ON "bookings" USING btree ("tenant_id","starts_at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "delivery_attempts_notification_idx" ON "delivery_attempts" USING btree ("notification_id","id");--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("due_at") WHERE "notifications"."status" in ('pending','queued');--> statement-breakpoint
CREATE INDEX "notifications_sending_lease_idx" ON "notifications" USING btree ("lease_until") WHERE "notifications"."status" = 'sending';--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_message_id_idx" ON "notifications" USING btree ("message_id") WHERE "notifications"."message_id" is not null;--> statement-breakpoint
CREATE INDEX "notifications_status_created_idx" ON "notifications" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "notifications_tenant_created_idx" ON "notifications" USING btree ("tenant_id","created_at");