import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Which TCP connection (1-based, in accept order) carried this request. */
  connection: number;
}

export interface LocalServer {
  url: string;
  requests: SeenRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** TCP connections currently open. */
  openSockets(): number;
  close(): Promise<void>;
}

/**
 * A bare node:http server for what the simulator cannot fake (HTML bodies, resets, socket
 * accounting). The handler gets the parsed request after its body has been read.
 */
export async function startLocalServer(
  handler: (request: SeenRequest, response: ServerResponse) => void,
): Promise<LocalServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const ids = new WeakMap<Socket, number>();
  let accepted = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        connection: ids.get(req.socket) ?? 0,
      };
      requests.push(seen);
      handler(seen, res);
    });
  });
  server.on('connection', (socket) => {
    accepted += 1;
    ids.set(socket, accepted);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => accepted,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export const sendTextOk = (number: string) => ({
  key: { remoteJid: `${number}@s.whatsapp.net`, fromMe: true, id: '3EB0EFD331EA140F004CA75141E8169B9EED7629' },
  pushName: 'Você',
  status: 'PENDING',
  message: { conversation: 'Olá!' },
  messageType: 'conversation',
  messageTimestamp: 1760859935,
  instanceId: 'c9482c80-d4f3-4582-a484-1b5af43db273',
  source: 'unknown',
});
