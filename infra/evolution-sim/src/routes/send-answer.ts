// How the 201 of a send that already reached the customer gets to the client — or does not.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AfterSendFault } from '../types.ts';
import { sleep } from '../sleep.ts';

interface SendResult {
  key: { remoteJid: string; fromMe: boolean; id: string };
}

/**
 * `delay`: the 201 comes after the client gave up; `reset`: the socket dies after the message left;
 * `garbage`: a 2xx whose JSON is cut in half; `no-key`: a 201 without `key.id` to correlate receipts.
 */
/** The one key id a `fixed-key` fault answers with. */
export const FIXED_KEY_ID = '3EB0F1XEDF1XEDF1XEDF1X';

export async function answerSend(
  req: FastifyRequest,
  reply: FastifyReply,
  result: SendResult,
  fault: AfterSendFault,
  delayMs: number,
) {
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
      reply.raw.writeHead(201, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(cut),
      });
      reply.raw.end(cut);
      return reply;
    }
    case 'no-key':
      return reply.code(201).send({ ...result, key: { remoteJid: result.key.remoteJid, fromMe: result.key.fromMe } });
    case 'bad-jid':
      // A gateway in front of the server that mangles bytes: the JID comes back with a NUL in it.
      return reply.code(201).send({
        ...result,
        key: { ...result.key, remoteJid: `${result.key.remoteJid.split('@')[0]}\u0000@s.whatsapp.net` },
      });
    case 'fixed-key':
      // A caching proxy that replays one answer: every send gets the same key id back.
      return reply.code(201).send({ ...result, key: { ...result.key, id: FIXED_KEY_ID } });
    default:
      return reply.code(201).send(result);
  }
}
