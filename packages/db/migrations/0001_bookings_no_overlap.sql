-- Drizzle cannot express exclusion constraints, so this one is hand-written.
-- No two confirmed bookings of one tenant + professional may overlap in time ([start, end) ranges,
-- so back-to-back bookings are fine). Cancelled bookings are outside the constraint: their slot frees.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "bookings"
  ADD CONSTRAINT "bookings_no_overlap"
  EXCLUDE USING gist (
    "tenant_id" WITH =,
    "professional" WITH =,
    tstzrange("starts_at", "ends_at", '[)') WITH &&
  ) WHERE ("status" = 'confirmed');
