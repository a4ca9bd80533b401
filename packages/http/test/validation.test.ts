import Fastify from 'fastify';
import { Type } from 'typebox';
import { afterAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../src/index.ts';
import { validationMessage } from '../src/validation.ts';

// The schema exercises every keyword a route here can declare; the app uses the booking-api's ajv
// options (all errors, unknown fields refused) so each failure comes back at once. Fastify's ajv
// coerces scalars (and a scalar into a one-item list), so wrong types are sent as objects.
const Body = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 5 }),
    nick: Type.Optional(Type.String({ minLength: 3 })),
    age: Type.Integer({ minimum: 1, maximum: 120 }),
    score: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 10, multipleOf: 0.5 })),
    id: Type.Optional(Type.String({ format: 'uuid' })),
    when: Type.Optional(Type.String({ format: 'date-time' })),
    email: Type.Optional(Type.String({ format: 'email' })),
    code: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    kind: Type.Optional(Type.Union([Type.Literal('a'), Type.Literal('b')])),
    color: Type.Optional(Type.Enum(['red', 'green'])),
    tags: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 2, uniqueItems: true })),
    flag: Type.Optional(Type.Boolean()),
    nested: Type.Optional(Type.Object({ x: Type.String() })),
    note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);

const app = Fastify({ ajv: { customOptions: { allErrors: true, removeAdditional: false } } });
registerErrorHandling(app);
app.post(
  '/things/:thingId',
  { schema: { body: Body, params: Type.Object({ thingId: Type.String({ format: 'uuid' }) }) } },
  async () => ({ ok: true }),
);
app.get('/search', { schema: { querystring: Type.Object({ page: Type.Integer({ minimum: 1 }) }) } }, async () => ({
  ok: true,
}));

afterAll(() => app.close());

const THING = '/things/7b1f0c1e-2f5d-4f4e-9a59-3a8b2f7d9c01';
const valid = { name: 'Ana', age: 30 };

async function reasons(payload: object, url = THING) {
  const res = await app.inject({ method: 'POST', url, payload });
  expect(res.statusCode).toBe(400);
  const { error } = res.json();
  expect(error.code).toBe('VALIDATION_FAILED');
  return error as { message: string; details: { field: string; message: string }[] };
}

function reasonFor(details: { field: string; message: string }[], field: string): string[] {
  return details.filter((d) => d.field === field).map((d) => d.message);
}

const ENGLISH =
  /\b(must|should|have|property|properties|characters|items|string|integer|format|match|equal|allowed)\b/i;

