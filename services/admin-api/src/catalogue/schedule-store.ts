import { BOOKING_SETTINGS_DEFAULTS, bookingSettings, openingExceptions, openingHours, type Db } from '@bora/db';
import { asc, eq, sql } from 'drizzle-orm';
import type { Static } from 'typebox';
import { rangeView, type OpeningHours } from './hours.ts';
import { WEEKDAYS, type BookingSettingsPatch, type OpeningHoursView } from './schemas.ts';
import { catalogueTenant } from './store.ts';

/** A tenant's opening hours (weekly ranges and dated exceptions) and booking settings, by slug. */
export function createScheduleStore(db: Db) {
  return {
    async getOpeningHours(slug: string): Promise<Static<typeof OpeningHoursView>> {
      const tenant = await catalogueTenant(db, slug);
      const [weekly, exceptions] = await Promise.all([
        db
          .select()
          .from(openingHours)
          .where(eq(openingHours.tenantId, tenant.id))
          .orderBy(asc(openingHours.weekday), asc(openingHours.startMinute)),
        db
          .select()
          .from(openingExceptions)
          .where(eq(openingExceptions.tenantId, tenant.id))
          .orderBy(asc(openingExceptions.date)),
      ]);
      const days = Object.fromEntries(
        WEEKDAYS.map((day, i) => [
          day,
          weekly.filter((r) => r.weekday === i + 1).map((r) => rangeView({ start: r.startMinute, end: r.endMinute })),
        ]),
      ) as Static<typeof OpeningHoursView>['weekly'];
      return {
        timezone: tenant.timezone,
        weekly: days,
        exceptions: exceptions.map((e) => ({ date: e.date, ranges: e.ranges.map(rangeView), note: e.note })),
      };
    },

    /** Replaces the whole schedule in one transaction (the tenant row locked: concurrent saves queue). */
    async putOpeningHours(slug: string, hours: OpeningHours) {
      await db.transaction(async (tx) => {
        const tenant = await catalogueTenant(tx, slug, true);
        await tx.delete(openingHours).where(eq(openingHours.tenantId, tenant.id));
        await tx.delete(openingExceptions).where(eq(openingExceptions.tenantId, tenant.id));
        const rows = [...hours.weekly].flatMap(([weekday, ranges]) =>
          ranges.map((r) => ({ tenantId: tenant.id, weekday, startMinute: r.start, endMinute: r.end })),
        );
        if (rows.length > 0) await tx.insert(openingHours).values(rows);
        if (hours.exceptions.length > 0)
          await tx.insert(openingExceptions).values(hours.exceptions.map((e) => ({ tenantId: tenant.id, ...e })));
      });
    },

    async getSettings(slug: string) {
      const tenant = await catalogueTenant(db, slug);
      const [row] = await db.select().from(bookingSettings).where(eq(bookingSettings.tenantId, tenant.id));
      const {
        tenantId: _t,
        updatedAt: _u,
        ...values
      } = row ?? { tenantId: '', updatedAt: null, ...BOOKING_SETTINGS_DEFAULTS };
      return values;
    },

    async patchSettings(slug: string, patch: Static<typeof BookingSettingsPatch>) {
      const tenant = await catalogueTenant(db, slug);
      const [row] = await db
        .insert(bookingSettings)
        .values({ ...BOOKING_SETTINGS_DEFAULTS, ...patch, tenantId: tenant.id })
        .onConflictDoUpdate({ target: bookingSettings.tenantId, set: { ...patch, updatedAt: sql`now()` } })
        .returning();
      const { tenantId: _t, updatedAt: _u, ...values } = row!;
      return values;
    },
  };
}

export type ScheduleStore = ReturnType<typeof createScheduleStore>;
