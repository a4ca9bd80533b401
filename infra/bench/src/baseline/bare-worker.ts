// Process entry: the bare baseline the dispatcher is measured against. A BullMQ worker with the
// dispatcher's concurrency doing one HTTP POST (got, keep-alive, like @bora/evolution-client) per
// job to the same simulator, rotating over the same instances: no database, no routing, no ledger.
import { createServer } from 'node:http';
import { Agent } from 'node:http';
import { Worker } from 'bullmq';
import got from 'got';
import { Redis } from 'ioredis';

interface Target {
  url: string;
  apiKey: string;
  instance: string;
}

const targets = JSON.parse(process.env.BARE_TARGETS ?? '[]') as Target[];
const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
const http = got.extend({
  agent: { http: agent },
  retry: { limit: 0 },
  throwHttpErrors: false,
  responseType: 'text',
  timeout: { request: 15_000 },
});
// A confirmation of the length the dispatcher renders.
const text =
  'Olá, Cliente 1234! Seu agendamento de Corte em Negócio bench-dispatch está confirmado para 10/03/2030 às 14:30. Responda 1 para confirmar presença, 2 para cancelar ou 3 para remarcar. Para gerenciar: http://127.0.0.1:3000/bench-dispatch/gerenciar/63T_6raaTxeWmjCytN3Kr3KZHyA.d4kG56lxoq1pbCzUYHy22w';
let next = 0;

const connection = new Redis(process.env.BARE_REDIS_URL ?? '', { maxRetriesPerRequest: null });
const worker = new Worker(
  'notifications',
  async () => {
    const target = targets[next++ % targets.length]!;
    const response = await http.post(`${target.url}/message/sendText/${target.instance}`, {
      headers: { apikey: target.apiKey },
      json: { number: '5511987654321', text },
    });
    if (response.statusCode !== 201) throw new Error(`sendText answered HTTP ${response.statusCode}`);
  },
  {
    connection,
    prefix: process.env.BARE_QUEUE_PREFIX ?? '{bench-base}',
    concurrency: Number(process.env.BARE_CONCURRENCY ?? 50),
  },
);
worker.on('error', () => {});
await worker.waitUntilReady();

// Readiness for the harness (the only HTTP this process serves).
const probe = createServer((_req, res) => res.writeHead(200).end('ok'));
probe.listen(Number(process.env.BARE_PORT), '127.0.0.1');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    probe.close();
    void worker
      .close()
      .then(() => connection.quit())
      .then(() => process.exit(0));
  });
}
