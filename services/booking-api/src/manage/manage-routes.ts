import { confirmAttendance, manageLinkExpiry, signManageToken, verifyManageToken } from '@bora/bookings';
import { isAppError, type FieldProblem } from '@bora/core';
import { PG_ERROR, pgErrorCode } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { MAX_DAYS_AHEAD } from '../bookings/booking-input.ts';
import { dispatchAfterCommit, type BookingDeps } from '../bookings/create-booking.ts';
import { cancelBooking } from '../bookings/manage-booking.ts';
import { zonedToInstant, safeZone } from '../site/local-time.ts';
import { messagePage } from '../site/pages.ts';
import { siteErrorHandler } from '../site/site-routes.ts';
import type { TenantInfo } from '../tenants/tenant-cache.ts';
import { DONE_NOTES, managePage, type DoneNote, type ManageState } from './manage-pages.ts';
import { findManaged, rescheduleBooking, type ManagedBooking } from './manage-store.ts';

const HTML = 'text/html; charset=utf-8';
const htmlResponse = (description: string) => ({ description, content: { 'text/html': { schema: Type.String() } } });
const tags = ['mini-site'];
const page = { helmet: {} };

const Params = Type.Object({
  slug: Type.String({ maxLength: 63 }),
  token: Type.String({ minLength: 10, maxLength: 80, pattern: '^[A-Za-z0-9_.-]+$' }),
});

function sendHtml(reply: FastifyReply, status: number, body: string) {
  // The page is the customer's: never cached, never sent as a Referer to the links on it.
  return reply
    .status(status)
    .type(HTML)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(body);
}

/** The manage page's own address, to post back to and redirect to. */
function selfPath(slug: string, token: string): string {
  return `/${encodeURIComponent(slug)}/gerenciar/${token}`;
}

/**
 * The page behind the signed link in every message (`/<slug>/gerenciar/<token>`): the customer
 * sees their booking and can confirm attendance, move it or cancel it, with plain forms that post
 * and redirect back (works without JavaScript). The token is the only key: it names one booking,
 * expires a day after it ends, and is never logged (the request serializer hides it).
 */
