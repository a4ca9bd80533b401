import { manageLinkExpiry, signManageToken } from '@bora/bookings';
import { isAppError } from '@bora/core';
import { assetRoutes } from '@bora/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { BookingParams, TenantParams } from '../bookings/schemas.ts';
import type { BookingDeps } from '../bookings/create-booking.ts';
import { findBooking } from '../bookings/manage-booking.ts';
import { bookingFormPage, emptyForm } from './booking-form.ts';
import { submitForm } from './form-submission.ts';
import { FormBody } from './form-input.ts';
import { bookingIcs } from './ics.ts';
import { confirmationPage, messagePage, notFoundPage } from './pages.ts';
import { stepsPage } from './step-pages.ts';
import { submitSteps } from './step-submission.ts';
import { resolveSteps, StepQuery } from './steps.ts';

const HTML = 'text/html; charset=utf-8';
const htmlResponse = (description: string) => ({ description, content: { 'text/html': { schema: Type.String() } } });
const tags = ['mini-site'];
/** Documents opt in to helmet's headers and CSP (see protection.ts). */
const page = { helmet: {} };

function sendHtml(reply: FastifyReply, status: number, body: string) {
  return reply.status(status).type(HTML).header('cache-control', 'no-store').send(body);
}

/**
 * Errors on the mini-site are pages, not JSON: a person is reading them. Schema failures on
 * the path (a malformed booking id) read as "not found"; the rate limit keeps its Retry-After.
 */
export function siteErrorHandler(error: FastifyError, _request: unknown, reply: FastifyReply) {
  const status = isAppError(error) ? error.statusCode : (error.statusCode ?? 500);
  if (error.validation && error.validationContext === 'params') return sendHtml(reply, 404, notFoundPage());
  if (status === 429)
    return sendHtml(reply, 429, messagePage('Muitas tentativas', 'Aguarde um minuto e tente de novo.'));
  if (status === 413)
    return sendHtml(
      reply,
      413,
      messagePage('Dados grandes demais', 'Encurte os textos do formulário e envie de novo.'),
    );
  if (status >= 500) {
    reply.log.error({ err: error }, 'mini-site error');
    return sendHtml(
      reply,
      500,
      messagePage('Algo deu errado', 'Não conseguimos concluir agora. Tente de novo em instantes.'),
    );
  }
  return sendHtml(
    reply,
    status,
    messagePage('Não foi possível continuar', 'Confira o endereço e os dados e tente de novo.'),
  );
}

/** `GET /:slug` and friends: server-rendered pages, no front-end build, one small script. */
export const siteRoutes: FastifyPluginAsyncTypebox<{ deps: BookingDeps; secretKey: string }> = async (
  app,
  { deps, secretKey },
) => {
  app.setErrorHandler(siteErrorHandler);

  // Assets stay outside the rate limit: a page view costs one request, not three.
  await app.register(assetRoutes, {
    prefix: '/assets',
    dir: new URL('../../public/', import.meta.url),
    files: { 'site.js': 'text/javascript; charset=utf-8', 'site.css': 'text/css; charset=utf-8' },
    cacheControl: 'public, max-age=300',
    routeOptions: { ...page, config: { rateLimit: false } },
  });

  app.get(
    '/:slug',
    {
      ...page,
      schema: {
        tags,
        summary: 'Mini-site do negócio (HTML)',
        description:
          'Com catálogo: os passos serviço → profissional (ou qualquer um) → dia → horário livre → nome e WhatsApp, cada um uma página ' +
          '(`?servico=&profissional=&dia=&horario=`), sem precisar de JavaScript. Sem catálogo: o formulário legado de texto livre.',
        params: TenantParams,
        querystring: StepQuery,
        response: { 200: htmlResponse('Formulário'), 404: htmlResponse('Não encontrado') },
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.get(request.params.slug);
      if (!tenant) return sendHtml(reply, 404, notFoundPage());
      if (tenant.hasCatalogue)
        return sendHtml(reply, 200, stepsPage(tenant, await resolveSteps(deps.sql, tenant, request.query)));
      return sendHtml(reply, 200, bookingFormPage(tenant, { values: emptyForm(), errors: {} }));
    },
  );

  app.post(
    '/:slug',
    {
      ...page,
      schema: {
        tags,
        summary: 'Envio do formulário do mini-site (application/x-www-form-urlencoded)',
        description:
          'Sucesso: 303 para a página de confirmação. Erros: o formulário de novo, com as mensagens ao lado dos campos (ou o passo do horário, se ele não estiver mais livre).',
        params: TenantParams,
        body: FormBody,
        response: {
          303: Type.Null({ description: 'Redireciona para a página de confirmação' }),
          400: htmlResponse('Formulário com erros'),
          404: htmlResponse('Não encontrado'),
          409: htmlResponse('Horário ocupado ou limite de agendamentos'),
          429: htmlResponse('Limite de agendamentos'),
        },
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.get(request.params.slug);
      if (!tenant) return sendHtml(reply, 404, notFoundPage());
      if (tenant.hasCatalogue || request.body?.serviceId !== undefined) {
        const outcome = await submitSteps(deps, tenant, request.body);
        if (outcome.kind === 'created') return reply.redirect(outcome.location, 303);
        if (outcome.retryAfter !== undefined) reply.header('retry-after', String(outcome.retryAfter));
        return sendHtml(reply, outcome.status, outcome.page);
      }
      const outcome = await submitForm(deps, request.params.slug, request.body);
      if (outcome.kind === 'not-found') return sendHtml(reply, 404, notFoundPage());
      if (outcome.kind === 'created') return reply.redirect(outcome.location, 303);
      return sendHtml(reply, outcome.status, outcome.page);
    },
  );

  app.get(
    '/:slug/agendamentos/:id/agendamento.ics',
    {
      schema: {
        tags,
        summary: 'O agendamento como arquivo de calendário (.ics)',
        params: BookingParams,
        response: {
          200: { description: 'iCalendar', content: { 'text/calendar': { schema: Type.String() } } },
          404: htmlResponse('Não encontrado'),
        },
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.get(request.params.slug);
      const booking = tenant && (await findBooking(deps.sql, tenant.id, tenant.slug, request.params.id));
      if (!tenant || !booking) return sendHtml(reply, 404, notFoundPage());
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="agendamento.ics"')
        .header('cache-control', 'no-store')
        .send(bookingIcs(tenant, booking));
    },
  );

  app.get(
    '/:slug/agendamentos/:id',
    {
      ...page,
      schema: {
        tags,
        summary: 'Página de confirmação de um agendamento (HTML)',
        params: BookingParams,
        response: { 200: htmlResponse('Confirmação'), 404: htmlResponse('Não encontrado') },
      },
    },
    async (request, reply) => {
      const tenant = await deps.tenants.get(request.params.slug);
      const booking = tenant && (await findBooking(deps.sql, tenant.id, tenant.slug, request.params.id));
      if (!tenant || !booking) return sendHtml(reply, 404, notFoundPage());
      const token = signManageToken(secretKey, booking.id, manageLinkExpiry(new Date(booking.endsAt)));
      return sendHtml(reply, 200, confirmationPage(tenant, booking, `/${tenant.slug}/gerenciar/${token}`));
    },
  );
};
