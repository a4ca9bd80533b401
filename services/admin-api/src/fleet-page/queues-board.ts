import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AdminApiDeps } from '../deps.ts';
import { maskPhones } from './mask-phones.ts';

export const QUEUES_BASE_PATH = '/admin/queues';

/**
 * bull-board on the notification queues (every shard: one entry each, named by its hash tag when
 * there is more than one), behind the same admin auth as everything else (the
 * global hook denies by default). Its own routes carry no TypeBox schemas and are hidden from
 * `/docs`. Job data is a bare `{notificationId}` pointer; the formatters mask anything
 * phone-like all the same, so a future payload field cannot put a customer's number on screen.
 */
export const queueBoardRoutes: FastifyPluginAsyncTypebox<{ deps: Pick<AdminApiDeps, 'queues'> }> = async (
  app,
  { deps },
) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_BASE_PATH);
  const sharded = deps.queues.shards.length > 1;
  const adapters = deps.queues.shards.map((shard, i) => {
    const adapter = new BullMQAdapter(shard, {
      description: sharded
        ? `Notificações WhatsApp — fila ${i + 1} de ${deps.queues.shards.length} (${deps.queues.prefixes[i]}); ponteiros para a tabela notifications`
        : 'Notificações WhatsApp (ponteiros para a tabela notifications)',
      // bull-board tells queues apart by name; every shard's queue is called `notifications`.
      ...(sharded ? { prefix: `shard-${i}-`, displayName: `notifications · fila ${i}` } : {}),
    });
    adapter.setFormatter('data', (data) => maskPhones(data));
    adapter.setFormatter('returnValue', (value) => maskPhones(value));
    return adapter;
  });
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Bora Agendar — filas', miscLinks: [{ text: 'Frota', url: '/admin' }] } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUES_BASE_PATH });
};
