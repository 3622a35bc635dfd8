import { describe, expect, it } from 'vitest';
import { loadScheme } from '../scheme/load.ts';
import { score } from '../scoring/score.ts';
import { itemsToLook, lookProgress } from './progress.ts';

const SCHEME = `
id: t
version: 1
title: { zh: 测试 }
sections:
  - code: "1"
    title: { zh: 一 }
    points: 10
    pool: true
    children:
      - code: "1.1"
        title: { zh: 甲 }
        points: 5
        rule: { kind: perOccurrence, amount: 1 }
      - code: "1.2"
        title: { zh: 乙 }
        points: 5
        appliesIf: { povertyVillage: true }
        rule: { kind: perOccurrence, amount: 1 }
      - code: "1.3"
        title: { zh: 丙 }
        rule: { kind: perOccurrence, amount: 1 }
  - code: "2"
    title: { zh: 加分 }
    points: 5
    bonus: true
    children:
      - code: "2.1"
        title: { zh: 丁 }
        rule: { kind: bonus, amount: 2 }
`;

describe('lookProgress', () => {
  it('counts the items that apply, in scheme order, bonus items among them', () => {
    const scheme = loadScheme(SCHEME);
    const poor = itemsToLook(score(scheme, { attributes: { povertyVillage: true } }, []));
    const other = itemsToLook(score(scheme, { attributes: { povertyVillage: false } }, []));
    expect(poor).toEqual(['1.1', '1.2', '1.3', '2.1']);
    // An item that does not apply to the village is not in N.
    expect(other).toEqual(['1.1', '1.3', '2.1']);
  });

  it('takes an item as looked at with a finding, a decided suggestion or a mark; open suggestions are counted', () => {
    const items = ['1.1', '1.2', '1.3', '2.1'];
    expect(lookProgress(items, { findings: [], suggestions: [], checks: [] })).toEqual({ total: 4, done: 0, left: items, openSuggestions: 0 });
    const p = lookProgress(items, {
      findings: ['1.1'],
      suggestions: [
        { item: '1.2', status: 'dismissed' },
        { item: '1.3', status: 'open' },
        { item: '1.3', status: 'open' },
      ],
      checks: ['2.1', '9.9'],
    });
    // A mark or finding on an item outside the list (another scheme version's) changes nothing.
    expect(p).toEqual({ total: 4, done: 3, left: ['1.3'], openSuggestions: 2 });
  });
});
