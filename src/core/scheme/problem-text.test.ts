/** A scheme's problems in both languages: the Chinese says it in Chinese (codes and the file's own keys aside), the English is the message. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScheme } from './load.ts';
import { SCHEME_PROBLEM_TEXT, schemeProblemText } from './problem-text.ts';
import { VALID_SCHEME } from './test-scheme.ts';

/** With two grades listed out of order (the last case's problem). */
const VALID = VALID_SCHEME.replace('title: T\n', 'title: T\ngrades:\n  - { code: A, title: 好, min: 90 }\n  - { code: B, title: 中, min: 95 }\n');

/** Sources that each break a rule of the file, and the code each gives. */
const BROKEN: Array<[string, string]> = [
  [VALID.replace('title: T', 'title: "T'), 'syntax'],
  [VALID.replace('version: 1', 'version: 1\nnotApplicabel: keep'), 'shape'],
  [VALID.replace('points: 6', 'points: 6.123'), 'bad-points'],
  [VALID.replace('points: 6', 'points: 7'), 'uneven-children'],
  [VALID.replace('code: "1.2"', 'code: "1.1"'), 'duplicate-code'],
  [VALID.replace('kind: perOccurrence, amount: 2', 'kind: perOcurrence, amount: 2'), 'unknown-rule-kind'],
  [VALID.replace('kind: perOccurrence, amount: 2', 'kind: perOccurrence'), 'missing-amount'],
  [VALID.replace('kind: allOrNothing', 'kind: allOrNothing, amount: 1'), 'unexpected-amount'],
  [VALID.replace('kind: perOccurrence, amount: 2', 'kind: perOccurrence, amount: 2, pool: "9"'), 'pool-not-ancestor'],
  [VALID, 'grade-order'],
];

/** Latin words a Chinese sentence may hold: the scheme file's own keys and values, and codes. */
const FILE_WORDS = new Set(['unevenChildren', 'amount', 'pool', 'true', 'zero', 'grade', 'gradeBasis', 'perOcurrence', 'notApplicabel']);

describe('scheme problems in both languages', () => {
  it.each(BROKEN)('%#: %s… gives %s, said in Chinese and in English', (source, code) => {
    const problems = parseScheme(source, 'test.yaml').problems.filter((p) => p.code === code);
    expect(problems.length, JSON.stringify(parseScheme(source).problems)).toBeGreaterThan(0);
    for (const p of problems) {
      expect(schemeProblemText(p, 'en')).toBe(p.message);
      const zh = schemeProblemText(p, 'zh');
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      const latin = (zh.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !FILE_WORDS.has(w));
      expect(latin, zh).toEqual([]);
    }
  });

  it('the seed scheme’s one deliberate warning (2.6) reads in Chinese with its reason', () => {
    const seed = readFileSync(new URL('../../schemes/seed-2020.yaml', import.meta.url), 'utf8');
    const [warning] = parseScheme(seed).problems;
    expect(warning!.code).toBe('uneven-children');
    expect(schemeProblemText(warning!, 'zh')).toMatch(/^下级分值合计\d+(\.\d+)?分，不等于\d+(\.\d+)?分（已说明：/);
  });

  it('every code has a sentence in each language; an unknown code keeps its message', () => {
    for (const [code, text] of Object.entries(SCHEME_PROBLEM_TEXT)) {
      expect(typeof text.zh, code).toBe('function');
      expect(typeof text.en, code).toBe('function');
    }
    expect(schemeProblemText({ code: 'from-a-newer-server', params: {}, message: 'as is' }, 'zh')).toBe('as is');
  });
});
