import { STATUS_CODES } from 'node:http';

/**
 * An Evolution-style error: serialized as `{status, error, response:{message}}`. `message` keeps
 * whatever shape the real server produces for the case (string, string[], string[][], object[]).
 */
export class EvoError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`evolution ${status}`);
  }
}

export function envelope(status: number, message: unknown, error = STATUS_CODES[status] ?? 'Error') {
  return { status, error, response: { message } };
}

export const notFound = (message: string) => new EvoError(404, envelope(404, [message]));
export const badRequest = (message: unknown) => new EvoError(400, envelope(400, [message]));
export const forbidden = (message: string) => new EvoError(403, envelope(403, [message]));
/** Raw errors thrown inside the server reach its handler as a plain-string message. */
export const internal = (message: string) => new EvoError(500, envelope(500, message, 'Internal Server Error'));
export const unauthorized = () => new EvoError(401, envelope(401, 'Unauthorized'));

/** A route that answers the thrown object itself, outside the envelope (whatsappNumbers does). */
export const rawBadRequest = (body: unknown) => new EvoError(400, body);

export function instanceNotFound(name: string) {
  return notFound(`The "${name}" instance does not exist`);
}

/** An Evolution body validation failure: jsonschema messages doubly nested, as the server does. */
export function validationError(messages: string[]) {
  return new EvoError(400, envelope(400, [messages]));
}

/** Connect/restart swallow their own errors and answer 200 with the exception stringified. */
export const CONNECT_FAILURE = { error: true, message: '[object Object]' } as const;

/** Thrown by the control API; the HTTP control routes map it to its status. */
export class SimControlError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
