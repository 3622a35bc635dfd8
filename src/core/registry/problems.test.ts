/**
 * The catalogue of import problems: every code words itself in both languages, the Chinese with
 * no Latin words but codes and values, the English sentence being the problem's message.
 */
import { describe, expect, it } from 'vitest';
import { problem, problemText, PROBLEM_TEXT, type ProblemCode } from './problems.ts';

/** Values for every placeholder a sentence may name. */
const PARAMS = {
  max: 12,
  min: 1,
  at: 3,
  char: 'U+001B',
  thisYear: 2020,
  ahead: 2,
  thisMonth: '2020-06',
  idSex: 'F',
  recordSex: 'M',
  values: '是、否',
  labels: '户主、配偶',
  part: '老伴',
  value: '522425100000',
  level: 'township',
  own: 'village',
  want: 'township',
  first: 4,
  row: 7,
  household: '5224251002010001',
  start: '2020-01-01',
  size: 3,
  year: 2016,
  days: 30,
  month: '2020-04',
  all: 32,
  deadline: '2020-07-05',
  area: '织金县',
};

describe('problem catalogue', () => {
  const codes = Object.keys(PROBLEM_TEXT) as ProblemCode[];

  it.each(codes)('%s: a Chinese sentence without Latin words, and the English one as the message', (code) => {
    const zh = problemText(problem(code, PARAMS), 'zh');
    const en = problemText(problem(code, PARAMS), 'en');
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    // Latin only in codes (U+FFFD, X of an ID number) and dates written as examples.
    expect(zh.replace(/U\+[0-9A-F]{4}/g, '').replace(/\bX\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
    expect(en).toMatch(/[a-z]{3,}/);
    expect(en).not.toContain('undefined');
    expect(zh).not.toContain('undefined');
    expect(problem(code, PARAMS).message).toBe(en);
  });

  it('names the places and values it is given', () => {
    expect(problemText(problem('duplicate-row', { first: 12 }), 'zh')).toBe('与第12行重复');
    expect(problemText(problem('not-a-village', { value: '522425100000', level: 'township' }), 'zh')).toBe('522425100000是乡镇，不是行政村');
    expect(problemText(problem('year-too-far', { ahead: 1, thisYear: 2020 }), 'en')).toBe('more than 1 year ahead (this year is 2020)');
  });

  it('falls back to the message for a code it does not know (a newer server)', () => {
    expect(problemText({ code: 'from-the-future', message: 'as said' }, 'zh')).toBe('as said');
    expect(problemText({ message: 'no code' }, 'zh')).toBe('no code');
  });
});
