import { ErrorBody } from '@bora/http';
import { maskPhone, normalizeMobilePhone, randomToken, validationFailed } from '@bora/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AdminApiDeps } from '../deps.ts';
import { errorFields, evolutionFailure, webhookConfigFor, withServerClient } from '../evolution-apis/server-client.ts';
import { deleteInstance, findInstances, tenantIdOf } from './store.ts';
import { placeAndInsert } from './placement.ts';
import { authErrors } from '../common-schemas.ts';
import { InstanceCreate, InstanceCreated } from './schemas.ts';

/**
 * Derived from the owner and the number's last digits (never the whole number: instance names
 * end up in logs and on the Evolution manager), plus a short random part so it stays unique.
 */
function defaultInstanceName(tenantSlug: string | null | undefined, phone: string): string {
  const suffix = randomToken(3)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x');
  return `${tenantSlug ?? 'bora'}-${phone.slice(-4)}-${suffix}`;
}

/** The seed's Passo 4, plus automatic placement and (optionally) creating the instance on Evolution. */
export const whatsappInstanceCreateRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (
  app,
  { deps },
) => {
  const { db } = deps.db;
  app.post(
    '/v1/whatsapp-instances',
    {
      schema: {
        tags: ['whatsapp-instances'],
        summary: 'Cadastrar WhatsApp (sem evolutionApiId o balanceador escolhe o servidor)',
        body: InstanceCreate,
        response: {
          201: InstanceCreated,
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
          502: ErrorBody,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const phone = normalizeMobilePhone(body.phoneNumber);
      if (!phone.ok) throw validationFailed([{ field: 'phoneNumber', message: phone.reason }]);
      const tenantId = await tenantIdOf(db, body.tenantSlug);
      const createOnServer = body.createOnServer ?? false;
      const placed = await placeAndInsert(db, {
        evolutionApiId: body.evolutionApiId,
        values: {
          tenantId,
          instanceName: body.instanceName ?? defaultInstanceName(body.tenantSlug, phone.digits),
          phoneNumber: phone.digits,
          displayName: body.displayName,
          isPrimary: body.isPrimary ?? false,
          status: body.status ?? (createOnServer ? 'connecting' : 'disconnected'),
        },
      });
      const log = request.log.child({ evolutionApiId: placed.server.id, instance: placed.instance.instanceName });
      log.info({ chosenBy: placed.chosenBy, phone: maskPhone(phone.digits) }, 'whatsapp instance registered');

      let qr = null;
      if (createOnServer) {
        try {
          const created = await withServerClient(deps.config, placed.server, (client) =>
            client.createInstance({
              instanceName: placed.instance.instanceName,
              qrcode: true,
              webhook: webhookConfigFor(deps.config, placed.server),
            }),
          );
          qr = created.qrcode
            ? { base64: created.qrcode.base64, code: created.qrcode.code, pairingCode: created.qrcode.pairingCode }
            : null;
        } catch (error) {
          // The registration without its Evolution instance would be a number nobody can send
          // from: undo it so the operator can simply try again.
          await deleteInstance(db, placed.instance.id);
          log.warn(errorFields(error), 'creating the instance on evolution failed; registration undone');
          throw evolutionFailure(error, 'Não foi possível criar a instância no servidor Evolution');
        }
      }
      const [instance] = await findInstances(db, { id: placed.instance.id });
      return reply.status(201).send({
        instance: instance!,
        placement: { chosenBy: placed.chosenBy, reason: placed.reason },
        createdOnServer: createOnServer,
        qr,
      });
    },
  );
};
