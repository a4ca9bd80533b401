import { isAppError } from '@bora/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AnyFastify } from './types.ts';
import { Type } from 'typebox';
import { describeValidation, type ValidationItem } from './validation.ts';

/**
 * The error envelope every JSON route answers with, one schema for every service. It has no `$id`:
 * routes inline it in their responses, and one `$id` inlined in many routes collides in the
 * serializer's schema store (that is why admin-api once kept a copy).
 */
export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

const STATUS_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Corpo da requisição grande demais' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Tipo de conteúdo não suportado',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'Corpo JSON vazio' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', message: 'Content-Length inválido' },
};

// A database or Redis that is unreachable or restarting (node socket errors, postgres.js
// connection errors, Postgres shutdown/recovery states, too many connections), or a statement that
// hit its bound (statement_timeout 57014, lock_timeout 55P03): transient.
const UNAVAILABLE = new Set([
  '57014',
  '55P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

function codesOf(error: unknown): string[] {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return [String(code), String(cause?.code)];
}

function isUnavailable(error: unknown): boolean {
  return codesOf(error).some((code) => UNAVAILABLE.has(code));
}

/**
 * SQLSTATE class 22 ("data exception") is Postgres refusing a value the client sent — a NUL
 * character in text (22021), a number out of range (22003), an impossible date (22008) — that
 * the route schema let through. It is the request's fault: 400, never 500.
 */
function isDataException(error: unknown): boolean {
  return codesOf(error).some((code) => /^22[0-9A-Z]{3}$/.test(code));
}

/**
 * One error handler for every service: AppErrors keep their code and status; schema failures
 * become 400 VALIDATION_FAILED naming each field; parser errors get their own codes; an
 * unreachable database or Redis is a 503 with Retry-After; anything else is a generic 500 whose
 * details stay in the log.
 */
export function registerErrorHandling(app: AnyFastify): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      if (error.statusCode >= 500) request.log.error({ err: error, code: error.code }, 'request failed');
      return reply.status(error.statusCode).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      });
    }
    if (error.validation) {
      const details = describeValidation(error.validation as ValidationItem[], error.validationContext);
      const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
      return reply
        .status(400)
        .send({ error: { code: 'VALIDATION_FAILED', message: `Dados inválidos — ${summary}`, details } });
    }
    if (isDataException(error)) {
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Dados inválidos — um valor não pode ser armazenado (caractere ou número fora do permitido)',
        },
      });
    }
    const known = error.code ? STATUS_CODES[error.code] : undefined;
    if (known) return reply.status(known.status).send({ error: { code: known.code, message: known.message } });
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return reply
        .status(400)
        .send({ error: { code: 'INVALID_JSON', message: 'JSON malformado no corpo da requisição' } });
    }
    if (error.statusCode === 429) {
      return reply
        .status(429)
        .send({ error: { code: 'RATE_LIMITED', message: 'Muitas requisições; tente novamente em instantes' } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: { code: 'BAD_REQUEST', message: error.message } });
    }
    if (isUnavailable(error)) {
      // Not our bug and not the client's: say "try again", the way a load balancer understands.
      request.log.warn({ err: error }, 'a dependency is unavailable');
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({
          error: {
            code: 'SERVICE_UNAVAILABLE',
            message: 'Serviço temporariamente indisponível; tente novamente em instantes',
          },
        });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Erro interno; tente novamente' } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `Rota não encontrada: ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}

/**
 * Fastify refuses some requests before routing (a broken percent-encoding, a path parameter past
 * `maxParamLength`) and would answer them with its own body. Passed as the `frameworkErrors`
 * option, this gives them the house envelope like every other error.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply.status(tooLong ? 414 : 400).send({
    error: tooLong
      ? { code: 'URI_TOO_LONG', message: 'Endereço grande demais' }
      : { code: 'BAD_URL', message: 'Endereço com codificação inválida' },
  });
}
