CREATE TABLE "booking_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"slot_step_minutes" integer,
	"min_notice_minutes" integer DEFAULT 60 NOT NULL,
	"max_days_ahead" integer DEFAULT 60 NOT NULL,
	"max_future_bookings_per_phone" integer DEFAULT 3 NOT NULL,
	"max_bookings_per_phone_per_hour" integer DEFAULT 5 NOT NULL,
	"max_bookings_per_minute" integer DEFAULT 60 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "booking_settings_step_range" CHECK ("booking_settings"."slot_step_minutes" is null or "booking_settings"."slot_step_minutes" between 5 and 720),
	CONSTRAINT "booking_settings_notice_range" CHECK ("booking_settings"."min_notice_minutes" between 0 and 43200),
	CONSTRAINT "booking_settings_days_range" CHECK ("booking_settings"."max_days_ahead" between 1 and 366),
	CONSTRAINT "booking_settings_limits_positive" CHECK ("booking_settings"."max_future_bookings_per_phone" > 0 and "booking_settings"."max_bookings_per_phone_per_hour" > 0 and "booking_settings"."max_bookings_per_minute" > 0)
);
--> statement-breakpoint
CREATE TABLE "opening_exceptions" (
	"tenant_id" uuid NOT NULL,
	"date" date NOT NULL,
	"ranges" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	CONSTRAINT "opening_exceptions_tenant_id_date_pk" PRIMARY KEY("tenant_id","date"),
	CONSTRAINT "opening_exceptions_ranges_array" CHECK (jsonb_typeof("opening_exceptions"."ranges") = 'array')
);
--> statement-breakpoint
CREATE TABLE "opening_hours" (
	"tenant_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"start_minute" smallint NOT NULL,
	"end_minute" smallint NOT NULL,
	CONSTRAINT "opening_hours_tenant_id_weekday_start_minute_pk" PRIMARY KEY("tenant_id","weekday","start_minute"),
	CONSTRAINT "opening_hours_weekday_range" CHECK ("opening_hours"."weekday" between 1 and 7),
	CONSTRAINT "opening_hours_minutes_range" CHECK ("opening_hours"."start_minute" >= 0 and "opening_hours"."end_minute" <= 1440 and "opening_hours"."end_minute" > "opening_hours"."start_minute")
);
--> statement-breakpoint
CREATE TABLE "professional_services" (
	"professional_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	CONSTRAINT "professional_services_professional_id_service_id_pk" PRIMARY KEY("professional_id","service_id")
);
--> statement-breakpoint
CREATE TABLE "professionals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "professionals_tenant_name_unique" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"price_cents" integer,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "services_tenant_name_unique" UNIQUE("tenant_id","name"),
	CONSTRAINT "services_duration_range" CHECK ("services"."duration_minutes" between 5 and 720),
	CONSTRAINT "services_price_nonnegative" CHECK ("services"."price_cents" is null or "services"."price_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "service_id" uuid;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "professional_id" uuid;--> statement-breakpoint
ALTER TABLE "booking_settings" ADD CONSTRAINT "booking_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opening_exceptions" ADD CONSTRAINT "opening_exceptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opening_hours" ADD CONSTRAINT "opening_hours_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "professional_services" ADD CONSTRAINT "professional_services_professional_id_professionals_id_fk" FOREIGN KEY ("professional_id") REFERENCES "public"."professionals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "professional_services" ADD CONSTRAINT "professional_services_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "professionals" ADD CONSTRAINT "professionals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "professional_services_service_idx" ON "professional_services" USING btree ("service_id");--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_professional_id_professionals_id_fk" FOREIGN KEY ("professional_id") REFERENCES "public"."professionals"("id") ON DELETE no action ON UPDATE no action;