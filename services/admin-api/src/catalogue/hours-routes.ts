import { ErrorBody } from '@bora/http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authErrors } from '../common-schemas.ts';
import { toOpeningHours } from './hours.ts';
import {
  BookingSettingsPatch,
  BookingSettingsView,
  OpeningHoursBody,
  OpeningHoursView,
  TenantScope,
} from './schemas.ts';
import type { ScheduleStore } from './schedule-store.ts';

const tags = ['catálogo'];

/** When customers may book: `/opening-hours` (weekly ranges + dated exceptions) and `/booking-settings`. */
export const hoursRoutes: FastifyPluginAsyncTypebox<{ store: ScheduleStore }> = async (app, { store }) => {
  app.get(
    '/opening-hours',
    {
      schema: {
        tags,
        summary: 'Horário de atendimento',
        params: TenantScope,
        response: { 200: OpeningHoursView, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => store.getOpeningHours(request.params.slug),
  );

  app.put(
    '/opening-hours',
    {
      schema: {
        tags,
        summary: 'Definir o horário de atendimento (substitui o anterior)',
        description:
          'Por dia da semana, um ou mais intervalos "HH:MM" no fuso do negócio (ex.: 09:00–12:00 e 13:00–18:00); um dia ausente ou vazio é fechado. ' +
          'Exceções datadas substituem o dia da semana: ranges vazio = fechado (feriado), ou um horário especial.',
        params: TenantScope,
        body: OpeningHoursBody,
        response: { 200: OpeningHoursView, 400: ErrorBody, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      await store.putOpeningHours(request.params.slug, toOpeningHours(request.body));
      return store.getOpeningHours(request.params.slug);
    },
  );

  app.get(
    '/booking-settings',
    {
      schema: {
        tags,
        summary: 'Regras de agendamento',
        params: TenantScope,
        response: { 200: BookingSettingsView, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => store.getSettings(request.params.slug),
  );

  app.patch(
    '/booking-settings',
    {
      schema: {
        tags,
        summary: 'Alterar as regras de agendamento',
        description:
          'Intervalo entre horários, antecedência mínima, dias à frente e os limites por WhatsApp e por minuto.',
        params: TenantScope,
        body: BookingSettingsPatch,
        response: { 200: BookingSettingsView, 400: ErrorBody, 404: ErrorBody, ...authErrors },
      },
    },
    async (request) => store.patchSettings(request.params.slug, request.body),
  );
};
