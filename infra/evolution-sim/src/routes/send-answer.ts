// How the 201 of a send that already reached the customer gets to the client — or does not.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AfterSendFault } from '../types.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

interface SendResult {
  key: { remoteJid: string; fromMe: boolean; id: string };
}

/**
 * `delay`: the 201 comes after the client gave up; `reset`: the socket dies after the message left;
 * `garbage`: a 2xx whose JSON is cut in half; `no-key`: a 201 without `key.id` to correlate receipts.
 */
export async function answerSend(req: FastifyRequest, reply: FastifyReply, result: SendResult, fault: AfterSendFault, delayMs: number) {
  switch (fault) {
    case 'delay':
      await sleep(delayMs);
      return reply.code(201).send(result);
    case 'reset':
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    case 'garbage': {
      reply.hijack();
      const json = JSON.stringify(result);
      const cut = json.slice(0, Math.floor(json.length / 2));
      reply.raw.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(cut) });
      reply.raw.end(cut);
      return reply;
    }
    case 'no-key':
      return reply.code(201).send({ ...result, key: { remoteJid: result.key.remoteJid, fromMe: result.key.fromMe } });
    default:
      return reply.code(201).send(result);
  }
}
