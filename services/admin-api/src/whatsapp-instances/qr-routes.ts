import { ErrorBody } from '@bora/http';
import type { InstanceStatus } from '@bora/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AdminApiDeps } from '../deps.ts';
import { errorFields, evolutionFailure, withServerClient } from '../evolution-apis/server-client.ts';
import { findInstanceWithServer, recordInstanceStatus } from './store.ts';
import { authErrors, IdParams } from '../common-schemas.ts';
import { QrView } from './schemas.ts';

export const whatsappInstanceQrRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDeps }> = async (app, { deps }) => {
  const { db } = deps.db;

  const recordStatus = (id: string, status: InstanceStatus) => recordInstanceStatus(db, id, status);

  app.get(
    '/v1/whatsapp-instances/:id/qr',
    {
      schema: {
        tags: ['whatsapp-instances'],
        summary: 'QR code para escanear no WhatsApp ({base64, code, pairingCode}) ou {state:"open"} se já conectado',
        params: IdParams,
        response: { 200: QrView, 404: ErrorBody, 502: ErrorBody, ...authErrors },
      },
    },
    async (request) => {
      const { instance, server } = await findInstanceWithServer(db, request.params.id);
      let result;
      try {
        result = await withServerClient(deps.config, server, (client) => client.connect(instance.instanceName));
      } catch (error) {
        request.log.warn(
          { ...errorFields(error), evolutionApiId: server.id, instance: instance.instanceName },
          'qr request failed',
        );
        throw evolutionFailure(error, 'Não foi possível obter o QR code');
      }
      if (result.kind === 'qr') {
        await recordStatus(instance.id, 'connecting');
        return { base64: result.base64, code: result.code, pairingCode: result.pairingCode };
      }
      if (result.state === 'open') await recordStatus(instance.id, 'connected');
      return { state: result.state ?? 'unknown' };
    },
  );
};
