import { ErrorBody } from '@bora/http';
import { BOOKING_STATUS } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDeps } from '../deps.ts';
import { tenantIdBySlug } from '../tenants/store.ts';
import { findAgenda } from './store.ts';
import { authErrors, iso, NullableString, NullableTimestamp, Timestamp } from '../common-schemas.ts';
import { Slug } from '../tenants/schemas.ts';

const BookingItem = Type.Object({
  id: Type.String(),
  code: Type.String({ description: 'Código curto que o cliente usa no WhatsApp' }),
  customerName: Type.String(),
  customerPhone: Type.String(),
  service: Type.String(),
  professional: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  status: Type.Enum(BOOKING_STATUS),
  cancelReason: NullableString,
  attendanceConfirmedAt: Type.Union([Timestamp, Type.Null()], { description: 'Quando o cliente confirmou presença' }),
  attendanceConfirmedVia: Type.Union([Type.String(), Type.Null()], {
    description: 'whatsapp | whatsapp-code | manage-page',
  }),
  cancelledAt: NullableTimestamp,
});

/** The business's agenda as the operator reads it: who is coming, who confirmed, who cancelled. */
export const bookingRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const { sql } = deps.db;
  app.get(
    '/v1/tenants/:slug/bookings',
    {
      schema: {
        tags: ['bookings'],
        summary: 'Agenda do negócio (a partir de `from`, padrão: agora), com a confirmação de presença',
        params: Type.Object({ slug: Slug }),
        querystring: Type.Object({
          from: Type.Optional(Timestamp),
          status: Type.Optional(Type.Enum(BOOKING_STATUS)),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(BookingItem) }), 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const tenantId = await tenantIdBySlug(deps.db.db, request.params.slug);
      const from = request.query.from ? new Date(request.query.from) : new Date();
      const rows = await findAgenda(sql, tenantId, { from, status: request.query.status, limit: request.query.limit });
      return {
        items: rows.map((r) => ({
          id: r.id,
          code: r.code,
          customerName: r.customer_name,
          customerPhone: r.customer_phone,
          service: r.service,
          professional: r.professional,
          startsAt: iso(r.starts_at)!,
          endsAt: iso(r.ends_at)!,
          status: r.status,
          cancelReason: r.cancel_reason,
          attendanceConfirmedAt: iso(r.attendance_confirmed_at),
          attendanceConfirmedVia: r.attendance_confirmed_via,
          cancelledAt: iso(r.cancelled_at),
        })),
      };
    },
  );
};
