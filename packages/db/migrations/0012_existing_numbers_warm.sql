-- Numbers registered before send budgets existed have been sending without any warm-up: treat
-- them as warm (an operator can restart a number's warm-up from the admin), so upgrading does not
-- cap an established fleet at 20 messages a day. Their per-minute/hour/day budgets apply at once.
UPDATE "whatsapp_instances" SET "marked_warm_at" = now() WHERE "marked_warm_at" IS NULL;
