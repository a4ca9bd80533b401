import { randomUUID } from 'node:crypto';
import { cancelBooking } from '@bora/bookings';
import { toDate, type Sql } from '@bora/db';
import { planMessages } from '@bora/bookings';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import type { BookingInput } from '../bookings/booking-input.ts';
import { insertBooking, type NotificationRef } from '../bookings/booking-store.ts';
import { planCatalogueBooking } from '../bookings/catalogue-booking.ts';

/** A booking as its manage page shows it. */
export interface ManagedBooking {
  id: string;
  code: string;
  status: 'confirmed' | 'cancelled';
  customerName: string;
  customerPhone: string;
  service: string;
  professional: string;
  /** Catalogue bookings name their entries: a move is checked against hours, grid and limits. */
  serviceId: string | null;
  professionalId: string | null;
  notes: string | null;
  startsAt: Date;
  endsAt: Date;
  attendanceConfirmedAt: Date | null;
  cancelReason: string | null;
}

interface Row {
  id: string;
  code: string;
  status: 'confirmed' | 'cancelled';
  customer_name: string;
  customer_phone: string;
  service: string;
  professional: string;
  service_id: string | null;
  professional_id: string | null;
  notes: string | null;
  starts_at: Date | string;
  ends_at: Date | string;
  attendance_confirmed_at: Date | string | null;
  cancel_reason: string | null;
}

export async function findManaged(sql: Sql, tenantId: string, bookingId: string): Promise<ManagedBooking | undefined> {
  const [row] = await sql<Row[]>`
    select id, code, status, customer_name, customer_phone, service, professional, service_id, professional_id, notes, starts_at, ends_at,
           attendance_confirmed_at, cancel_reason
      from bookings where id = ${bookingId}::uuid and tenant_id = ${tenantId}::uuid`;
  if (!row) return undefined;
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    customerName: row.customer_name,
    customerPhone: row.customer_phone,
    service: row.service,
    professional: row.professional,
    serviceId: row.service_id,
    professionalId: row.professional_id,
    notes: row.notes,
    startsAt: toDate(row.starts_at),
    endsAt: toDate(row.ends_at),
    attendanceConfirmedAt: row.attendance_confirmed_at === null ? null : toDate(row.attendance_confirmed_at),
    cancelReason: row.cancel_reason,
  };
}

export type RescheduleOutcome =
  | { moved: true; bookingId: string; planned: NotificationRef[]; owedCancelled: string[] }
  | { moved: false; reason: 'not-open' | 'taken' };

/** Rolls the move back when the catalogue has nobody free then. */
class SlotTaken extends Error {}

/** The booking at its new time: a catalogue booking is checked like a new one (hours, grid, notice, limits). */
async function movedInput(tx: Sql, tenant: TenantInfo, booking: ManagedBooking, startsAt: Date): Promise<BookingInput> {
  if (!booking.serviceId) {
    return {
      customerName: booking.customerName,
      customerPhone: booking.customerPhone,
      service: booking.service,
      serviceId: null,
      professional: booking.professional,
      professionalId: null,
      notes: booking.notes,
      startsAt,
      endsAt: new Date(startsAt.getTime() + (booking.endsAt.getTime() - booking.startsAt.getTime())),
    };
  }
  const request = {
    customerName: booking.customerName,
    customerPhone: booking.customerPhone,
    notes: booking.notes,
    startsAt,
    serviceId: booking.serviceId,
    professionalId: booking.professionalId ?? undefined,
  };
  const plan = await planCatalogueBooking(tx, tenant, request, Date.now());
  const professional = plan.candidates[0];
  if (!professional) throw new SlotTaken();
  return { ...plan.base, professional: professional.name, professionalId: professional.id };
}

/**
 * Moves a booking to another time as one transaction: the old one is cancelled without a
 * cancellation message (the customer is moving, not leaving; its owed messages are cancelled by
 * the ledger) and a new one is booked with the same customer, service and length, planned like
 * any booking. A taken slot (the overlap constraint) rolls both back: the old booking stands.
 */
export async function rescheduleBooking(
  sql: Sql,
  tenant: TenantInfo,
  booking: ManagedBooking,
  startsAt: Date,
): Promise<RescheduleOutcome> {
  return sql
    .begin(async (txSql): Promise<RescheduleOutcome> => {
      const tx = txSql as unknown as Sql;
      const cancelled = await cancelBooking(tx, {
        tenantId: tenant.id,
        bookingId: booking.id,
        reason: 'Remarcado pelo cliente',
        notify: false,
      });
      if (!cancelled.cancelled) return { moved: false, reason: 'not-open' } as const;
      const bookingId = randomUUID();
      const input = await movedInput(tx, tenant, booking, startsAt);
      const planned = planMessages(startsAt, new Date(), {
        reminderOffsetsMinutes: tenant.reminderOffsetsMinutes,
        quietHours: tenant.quietHours,
        timezone: tenant.timezone,
        confirmationWaitMinutes: 0,
      });
      await insertBooking(tx, tenant.id, bookingId, input, planned);
      return { moved: true, bookingId, planned, owedCancelled: cancelled.owedCancelled } as const;
    })
    .catch((error: unknown) => {
      if (error instanceof SlotTaken) return { moved: false, reason: 'taken' } as const;
      throw error;
    });
}
