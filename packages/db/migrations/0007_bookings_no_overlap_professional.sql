-- Drizzle cannot express exclusion constraints, so this one is hand-written (like 0001).
-- A catalogue booking names its professional by id as well as by name: no two confirmed bookings
-- of one professional overlap, whatever the professional is called now or was called when each
-- booking was made (bookings_no_overlap compares the name only, which a rename would escape).
-- A professional belongs to one tenant, so the id alone scopes the check.
ALTER TABLE "bookings"
  ADD CONSTRAINT "bookings_no_overlap_professional"
  EXCLUDE USING gist (
    "professional_id" WITH =,
    tstzrange("starts_at", "ends_at", '[)') WITH &&
  ) WHERE ("status" = 'confirmed' AND "professional_id" IS NOT NULL);
