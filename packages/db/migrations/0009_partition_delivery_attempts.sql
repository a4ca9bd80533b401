-- delivery_attempts becomes a table partitioned by month of created_at (drizzle cannot declare
-- partitioning, hence this hand-written migration). Why: the audit trail only grows, and an old
-- month leaves as one partition (DETACH … CONCURRENTLY, then DROP) instead of millions of DELETEs
-- and the bloat they leave. The primary key (id, created_at) includes the partition key, as
-- Postgres requires; the foreign keys from it (to notifications, servers, instances) work from a
-- partitioned table, and nothing references it. The dispatcher's maintenance (leader-elected)
-- creates the coming months ahead (PARTITION_MONTHS_AHEAD) and drops months past
-- RETENTION_ATTEMPT_DAYS. Existing rows are copied into their months here, in the migration's
-- transaction: on a large existing table, expect this migration to take a while.
ALTER TABLE "delivery_attempts" RENAME TO "delivery_attempts_unpartitioned";--> statement-breakpoint
ALTER TABLE "delivery_attempts_unpartitioned" RENAME CONSTRAINT "delivery_attempts_id_created_at_pk" TO "delivery_attempts_unpartitioned_pk";--> statement-breakpoint
ALTER TABLE "delivery_attempts_unpartitioned" RENAME CONSTRAINT "delivery_attempts_notification_id_notifications_id_fk" TO "delivery_attempts_unpartitioned_notification_fk";--> statement-breakpoint
ALTER TABLE "delivery_attempts_unpartitioned" RENAME CONSTRAINT "delivery_attempts_evolution_api_id_evolution_apis_id_fk" TO "delivery_attempts_unpartitioned_server_fk";--> statement-breakpoint
ALTER TABLE "delivery_attempts_unpartitioned" RENAME CONSTRAINT "delivery_attempts_whatsapp_instance_id_whatsapp_instances_id_fk" TO "delivery_attempts_unpartitioned_instance_fk";--> statement-breakpoint
ALTER INDEX "delivery_attempts_notification_idx" RENAME TO "delivery_attempts_unpartitioned_notification_idx";--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigint DEFAULT nextval('delivery_attempts_id_seq'::regclass) NOT NULL,
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
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"possible_duplicate" boolean DEFAULT false NOT NULL,
	CONSTRAINT "delivery_attempts_id_created_at_pk" PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");--> statement-breakpoint
ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY "delivery_attempts"."id";--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_evolution_api_id_evolution_apis_id_fk" FOREIGN KEY ("evolution_api_id") REFERENCES "public"."evolution_apis"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_whatsapp_instance_id_whatsapp_instances_id_fk" FOREIGN KEY ("whatsapp_instance_id") REFERENCES "public"."whatsapp_instances"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_attempts_notification_idx" ON "delivery_attempts" USING btree ("notification_id", "id");--> statement-breakpoint
-- One partition per month, named delivery_attempts_yYYYYmMM, from the oldest attempt's month to
-- three months ahead. No DEFAULT partition: it would forbid DETACH … CONCURRENTLY (the purge that
-- never blocks inserts), so the maintenance keeps months created well ahead instead.
DO $$
DECLARE
  m date := date_trunc('month', coalesce((SELECT min("created_at") FROM "delivery_attempts_unpartitioned"), now()) AT TIME ZONE 'UTC')::date;
  last date := (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months')::date;
BEGIN
  WHILE m <= last LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF "delivery_attempts" FOR VALUES FROM (%L) TO (%L)',
      'delivery_attempts_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM'),
      (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
    m := (m + interval '1 month')::date;
  END LOOP;
END $$;--> statement-breakpoint
INSERT INTO "delivery_attempts" ("id", "notification_id", "attempt", "evolution_api_id", "whatsapp_instance_id", "outcome", "error_code", "error_scope", "error_message", "http_status", "latency_ms", "created_at", "possible_duplicate")
  SELECT "id", "notification_id", "attempt", "evolution_api_id", "whatsapp_instance_id", "outcome", "error_code", "error_scope", "error_message", "http_status", "latency_ms", "created_at", "possible_duplicate"
    FROM "delivery_attempts_unpartitioned";--> statement-breakpoint
DROP TABLE "delivery_attempts_unpartitioned";
