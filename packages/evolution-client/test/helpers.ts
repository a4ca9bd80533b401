import { expect } from 'vitest';
import { EvolutionError } from '../src/index.ts';

/** The EvolutionError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function failure(promise: Promise<unknown>): Promise<EvolutionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EvolutionError);
  return error as EvolutionError;
}
