import { Type } from 'typebox';

export const RelinkParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const RelinkQuery = Type.Object({
  exp: Type.Integer({ minimum: 0, description: 'Validade do link (epoch ms)' }),
  sig: Type.String({ minLength: 1, maxLength: 128, description: 'HMAC do link' }),
});

export const RelinkStateView = Type.Object({
  state: Type.Union([Type.Literal('connected'), Type.Literal('qr'), Type.Literal('waiting'), Type.Literal('expired')]),
  qr: Type.Union([
    Type.Object({ base64: Type.String(), pairingCode: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const HtmlPage = { content: { 'text/html': { schema: Type.String() } } };
