import { isEvolutionError, type EvolutionErrorCode } from '@bora/evolution-client';

/**
 * What an operator reads about a failed call to a server: our own pt-BR words for the client's
 * classification, never the server's text. A server's answer can be anything — a cloud metadata
 * document, an internal page — and echoing it would turn "check this server" into a way to read
 * whatever the URL points at. The server's own text stays in the English log message.
 */
const MESSAGES: Record<EvolutionErrorCode, string> = {
  NUMBER_NOT_ON_WHATSAPP: 'O número de destino não tem WhatsApp',
  INVALID_NUMBER: 'Número de destino inválido: informe DDI, DDD e número',
  INVALID_REQUEST: 'O servidor Evolution recusou a requisição',
  EMPTY_TEXT: 'O texto da mensagem está vazio',
  INSTANCE_NAME_IN_USE: 'O nome de instância já está em uso neste servidor',
  INVALID_BASE_URL: 'URL do servidor Evolution inválida',
  INSTANCE_NOT_FOUND: 'A instância não existe neste servidor Evolution',
  INSTANCE_NOT_CONNECTED: 'A instância não está conectada ao WhatsApp',
  INSTANCE_UNAVAILABLE:
    'A instância não está disponível neste servidor Evolution (desconectada ou hospedada em outro servidor)',
  INSTANCE_ACTION_FAILED: 'O servidor Evolution não conseguiu executar a ação na instância',
  UNAUTHORIZED: 'Chave de API (apikey) incorreta para este servidor',
  FORBIDDEN: 'Acesso negado pelo servidor Evolution (esta ação exige a chave global)',
  ADDRESS_NOT_ALLOWED: 'O endereço do servidor Evolution não é permitido (metadados de nuvem ou link-local)',
  REDIRECTED:
    'O servidor Evolution respondeu com um redirecionamento; ele não foi seguido (a chave não foi reenviada). Corrija a URL do servidor',
  ROUTE_NOT_FOUND: 'Rota não encontrada no servidor Evolution: verifique a URL do servidor',
  UNSUPPORTED_VERSION: 'Este servidor parece ser Evolution v1; o sistema requer v2',
  RATE_LIMITED: 'O servidor Evolution está limitando as requisições; tente novamente em instantes',
  SERVER_ERROR: 'O servidor Evolution respondeu com erro',
  TIMEOUT: 'O servidor Evolution não respondeu a tempo',
  CONNECT_TIMEOUT: 'Não foi possível conectar ao servidor Evolution a tempo',
  CONNECTION_RESET: 'A conexão com o servidor Evolution caiu antes da resposta',
  UNREACHABLE: 'Servidor Evolution inacessível',
  BAD_RESPONSE: 'Resposta inesperada do servidor Evolution: verifique se a URL aponta para uma Evolution API v2',
};

function tlsFailure(error: { cause?: unknown }): boolean {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT'));
}

/** The pt-BR sentence for any failure talking to a server, built only from its code. */
export function operatorMessage(error: unknown): string {
  if (!isEvolutionError(error)) return 'Falha inesperada ao falar com o servidor Evolution';
  if (error.code === 'UNREACHABLE' && tlsFailure(error)) return `${MESSAGES.UNREACHABLE}: certificado HTTPS inválido`;
  return MESSAGES[error.code];
}

/** A server's self-reported version, kept only when it looks like one (`2.3.6`, `v2.1.0-rc1`). */
export function versionOf(reported: string | null): string | null {
  return reported !== null && /^v?\d{1,4}(\.\d{1,6}){0,3}([-+][0-9A-Za-z.-]{1,24})?$/.test(reported) ? reported : null;
}
