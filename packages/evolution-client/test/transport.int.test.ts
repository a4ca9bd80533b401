import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { freePort, waitFor } from '@bora/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvolutionClient, type EvolutionClient } from '../src/index.ts';
import { failure } from './helpers.ts';
import { json, sendTextOk, startLocalServer, type LocalServer } from './local-server.ts';

// Wire-level behaviour the simulator cannot produce: HTML bodies, refused and reset connections,
// raw sockets, and exact socket accounting for keep-alive.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(handler: Parameters<typeof startLocalServer>[0]): Promise<LocalServer> {
  const server = await startLocalServer(handler);
  cleanups.push(() => server.close());
  return server;
}

function client(baseUrl: string, timeoutMs = 2000): EvolutionClient {
  const created = createEvolutionClient({ baseUrl, apiKey: 'secret-key', timeoutMs });
  cleanups.push(() => created.close());
  return created;
}

const send = (c: EvolutionClient) => c.sendText({ instance: 'acme-01', number: '5511987654321', text: 'Olá!' });

describe('evolution client over a plain HTTP server', () => {
  it('sends the apikey header and JSON body to the v2 route, and reads the 201', async () => {
    const server = await serve((_req, res) => json(res, 201, sendTextOk('5511987654321')));
    const result = await send(client(`${server.url}/message/sendText`));
    expect(result).toEqual({
      keyId: '3EB0EFD331EA140F004CA75141E8169B9EED7629',
      remoteJid: '5511987654321@s.whatsapp.net',
      status: 'PENDING',
      messageTimestamp: 1760859935,
      instanceId: 'c9482c80-d4f3-4582-a484-1b5af43db273',
    });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/message/sendText/acme-01' });
    expect(request?.headers.apikey).toBe('secret-key');
    expect(request?.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(request?.body ?? '')).toEqual({ number: '5511987654321', text: 'Olá!', linkPreview: false });
  });

  it('reuses one keep-alive socket for consecutive requests and frees it on close()', async () => {
    const server = await serve((_req, res) => json(res, 201, sendTextOk('5511987654321')));
    const evolution = client(server.url);
    await send(evolution);
    await send(evolution);
    await evolution.connectionState('acme-01').catch(() => undefined);
    expect(server.requests.map((r) => r.connection)).toEqual([1, 1, 1]);
    expect(server.connections()).toBe(1);
    expect(server.requests[0]?.headers.connection).toBe('keep-alive');
    evolution.close();
    await waitFor(async () => server.openSockets() === 0, { what: 'the pooled socket to close' });
  });

  it('turns an HTML page into BAD_RESPONSE (server, retryable)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Meu site</title>');
    });
    const error = await failure(send(client(server.url)));
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', scope: 'server', retryable: true, httpStatus: 200 });
  });

  it('a 201 without key.id is still a send: the result says what could be read (never a reason to send again)', async () => {
    const server = await serve((_req, res) => json(res, 201, { ok: true }));
    expect(await send(client(server.url))).toEqual({
      keyId: null,
      remoteJid: null,
      status: 'PENDING',
      messageTimestamp: null,
      instanceId: null,
    });
  });

  it('a 2xx whose body is not JSON is an unknown outcome (BAD_RESPONSE), not a failure to fail over from', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"key":{"id":"3EB0');
    });
    const error = await failure(send(client(server.url)));
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', outcome: 'unknown', httpStatus: 201 });
  });

  it('an answer cut off mid-body (reset while reading) is an unknown outcome', async () => {
    const server = await serve((_req, res) => {
      res.socket?.write('HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 80\r\n\r\n{"key":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error = await failure(send(client(server.url)));
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', outcome: 'unknown' });
  });

  it('a redirect is never followed: the key and the message never reach the other host (REDIRECTED, auth scope)', async () => {
    for (const status of [301, 302, 307, 308]) {
      const elsewhere = await serve((_req, res) => json(res, 201, sendTextOk('5511987654321')));
      const registered = await serve((_req, res) => {
        res.writeHead(status, { location: `${elsewhere.url}/message/sendText/acme-01` });
        res.end();
      });
      const error = await failure(send(client(registered.url)));
      expect(error).toMatchObject({
        code: 'REDIRECTED',
        scope: 'auth',
        retryable: false,
        httpStatus: status,
        outcome: 'not-sent',
      });
      expect(error.userMessage).toMatch(/redirecionamento/);
      expect(elsewhere.requests).toEqual([]);
    }
  });

  it('a 504 from a proxy in front of the server is an unknown outcome (the upstream had the request)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(504, { 'content-type': 'text/html' });
      res.end('<html>Gateway Time-out</html>');
    });
    expect(await failure(send(client(server.url)))).toMatchObject({
      code: 'SERVER_ERROR',
      outcome: 'unknown',
      httpStatus: 504,
    });
  });

  it('does not retry a 503 by itself: one request, one SERVER_ERROR', async () => {
    const server = await serve((_req, res) =>
      json(res, 503, { status: 503, error: 'Service Unavailable', response: { message: 'busy' } }),
    );
    const error = await failure(send(client(server.url)));
    expect(error).toMatchObject({ code: 'SERVER_ERROR', scope: 'server', retryable: true, httpStatus: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('maps a refused connection to UNREACHABLE', async () => {
    const port = await freePort();
    const error = await failure(send(client(`http://127.0.0.1:${port}`)));
    expect(error).toMatchObject({ code: 'UNREACHABLE', scope: 'server', retryable: true, httpStatus: undefined });
    expect(error.userMessage).toBe('Servidor Evolution inacessível');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a connection reset after the request was written is an unknown outcome (CONNECTION_RESET), without retrying', async () => {
    const server = await serve((_req, res) => res.socket?.destroy());
    const error = await failure(send(client(server.url)));
    expect(error).toMatchObject({ code: 'CONNECTION_RESET', scope: 'server', retryable: true, outcome: 'unknown' });
    expect(server.requests).toHaveLength(1);
  });

  it('a refused connection is not-sent: safe to fail over', async () => {
    const port = await freePort();
    expect(await failure(send(client(`http://127.0.0.1:${port}`)))).toMatchObject({
      code: 'UNREACHABLE',
      outcome: 'not-sent',
    });
  });

  it('maps a server that never answers to TIMEOUT after the configured timeout', async () => {
    const server = await serve(() => {});
    const started = Date.now();
    const error = await failure(send(client(server.url, 300)));
    expect(error).toMatchObject({ code: 'TIMEOUT', scope: 'server', retryable: true, outcome: 'unknown' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('waits for timeout + delay when the server holds the request for `delay`', async () => {
    const server = await serve((req, res) => {
      const { delay, number } = JSON.parse(req.body) as { delay: number; number: string };
      setTimeout(() => json(res, 201, sendTextOk(number)), delay);
    });
    const started = Date.now();
    const result = await client(server.url, 300).sendText({
      instance: 'acme-01',
      number: '+55 11 98765-4321',
      text: 'oi',
      delay: 700,
    });
    expect(result.keyId).toMatch(/^3EB0/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(690);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ delay: 700, number: '5511987654321' });
  });

  it('maps a non-HTTP answer (a raw TCP service) to BAD_RESPONSE', async () => {
    const tcp = createTcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    // close() waits for open sockets; the client may keep its half open.
    tcp.on('connection', (socket) => cleanups.push(() => socket.destroy()));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => tcp.close(resolve)));
    const { port } = tcp.address() as AddressInfo;
    const error = await failure(send(client(`http://127.0.0.1:${port}`)));
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', scope: 'server', retryable: true });
    expect(error.message).toMatch(/HPE_/);
  });

  it('never puts the apikey into the error or its cause', async () => {
    const port = await freePort();
    const error = await failure(send(client(`http://127.0.0.1:${port}`)));
    const dump = JSON.stringify({
      ...error,
      message: error.message,
      cause: error.cause,
      causeProps: { ...(error.cause as object) },
    });
    expect(dump).not.toContain('secret-key');
  });
});
