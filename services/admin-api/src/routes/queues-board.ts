import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import type { AdminApiDeps } from '../deps.ts';
import { maskPhones } from '../lib/mask.ts';

export const QUEUES_BASE_PATH = '/admin/queues';

/**
 * bull-board on the notifications queue, behind the same admin auth as everything else (the
 * global hook denies by default). Its own routes carry no TypeBox schemas and are hidden from
 * `/docs`. Job data is a bare `{notificationId}` pointer; the formatters mask anything
 * phone-like all the same, so a future payload field cannot put a customer's number on screen.
 */
export function queueBoardRoutes(deps: Pick<AdminApiDeps, 'queue'>): FastifyPluginAsync {
  return async (app) => {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUES_BASE_PATH);
    const queue = new BullMQAdapter(deps.queue, { description: 'Notificações WhatsApp (ponteiros para a tabela notifications)' });
    queue.setFormatter('data', (data) => maskPhones(data));
    queue.setFormatter('returnValue', (value) => maskPhones(value));
    createBullBoard({
      queues: [queue],
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Bora Agendar — filas', miscLinks: [{ text: 'Frota', url: '/admin' }] } },
    });
    await app.register(serverAdapter.registerPlugin(), { prefix: QUEUES_BASE_PATH });
  };
}
