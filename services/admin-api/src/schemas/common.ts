import { Type } from 'typebox';

/**
 * The error envelope every route may answer with. A local copy without `$id`: the shared
 * `ErrorBody` carries one, and the same `$id` inlined in many routes would collide in the
 * serializer's schema store.
 */
export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

/** 401 for every authenticated route, so `/docs` shows it. */
export const authErrors = { 401: ErrorResponse } as const;

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const NullableString = Type.Union([Type.String(), Type.Null()]);

export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
