/** Asserts that a call of a service is refused with a KaoheError of the code (and message) given; returns the error. */
import { expect } from 'vitest';
import { KaoheError } from '../src/core/errors.ts';

export async function refused(p: Promise<unknown>, code: string, message?: RegExp): Promise<KaoheError> {
  const e = await p.then(
    () => {
      throw new Error(`expected KaoheError ${code}, but the call succeeded`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KaoheError);
  expect((e as KaoheError).code, (e as Error).message).toBe(code);
  if (message) expect((e as Error).message).toMatch(message);
  return e as KaoheError;
}