describe('validation reasons', () => {
  it('accepts a valid body', async () => {
    expect((await app.inject({ method: 'POST', url: THING, payload: valid })).statusCode).toBe(200);
  });

  const cases: [string, object, string, RegExp][] = [
    ['missing field', { age: 30 }, 'name', /^é obrigatório$/],
    ['unknown field', { ...valid, startAt: 1 }, 'startAt', /^campo não permitido$/],
    ['text expected', { ...valid, name: { first: 'Ana' } }, 'name', /^deve ser um texto$/],
    ['integer expected', { ...valid, age: 30.5 }, 'age', /^deve ser um número inteiro$/],
    ['number expected', { ...valid, score: [] }, 'score', /^deve ser um número$/],
    ['boolean expected', { ...valid, flag: 'talvez' }, 'flag', /^deve ser verdadeiro ou falso/],
    ['object expected', { ...valid, nested: 'x' }, 'nested', /^deve ser um objeto$/],
    ['list expected', { ...valid, tags: { a: 1 } }, 'tags', /^deve ser uma lista$/],
    ['empty text', { ...valid, name: '' }, 'name', /^não pode ficar vazio$/],
    ['text too short', { ...valid, nick: 'ab' }, 'nick', /^deve ter pelo menos 3 caracteres$/],
    ['text too long', { ...valid, name: 'abcdef' }, 'name', /^deve ter no máximo 5 caracteres$/],
    ['below minimum', { ...valid, age: 0 }, 'age', /^deve ser no mínimo 1$/],
    ['above maximum', { ...valid, age: 121 }, 'age', /^deve ser no máximo 120$/],
    ['not above exclusive minimum', { ...valid, score: 0 }, 'score', /^deve ser maior que 0$/],
    ['not below exclusive maximum', { ...valid, score: 10 }, 'score', /^deve ser menor que 10$/],
    ['not a multiple', { ...valid, score: 1.25 }, 'score', /^deve ser múltiplo de 0,5$/],
    ['bad uuid', { ...valid, id: 'abc' }, 'id', /^deve ser um identificador \(UUID\) válido$/],
    ['bad date-time', { ...valid, when: 'amanhã' }, 'when', /^deve ser uma data e hora ISO 8601/],
    ['bad e-mail', { ...valid, email: 'ana@' }, 'email', /^deve ser um e-mail válido$/],
    ['pattern', { ...valid, code: 'abc' }, 'code', /^não está no formato esperado$/],
    ['enum', { ...valid, color: 'blue' }, 'color', /^deve ser um destes valores: "red", "green"$/],
    ['too few items', { ...valid, tags: [] }, 'tags', /^deve ter pelo menos 1 item$/],
    ['too many items', { ...valid, tags: ['a', 'b', 'c'] }, 'tags', /^deve ter no máximo 2 itens$/],
    ['repeated items', { ...valid, tags: ['a', 'a'] }, 'tags', /^não pode ter itens repetidos$/],
    ['nested missing field', { ...valid, nested: {} }, 'nested.x', /^é obrigatório$/],
    ['nested wrong type', { ...valid, nested: { x: { y: 1 } } }, 'nested.x', /^deve ser um texto$/],
  ];

  it.for(cases)('%s → pt-BR reason naming the field', async ([, payload, field, reason]) => {
    const { details, message } = await reasons(payload);
    const found = reasonFor(details, field);
    expect(found, JSON.stringify(details)).toHaveLength(1);
    expect(found[0]).toMatch(reason);
    expect(message).toBe(`Dados inválidos — ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`);
  });

  it('explains a union: each option, then that none matched', async () => {
    const { details } = await reasons({ ...valid, kind: 'c', note: { y: 1 } });
    expect(reasonFor(details, 'kind')).toEqual([
      'deve ser igual a "a"',
      'deve ser igual a "b"',
      'não corresponde a nenhuma das opções aceitas',
    ]);
    expect(reasonFor(details, 'note')).toEqual([
      'deve ser um texto',
      'deve ser nulo',
      'não corresponde a nenhuma das opções aceitas',
    ]);
  });

  it('names params and querystring fields', async () => {
    const params = await reasons(valid, '/things/nope');
    expect(params.details).toEqual([{ field: 'thingId', message: 'deve ser um identificador (UUID) válido' }]);
    const query = await app.inject('/search?page=zero');
    expect(query.json().error.details).toEqual([{ field: 'page', message: 'deve ser um número inteiro' }]);
  });

  it('reports every bad field at once, none of it in English', async () => {
    const { details, message } = await reasons({
      name: 7,
      age: 'x',
      score: -1,
      id: 'x',
      when: 'x',
      email: 'x',
      code: 'x',
      kind: 'x',
      color: 'x',
      tags: [1, 1, 1],
      flag: 1,
      nested: { y: 1 },
      extra: true,
    });
    expect(details.length).toBeGreaterThanOrEqual(14);
    for (const { message: reason } of details) expect(reason).not.toMatch(ENGLISH);
    expect(message.replace(/\b[a-z]+(\.[a-z]+)*:/gi, '')).not.toMatch(ENGLISH);
  });
});

describe('validationMessage', () => {
  // Keywords the routes above do not reach, with the params ajv 8 gives them.
  const table: [string, Record<string, unknown>, string][] = [
    ['const', { allowedValue: 1 }, 'deve ser igual a 1'],
    ['oneOf', { passingSchemas: null }, 'não corresponde a nenhuma das opções aceitas'],
    ['oneOf', { passingSchemas: [0, 1] }, 'corresponde a mais de uma das opções aceitas'],
    [
      'dependentRequired',
      { property: 'endsAt', missingProperty: 'startsAt' },
      'o campo "startsAt" é obrigatório quando "endsAt" é informado',
    ],
    ['minProperties', { limit: 1 }, 'deve ter pelo menos 1 campo'],
    ['maxProperties', { limit: 3 }, 'deve ter no máximo 3 campos'],
    ['type', { type: 'string,null' }, 'deve ser um texto ou nulo'],
    ['type', { type: ['integer', 'null'] }, 'deve ser um número inteiro ou nulo'],
    ['maxLength', { limit: 16384 }, 'deve ter no máximo 16.384 caracteres'],
    ['maxLength', { limit: 1 }, 'deve ter no máximo 1 caractere'],
    ['format', { format: 'ulid' }, 'não está no formato "ulid"'],
    ['enum', { allowedValues: Array.from({ length: 11 }, (_, i) => i) }, 'não é um dos valores permitidos'],
    ['propertyNames', { propertyName: 'x-y' }, 'nome de campo inválido: "x-y"'],
    ['not', {}, 'valor não permitido'],
    ['someCustomKeyword', {}, 'valor inválido'],
    [undefined as unknown as string, {}, 'valor inválido'],
  ];

  it.for(table)('%s %o → %s', ([keyword, params, expected]) => {
    expect(validationMessage(keyword, params)).toBe(expected);
  });
});
