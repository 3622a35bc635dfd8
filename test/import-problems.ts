/** Import problems as the CLI words them, for tests that compare them as sentences. */
import { expect } from 'vitest';
import type { ImportProblem } from '../src/contract/registry.ts';
import { problemText } from '../src/core/registry/problems.ts';

/**
 * A problem without its reason, once the reason (code and values) is checked to give the
 * problem's message in English through the catalogue, and a Chinese sentence of its own.
 */
export function inEnglish(p: ImportProblem): ImportProblem {
  const { reason, ...rest } = p;
  if (!reason) return rest;
  expect(problemText({ ...reason, message: '' }, 'en')).toBe(p.message);
  expect(problemText({ ...reason, message: '' }, 'zh')).toMatch(/[\u4e00-\u9fff]/);
  return rest;
}