export const manageRoutes: FastifyPluginAsyncTypebox<{ deps: BookingDeps; secretKey: string }> = async (
  app,
  { deps, secretKey },
) => {
  app.setErrorHandler(siteErrorHandler);
  type Resolved =
    { ok: true; tenant: TenantInfo; booking: ManagedBooking } | { ok: false; status: number; body: string };

  async function resolve(slug: string, token: string): Promise<Resolved> {
    const check = verifyManageToken(secretKey, token);
    if (!check.ok && check.reason === 'expired') {
      return {
        ok: false,
        status: 410,
        body: messagePage(
          'Este link expirou',
          'O link para gerenciar este agendamento não vale mais. Fale com o estabelecimento pelo WhatsApp.',
          { href: `/${slug}`, label: 'Fazer um novo agendamento' },
        ),
      };
    }
    const tenant = check.ok ? await deps.tenants.get(slug) : undefined;
    const booking = check.ok && tenant ? await findManaged(deps.sql, tenant.id, check.bookingId) : undefined;
    if (!tenant || !booking)
      return {
        ok: false,
        status: 404,
        body: messagePage(
          'Link inválido',
          'Não encontramos este agendamento. Confira o link que você recebeu no WhatsApp.',
        ),
      };
    return { ok: true, tenant, booking };
  }

  const render = (
    reply: FastifyReply,
    status: number,
    r: { tenant: TenantInfo; booking: ManagedBooking },
    slug: string,
    token: string,
    state: ManageState = {},
  ) => sendHtml(reply, status, managePage(r.tenant, r.booking, selfPath(slug, token), state));

  app.get(
    '/:slug/gerenciar/:token',
    {
      ...page,
      schema: {
        tags,
        summary: 'Página para o cliente gerenciar o agendamento (link assinado das mensagens; HTML)',
        params: Params,
        querystring: Type.Object({ feito: Type.Optional(Type.Enum(Object.keys(DONE_NOTES) as DoneNote[])) }),
        response: {
          200: htmlResponse('O agendamento'),
          404: htmlResponse('Link inválido'),
          410: htmlResponse('Link expirado'),
        },
      },
    },
    async (request, reply) => {
      const { slug, token } = request.params;
      const r = await resolve(slug, token);
      if (!r.ok) return sendHtml(reply, r.status, r.body);
      return render(reply, 200, r, slug, token, { done: request.query.feito as DoneNote | undefined });
    },
  );

  app.post(
    '/:slug/gerenciar/:token/confirmar',
    {
      ...page,
      schema: {
        tags,
        summary: 'Confirmar presença (formulário da página de gerenciar)',
        params: Params,
        response: { 303: Type.Null(), 404: htmlResponse('Link inválido'), 410: htmlResponse('Link expirado') },
      },
    },
    async (request, reply) => {
      const { slug, token } = request.params;
      const r = await resolve(slug, token);
      if (!r.ok) return sendHtml(reply, r.status, r.body);
      await confirmAttendance(deps.sql, r.tenant.id, r.booking.id, 'manage-page');
      return reply.redirect(`${selfPath(slug, token)}?feito=confirmado`, 303);
    },
  );

  app.post(
    '/:slug/gerenciar/:token/cancelar',
    {
      ...page,
      schema: {
        tags,
        summary: 'Cancelar o agendamento (formulário da página de gerenciar)',
        params: Params,
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) })),
        response: { 303: Type.Null(), 404: htmlResponse('Link inválido'), 410: htmlResponse('Link expirado') },
      },
    },
    async (request, reply) => {
      const { slug, token } = request.params;
      const r = await resolve(slug, token);
      if (!r.ok) return sendHtml(reply, r.status, r.body);
      await cancelBooking(
        deps,
        r.tenant.slug,
        r.booking.id,
        request.body?.reason?.trim() || 'Cancelado pelo cliente na página do agendamento',
      );
      return reply.redirect(`${selfPath(slug, token)}?feito=cancelado`, 303);
    },
  );

  app.post(
    '/:slug/gerenciar/:token/remarcar',
    {
      ...page,
      schema: {
        tags,
        summary: 'Remarcar o agendamento para outro horário (formulário da página de gerenciar)',
        description:
          'Sucesso: 303 para a página do novo agendamento. Horário inválido ou ocupado: a página de novo, com a mensagem.',
        params: Params,
        body: Type.Object({ date: Type.String({ maxLength: 20 }), time: Type.String({ maxLength: 10 }) }),
        response: {
          303: Type.Null(),
          400: htmlResponse('Horário inválido'),
          404: htmlResponse('Link inválido'),
          409: htmlResponse('Horário ocupado'),
          410: htmlResponse('Link expirado'),
        },
      },
    },
    async (request, reply) => {
      const { slug, token } = request.params;
      const r = await resolve(slug, token);
      if (!r.ok) return sendHtml(reply, r.status, r.body);
      const values = { date: request.body.date.trim(), time: request.body.time.trim() };
      const startsAt = newStart(values, safeZone(r.tenant.timezone));
      if (typeof startsAt === 'string')
        return render(reply, 400, r, slug, token, { rescheduleError: startsAt, values });
      try {
        const moved = await rescheduleBooking(deps.sql, r.tenant, r.booking, startsAt);
        if (!moved.moved) {
          const why =
            moved.reason === 'taken'
              ? 'Este horário já está ocupado. Escolha outro.'
              : 'Este agendamento não pode mais ser remarcado.';
          return render(reply, 409, r, slug, token, { rescheduleError: why, values });
        }
        if (moved.owedCancelled.length > 0) await deps.enqueuer.remove(r.tenant.id, moved.owedCancelled);
        await dispatchAfterCommit(deps, r.tenant.id, moved.planned);
        const ends = new Date(startsAt.getTime() + (r.booking.endsAt.getTime() - r.booking.startsAt.getTime()));
        const next = signManageToken(secretKey, moved.bookingId, manageLinkExpiry(ends));
        return reply.redirect(`${selfPath(slug, next)}?feito=remarcado`, 303);
      } catch (error) {
        // The catalogue's own reasons (closed that day, off the grid, too soon), in pt-BR.
        if (isAppError(error) && error.code === 'VALIDATION_FAILED') {
          const problems = Array.isArray(error.details) ? (error.details as FieldProblem[]) : [];
          return render(reply, 400, r, slug, token, {
            rescheduleError: `Este horário não dá: ${problems.map((p) => p.message).join('; ') || error.message}.`,
            values,
          });
        }
        if (pgErrorCode(error) !== PG_ERROR.exclusionViolation) throw error;
        return render(reply, 409, r, slug, token, {
          rescheduleError: 'Este horário já está ocupado. Escolha outro.',
          values,
        });
      }
    },
  );
};

/** The new start from the form (the business's wall clock), or what is wrong with it, in pt-BR. */
function newStart(values: { date: string; time: string }, zone: string): Date | string {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(values.date);
  const time = /^(\d{2}):(\d{2})(?::00)?$/.exec(values.time);
  if (!date || !time) return 'Escolha o novo dia e o horário.';
  const instant = zonedToInstant(
    {
      year: Number(date[1]),
      month: Number(date[2]),
      day: Number(date[3]),
      hour: Number(time[1]),
      minute: Number(time[2]),
    },
    zone,
  );
  if (!instant) return 'Este horário não existe neste dia (mudança de horário de verão). Escolha outro.';
  if (instant.getTime() <= Date.now()) return 'Escolha um horário no futuro.';
  if (instant.getTime() > Date.now() + MAX_DAYS_AHEAD * 86_400_000)
    return `Escolha uma data em até ${MAX_DAYS_AHEAD} dias.`;
  return instant;
}
