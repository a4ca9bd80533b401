/**
 * Schema failures in the words a customer (mini-site) or an operator (admin) reads: Brazilian
 * Portuguese, built from ajv's `keyword` and `params` — never from ajv's English `message`.
 *
 * Why not `ajv-i18n`: its pt-BR locale keeps JSON type and format names in English ("deve ser
 * integer", "A validação do formato falhou \"uuid\""), shows raw comparison operators ("deve ser
 * <= 720") and would still need a wrapper to keep our field naming. A map over the keywords
 * Fastify's ajv (with ajv-formats) can emit is smaller than that wrapper and reads better.
 */

export interface ValidationItem {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

const TYPES: Record<string, string> = {
  string: 'um texto',
  number: 'um número',
  integer: 'um número inteiro',
  boolean: 'verdadeiro ou falso (true/false)',
  object: 'um objeto',
  array: 'uma lista',
  null: 'nulo',
};

const FORMATS: Record<string, string> = {
  'date-time': 'uma data e hora ISO 8601 com fuso (ex.: 2025-01-31T14:30:00-03:00)',
  date: 'uma data no formato AAAA-MM-DD',
  time: 'um horário no formato HH:MM:SS',
  uuid: 'um identificador (UUID) válido',
  email: 'um e-mail válido',
  uri: 'um endereço (URL) válido',
  url: 'um endereço (URL) válido',
  'uri-reference': 'um endereço (URL) válido',
  hostname: 'um nome de host válido',
  ipv4: 'um endereço IPv4 válido',
  ipv6: 'um endereço IPv6 válido',
  regex: 'uma expressão regular válida',
  duration: 'uma duração ISO 8601 (ex.: PT30M)',
};

const numberFormat = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 20 });

function num(value: unknown): string {
  return typeof value === 'number' ? numberFormat.format(value) : String(value);
}

function plural(n: unknown, one: string, many: string): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function typeMessage(type: unknown): string {
  const names = (Array.isArray(type) ? type : String(type).split(',')).map((t) => TYPES[String(t)] ?? String(t));
  return `deve ser ${names.join(' ou ')}`;
}

function comparisonMessage(comparison: unknown, limit: unknown): string {
  switch (comparison) {
    case '>=':
      return `deve ser no mínimo ${num(limit)}`;
    case '<=':
      return `deve ser no máximo ${num(limit)}`;
    case '>':
      return `deve ser maior que ${num(limit)}`;
    case '<':
      return `deve ser menor que ${num(limit)}`;
    default:
      return 'está fora do intervalo permitido';
  }
}

/** The pt-BR reason for one ajv error; unknown keywords get a neutral reason, never English. */
export function validationMessage(keyword: string | undefined, params: Record<string, unknown> = {}): string {
  switch (keyword) {
    case 'required':
      return 'é obrigatório';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'campo não permitido';
    case 'type':
      return typeMessage(params.type);
    case 'minLength':
      return params.limit === 1
        ? 'não pode ficar vazio'
        : `deve ter pelo menos ${plural(params.limit, 'caractere', 'caracteres')}`;
    case 'maxLength':
      return `deve ter no máximo ${plural(params.limit, 'caractere', 'caracteres')}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return comparisonMessage(params.comparison, params.limit);
    case 'multipleOf':
      return `deve ser múltiplo de ${num(params.multipleOf)}`;
    case 'format': {
      const format = String(params.format);
      return FORMATS[format] ? `deve ser ${FORMATS[format]}` : `não está no formato "${format}"`;
    }
    // A regex means nothing to the person filling a form; the field name says where to look.
    case 'pattern':
      return 'não está no formato esperado';
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      return allowed.length > 0 && allowed.length <= 10
        ? `deve ser um destes valores: ${allowed.map(show).join(', ')}`
        : 'não é um dos valores permitidos';
    }
    case 'const':
      return `deve ser igual a ${show(params.allowedValue)}`;
    case 'minItems':
      return `deve ter pelo menos ${plural(params.limit, 'item', 'itens')}`;
    case 'maxItems':
    case 'additionalItems':
    case 'items':
    case 'unevaluatedItems':
      return `deve ter no máximo ${plural(params.limit, 'item', 'itens')}`;
    case 'uniqueItems':
      return 'não pode ter itens repetidos';
    case 'minProperties':
      return `deve ter pelo menos ${plural(params.limit, 'campo', 'campos')}`;
    case 'maxProperties':
      return `deve ter no máximo ${plural(params.limit, 'campo', 'campos')}`;
    case 'contains':
    case 'minContains':
    case 'maxContains':
      return 'não contém os itens esperados';
    case 'anyOf':
      return 'não corresponde a nenhuma das opções aceitas';
    case 'oneOf':
      return Array.isArray(params.passingSchemas)
        ? 'corresponde a mais de uma das opções aceitas'
        : 'não corresponde a nenhuma das opções aceitas';
    case 'dependentRequired':
    case 'dependencies':
      return `o campo "${String(params.missingProperty)}" é obrigatório quando "${String(params.property)}" é informado`;
    case 'propertyNames':
      return `nome de campo inválido: "${String(params.propertyName)}"`;
    case 'not':
    case 'false schema':
      return 'valor não permitido';
    case 'if':
      return 'não atende às condições exigidas';
    default:
      return 'valor inválido';
  }
}

/** Turns ajv output into `{field, message}` pairs a person can act on. */
export function describeValidation(
  items: ValidationItem[],
  context: string | undefined,
): { field: string; message: string }[] {
  return items.map((item) => {
    let field = (item.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const message = validationMessage(item.keyword, item.params);
    if (item.keyword === 'required' && typeof item.params?.missingProperty === 'string') {
      field = field ? `${field}.${item.params.missingProperty}` : item.params.missingProperty;
      return { field, message };
    }
    if (item.keyword === 'additionalProperties' && typeof item.params?.additionalProperty === 'string') {
      return { field: item.params.additionalProperty, message };
    }
    return { field: field || context || 'body', message };
  });
}
