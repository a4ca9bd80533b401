// A tiny webhook target: records every POST and answers whatever `respond` says.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: { event: string; instance: string; data: Record<string, unknown> | null; [k: string]: unknown };
}

export async function startReceiver() {
  const received: Received[] = [];
  let respond: (r: Received, index: number) => number = () => 200;
  let count = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const r: Received = { path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) };
      received.push(r);
      res.statusCode = respond(r, count++);
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    /** Events of one instance, in arrival order, as `event` or `event:status`. */
    events(instance?: string) {
      return received
        .filter((r) => !instance || r.body.instance === instance)
        .map((r) =>
          r.body.event === 'messages.update' ? `${r.body.event}:${String(r.body.data?.status)}` : r.body.event,
        );
    },
    respondWith(fn: (r: Received, index: number) => number) {
      respond = fn;
    },
    clear() {
      received.length = 0;
      count = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
