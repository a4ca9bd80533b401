/**
 * The one error type services throw on purpose. `code` is the stable, machine-readable name that
 * reaches clients in `{error:{code,message,details}}`; `statusCode` is what the HTTP error handler
 * answers; `retryable` tells queues and callers whether trying again can help.
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: unknown;
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { statusCode?: number; details?: unknown; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = options.statusCode ?? 500;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export function validationFailed(problems: FieldProblem[]): AppError {
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new AppError('VALIDATION_FAILED', `Dados inválidos — ${summary}`, {
    statusCode: 400,
    details: problems,
  });
}

export function notFound(code: string, message: string): AppError {
  return new AppError(code, message, { statusCode: 404 });
}

export function conflict(code: string, message: string, details?: unknown): AppError {
  return new AppError(code, message, { statusCode: 409, details });
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
