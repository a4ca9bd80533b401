-- Carry a business's chosen reminder lead over to the list (hand-added data step; the rest is generated).
UPDATE "tenants" SET "reminder_offsets_minutes" = CASE WHEN "reminder_lead_minutes" = 0 THEN '{}'::integer[] WHEN "reminder_lead_minutes" = 1440 THEN '{1440,120}'::integer[] ELSE ARRAY["reminder_lead_minutes"] END;--> statement-breakpoint
ALTER TABLE "tenants" DROP CONSTRAINT "tenants_reminder_lead_nonnegative";--> statement-breakpoint
ALTER TABLE "tenants" DROP COLUMN "reminder_lead_minutes";--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_reminder_offsets_positive" CHECK (0 < all("tenants"."reminder_offsets_minutes") and cardinality("tenants"."reminder_offsets_minutes") <= 5);