import { ErrorBody } from '@bora/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createBooking, type BookingDeps } from './create-booking.ts';
import { retryAfterOf } from './limits.ts';
import { cancelBooking, getBooking } from './manage-booking.ts';
import {
  BookingBody,
  BookingParams,
  BookingResponse,
  CancelBody,
  IdempotencyHeaders,
  TenantParams,
} from './schemas.ts';

const tags = ['agendamentos'];

export const bookingRoutes: FastifyPluginAsyncTypebox<{ deps: BookingDeps }> = async (app, { deps }) => {
  app.post(
    '/v1/tenants/:slug/bookings',
    {
      schema: {
        tags,
        summary: 'Cria um agendamento e as notificações de WhatsApp dele',
        description:
          'Com catálogo: `serviceId` (+ `professionalId`), num horário livre de GET /slots. Fora do horário de atendimento, da antecedência mínima ' +
          'ou do limite de dias: 400 com o motivo. Horário tomado: 409 SLOT_UNAVAILABLE com os próximos horários livres em `details.nextSlots`. ' +
          'Limites por WhatsApp: 409 PHONE_FUTURE_LIMIT (agendamentos futuros), 429 PHONE_HOURLY_LIMIT (na última hora); por negócio: 429 TENANT_MINUTE_LIMIT; ' +
          'os 429 trazem Retry-After. Sem catálogo (legado): `service`, `professional?`, `durationMinutes? | endsAt`.',
        params: TenantParams,
        headers: IdempotencyHeaders,
        body: BookingBody,
        response: {
          201: BookingResponse,
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
          413: ErrorBody,
          422: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      try {
        const booking = await createBooking(
          deps,
          request.params.slug,
          request.body,
          request.headers['idempotency-key'],
        );
        return reply.status(201).send(booking);
      } catch (error) {
        const wait = retryAfterOf(error);
        if (wait !== undefined) reply.header('retry-after', String(wait));
        throw error;
      }
    },
  );

  app.get(
    '/v1/tenants/:slug/bookings/:id',
    {
      schema: {
        tags,
        summary: 'Um agendamento, com o estado de cada notificação',
        params: BookingParams,
        response: { 200: BookingResponse, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (request) => getBooking(deps, request.params.slug, request.params.id),
  );

  app.post(
    '/v1/tenants/:slug/bookings/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancela um agendamento (libera o horário, cancela o lembrete, avisa o cliente)',
        description: 'Cancelar de novo não muda nada e responde 200 com o mesmo estado.',
        params: BookingParams,
        body: CancelBody,
        response: { 200: BookingResponse, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody },
      },
      // The body is optional: a bare POST means "cancel, no reason given".
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => cancelBooking(deps, request.params.slug, request.params.id, request.body?.reason),
  );
};
