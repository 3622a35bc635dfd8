import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KaoheError } from '../errors.ts';
import { loadScheme } from '../scheme/load.ts';
import type { Scheme } from '../scheme/model.ts';
import { explain } from './explain.ts';
import { FindingsError, checkFindings, findingProblemText, resultToJson, score, type Finding, type ScoreResult, type Unit } from './score.ts';

const seed = loadScheme(readFileSync(new URL('../../schemes/seed-2020.yaml', import.meta.url), 'utf8'), 'seed-2020.yaml');

const POVERTY_VILLAGE: Unit = { name: '石门村', attributes: { povertyVillage: true } };
const OTHER_VILLAGE: Unit = { name: '东岭村', attributes: { povertyVillage: false } };

/** Points of a node (in cents) by code. */
function node(result: ScoreResult, code: string) {
  const n = result.nodes[code];
  if (!n) throw new Error(`no node ${code}`);
  return n;
}

/** Scores and throws if scoring throws, so that a test shows the FindingsError's message. */
function run(scheme: Scheme, findings: Finding[], unit: Unit = POVERTY_VILLAGE): ScoreResult {
  return score(scheme, unit, findings);
}

function findingsError(fn: () => unknown): FindingsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FindingsError) return e;
    throw e;
  }
  throw new Error('expected a FindingsError');
}

function lines(result: ScoreResult, scheme: Scheme, lang: 'zh' | 'en' = 'zh'): string[] {
  return explain(result, scheme, lang).map((l) => l.text);
}

describe('the seed scheme with no findings', () => {
  it('scores the full 200, no bonus, 100%', () => {
    const r = run(seed, []);
    expect(r.base).toBe(20000);
    expect(r.bonus).toBe(0);
    expect(r.total).toBe(20000);
    expect(r.max).toBe(20000);
    expect(r.bonusMax).toBe(1000);
    expect(r.percent).toBe(10000);
    expect(r.grade).toBeNull();
    expect(r.veto).toBeNull();
    expect(r.scheme).toEqual({ id: 'seed-2020', version: 1 });
    expect(r.unit).toEqual({ name: '石门村' });
    expect(node(r, '2').score).toBe(12000);
    expect(node(r, '2.6').score).toBe(4000);
    expect(node(r, '2.6.1')).toMatchObject({ kind: 'item', applicable: true, max: 0, score: 0, deducted: 0, pools: ['2.6'] });
    expect(lines(r, seed)).toEqual([]);
  });

  it('lists every node in scheme order', () => {
    const r = run(seed, []);
    expect(r.order.slice(0, 5)).toEqual(['1', '1.1', '1.2', '1.3', '2']);
    expect(r.order).toHaveLength(45);
    expect(r.order[r.order.length - 1]).toBe('4.3');
  });
});

describe('the worked examples of READING.md', () => {
  it('section 1: 1.1 ×4, 1.2 ×2, 1.3 ×3 → 8 + 4 + 6 = 18 → section 1 scores 2', () => {
    const r = run(seed, [
      { item: '1.1', count: 4 },
      { item: '1.2', count: 2 },
      { item: '1.3', count: 3 },
    ]);
    expect(node(r, '1')).toMatchObject({ max: 2000, deductedRaw: 1800, deducted: 1800, score: 200 });
    // 1.1 is worth 6 but loses 8: its pool is the section's 20.
    expect(node(r, '1.1')).toMatchObject({ max: 600, deductedRaw: 800, deducted: 800, score: 0, pools: ['1'] });
    expect(node(r, '1.2')).toMatchObject({ deducted: 400, score: 0 });
    expect(node(r, '1.3')).toMatchObject({ deducted: 600, score: 400 });
    expect(r.base).toBe(18200);
    expect(r.total).toBe(18200);
    expect(r.percent).toBe(9100);
  });

  it('section 2.3: 2.3.1 ×7 and 2.3.2 not met → 7 + 5 = 12, pool 10 → 2.3 scores 0', () => {
    const r = run(seed, [{ item: '2.3.1', count: 7 }, { item: '2.3.2' }]);
    expect(node(r, '2.3')).toMatchObject({ max: 1000, deductedRaw: 1200, deducted: 1000, score: 0 });
    expect(node(r, '2.3.1')).toMatchObject({ deductedRaw: 700, deducted: 700 });
    expect(node(r, '2.3.2').deductedRaw).toBe(500);
    expect(node(r, '2')).toMatchObject({ deducted: 1000, score: 11000 });
    expect(r.base).toBe(19000);
  });

  it('section 2.6: a poverty village that did not exit and 3 households → 20 + 30 = 50, pool 40 → 2.6 scores 0', () => {
    const r = run(seed, [{ item: '2.6.1' }, { item: '2.6.2', count: 3 }], POVERTY_VILLAGE);
    expect(node(r, '2.6')).toMatchObject({ max: 4000, deductedRaw: 5000, deducted: 4000, score: 0 });
    expect(node(r, '2.6.1')).toMatchObject({ deductedRaw: 2000, deducted: 2000 });
    expect(node(r, '2.6.2')).toMatchObject({ deductedRaw: 3000, deducted: 2000 });
    expect(node(r, '2').score).toBe(8000);
    expect(r.base).toBe(16000);
  });

  it('bonus: 4.1, 4.2, 4.3 once each → 5 + 4 + 4 = 13 → capped at 10', () => {
    const r = run(seed, [{ item: '4.1' }, { item: '4.2' }, { item: '4.3' }]);
    expect(node(r, '4')).toMatchObject({ max: 1000, addedRaw: 1300, added: 1000, score: 1000 });
    expect(r.base).toBe(20000);
    expect(r.bonus).toBe(1000);
    expect(r.total).toBe(21000);
    // The cap is taken in scheme order: 4.1 and 4.2 in full, 4.3 what is left.
    expect([node(r, '4.1').added, node(r, '4.2').added, node(r, '4.3').added]).toEqual([500, 400, 100]);
    // The percentage is of the base only.
    expect(r.percent).toBe(10000);
  });

  it('all four together, as JSON points', () => {
    const r = run(seed, [
      { item: '1.1', count: 4 },
      { item: '1.2', count: 2 },
      { item: '1.3', count: 3 },
      { item: '2.3.1', count: 7 },
      { item: '2.3.2' },
      { item: '2.6.1' },
      { item: '2.6.2', count: 3 },
      { item: '4.1' },
      { item: '4.2' },
      { item: '4.3' },
    ]);
    const json = resultToJson(r);
    expect(json).toMatchObject({ base: 132, bonus: 10, total: 142, max: 200, bonusMax: 10, percent: 66, grade: null, veto: null });
    expect(json.nodes['1']).toMatchObject({ score: 2, deducted: 18 });
    expect(json.nodes['2']).toMatchObject({ score: 70, deducted: 50, deductedRaw: 62 });
    expect(json.nodes['2.3']).toMatchObject({ score: 0, deductedRaw: 12, deducted: 10 });
    expect(json.nodes['2.6']).toMatchObject({ score: 0, deductedRaw: 50, deducted: 40 });
    expect(json.nodes['3']).toMatchObject({ score: 60, deducted: 0 });
    expect(json.nodes['4']).toMatchObject({ score: 10, addedRaw: 13, added: 10 });
    expect(json.nodes['1.1']).toMatchObject({ pools: ['1'], findings: [{ finding: 0, count: 4, amount: 8 }] });
  });
});

describe('every seed item', () => {
  // item, count, its deduction before and after the pool, the pool it draws on, the pool's score,
  // the top-level section's score. Each alone, for a poverty village.
  type Row = [item: string, count: number, raw: number, deducted: number, pool: string, poolScore: number, sectionScore: number];
  const rows: Row[] = [
    ['1.1', 2, 4, 4, '1', 16, 16],
    ['1.2', 1, 2, 2, '1', 18, 18],
    ['1.3', 5, 10, 10, '1', 10, 10],
    ['1.1', 11, 22, 20, '1', 0, 0],
    ['2.1.1', 1, 2, 2, '2.1', 28, 118],
    ['2.1.2', 2, 4, 4, '2.1', 26, 116],
    ['2.1.3', 3, 6, 6, '2.1', 24, 114],
    ['2.1.4', 4, 8, 8, '2.1', 22, 112],
    ['2.1.5', 16, 32, 30, '2.1', 0, 90],
    ['2.2.1', 2, 4, 4, '2.2', 6, 116],
    ['2.2.2', 6, 12, 10, '2.2', 0, 110],
    ['2.3.1', 3, 3, 3, '2.3', 7, 117],
    ['2.3.2', 1, 5, 5, '2.3', 5, 115],
    ['2.3.2', 4, 5, 5, '2.3', 5, 115],
    ['2.4.1', 1, 10, 10, '2.4', 0, 110],
    ['2.4.1', 3, 30, 10, '2.4', 0, 110],
    ['2.5.1', 1, 2, 2, '2.5', 18, 118],
    ['2.5.2', 3, 6, 6, '2.5', 14, 114],
    ['2.5.3', 2, 4, 4, '2.5', 16, 116],
    ['2.5.4', 1, 4, 4, '2.5', 16, 116],
    ['2.5.5', 3, 4, 4, '2.5', 16, 116],
    ['2.6.1', 1, 20, 20, '2.6', 20, 100],
    ['2.6.2', 2, 20, 20, '2.6', 20, 100],
    ['2.6.2', 5, 50, 40, '2.6', 0, 80],
    ['3.1.1', 1, 6, 6, '3.1', 14, 54],
    ['3.1.2', 2, 4, 4, '3.1', 16, 56],
    ['3.1.3', 3, 6, 6, '3.1', 14, 54],
    ['3.2.1', 7, 7, 7, '3.2', 18, 53],
    ['3.2.1', 30, 30, 25, '3.2', 0, 35],
    ['3.3.1', 1, 5, 5, '3.3', 0, 55],
    ['3.4.1', 1, 5, 5, '3.4', 0, 55],
    ['3.5.1', 2, 10, 5, '3.5', 0, 55],
  ];

  it.each(rows)('%s ×%i deducts %i (%i after the pool); pool %s → %i, section → %i', (item, count, raw, deducted, pool, poolScore, sectionScore) => {
    const r = run(seed, [{ item, count }]);
    expect(node(r, item)).toMatchObject({ kind: 'item', deductedRaw: raw * 100, deducted: deducted * 100, pools: [pool] });
    expect(node(r, item).deductions).toHaveLength(1);
    expect(node(r, pool)).toMatchObject({ deducted: deducted * 100, score: poolScore * 100 });
    expect(node(r, item.split('.')[0]!).score).toBe(sectionScore * 100);
    expect(r.base).toBe(20000 - deducted * 100);
    expect(r.total).toBe(20000 - deducted * 100);
    expect(r.bonus).toBe(0);
  });

  it('every deduction item of the seed is in the table', () => {
    const items = seed.sections.flatMap(function all(n): string[] {
      return n.rule ? (n.rule.kind === 'bonus' ? [] : [n.code]) : n.children.flatMap(all);
    });
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(items));
  });

  type BonusRow = [item: string, count: number, addedRaw: number, added: number];
  const bonusRows: BonusRow[] = [
    ['4.1', 1, 5, 5],
    ['4.1', 2, 10, 10],
    ['4.1', 3, 15, 10],
    ['4.2', 1, 4, 4],
    ['4.2', 2, 8, 8],
    ['4.3', 1, 4, 4],
    ['4.3', 3, 12, 10],
  ];
  it.each(bonusRows)('%s ×%i adds %i, %i within the cap of 10', (item, count, addedRaw, added) => {
    const r = run(seed, [{ item, count }]);
    expect(node(r, item)).toMatchObject({ addedRaw: addedRaw * 100, added: added * 100, score: added * 100 });
    expect(node(r, '4')).toMatchObject({ addedRaw: addedRaw * 100, added: added * 100, score: added * 100, max: 1000 });
    expect(r.bonus).toBe(added * 100);
    expect(r.base).toBe(20000);
    expect(r.total).toBe(20000 + added * 100);
  });

  it('nothing below 0: every item recorded many times leaves 0 everywhere', () => {
    const all: Finding[] = [];
    for (const code of seed.sections.flatMap(function items(n): string[] {
      return n.rule ? [n.code] : n.children.flatMap(items);
    })) {
      all.push({ item: code, count: 1000 });
    }
    const r = run(seed, all);
    expect(r.base).toBe(0);
    expect(r.percent).toBe(0);
    expect(r.bonus).toBe(1000);
    expect(r.total).toBe(1000);
    for (const code of r.order) {
      const n = node(r, code);
      expect(n.score, code).toBeGreaterThanOrEqual(0);
      // Inside a shared pool an item's share depends on the items before it; every section is at 0.
      if (n.kind === 'section' && code !== '4') expect(n.score, code).toBe(0);
    }
    // The first items of a pool take it all.
    expect(node(r, '1.1')).toMatchObject({ deductedRaw: 200000, deducted: 2000 });
    expect(node(r, '1.2')).toMatchObject({ deductedRaw: 200000, deducted: 0 });
    expect(node(r, '2')).toMatchObject({ deducted: 12000, score: 0 });
    expect(node(r, '3.2')).toMatchObject({ deductedRaw: 100000, deducted: 2500 });
  });
});

describe('rule kinds', () => {
  const kinds = loadScheme(`id: kinds
version: 1
title: Kinds
sections:
  - code: "1"
    title: A
    points: 40
    children:
      - code: "1.1"
        title: per occurrence
        points: 10
        rule: { kind: perOccurrence, amount: 3 }
      - code: "1.2"
        title: all or nothing
        points: 8
        rule: { kind: allOrNothing }
      - code: "1.3"
        title: fixed penalty
        points: 22
        rule: { kind: fixedPenalty, amount: 10 }
`);

  it('perOccurrence: each occurrence deducts the amount', () => {
    const r = run(kinds, [{ item: '1.1', count: 2 }, { item: '1.1' }]);
    expect(node(r, '1.1')).toMatchObject({ deductedRaw: 900, deducted: 900, score: 100 });
    expect(node(r, '1.1').deductions!.map((d) => d.amount)).toEqual([600, 300]);
    expect(r.base).toBe(3100);
  });

  it('an item with no pool above it is capped at its own points', () => {
    const r = run(kinds, [{ item: '1.1', count: 4 }]);
    expect(node(r, '1.1')).toMatchObject({ deductedRaw: 1200, deducted: 1000, score: 0, pools: ['1.1'] });
    expect(node(r, '1')).toMatchObject({ deducted: 1000, score: 3000 });
    expect(r.base).toBe(3000);
  });

  it('allOrNothing: any count ≥ 1 loses the item once', () => {
    for (const count of [1, 2, 5]) {
      const r = run(kinds, [{ item: '1.2', count }]);
      expect(node(r, '1.2'), `count ${count}`).toMatchObject({ deductedRaw: 800, deducted: 800, score: 0 });
      expect(r.base).toBe(3200);
    }
  });

  it('allOrNothing: several findings still lose the item once, carried by the first that counts', () => {
    const r = run(kinds, [{ item: '1.2', count: 0 }, { item: '1.2' }, { item: '1.2', count: 3 }]);
    expect(node(r, '1.2')).toMatchObject({ deductedRaw: 800, deducted: 800, score: 0 });
    expect(node(r, '1.2').deductions!.map((d) => d.amount)).toEqual([0, 800, 0]);
    expect(r.base).toBe(3200);
  });

  it('allOrNothing: count 0 does nothing', () => {
    const r = run(kinds, [{ item: '1.2', count: 0 }]);
    expect(node(r, '1.2')).toMatchObject({ deductedRaw: 0, deducted: 0, score: 800 });
    expect(r.base).toBe(4000);
  });

  it('count 0 does nothing for the other kinds either', () => {
    const r = run(kinds, [
      { item: '1.1', count: 0 },
      { item: '1.3', count: 0 },
    ]);
    expect(r.base).toBe(4000);
    expect(node(r, '1.1').deductions).toEqual([{ finding: 0, count: 0, amount: 0 }]);
  });

  it('fixedPenalty: each failure deducts the penalty, within the item', () => {
    expect(node(run(kinds, [{ item: '1.3' }]), '1.3')).toMatchObject({ deductedRaw: 1000, deducted: 1000, score: 1200 });
    const r = run(kinds, [{ item: '1.3', count: 3 }]);
    expect(node(r, '1.3')).toMatchObject({ deductedRaw: 3000, deducted: 2200, score: 0 });
    expect(r.base).toBe(1800);
  });

  it('the count defaults to 1', () => {
    const r = run(kinds, [{ item: '1.1' }]);
    expect(node(r, '1.1').deductions).toEqual([{ finding: 0, count: 1, amount: 300 }]);
  });

  it('keeps the note and household of each finding', () => {
    const r = run(kinds, [{ item: '1.1', note: '计划未更新', household: 'H-07', id: 'f1' }]);
    expect(node(r, '1.1').deductions).toEqual([{ finding: 0, count: 1, amount: 300, note: '计划未更新', household: 'H-07' }]);
  });
});

describe('bonus', () => {
  const scheme = loadScheme(`id: bonus
version: 1
title: Bonus
sections:
  - code: "1"
    title: Base
    points: 100
    children:
      - code: "1.1"
        title: a
        points: 100
        rule: { kind: perOccurrence, amount: 1 }
  - code: "2"
    title: Bonus
    points: 10
    bonus: true
    children:
      - code: "2.1"
        title: capped item
        points: 3
        rule: { kind: bonus, amount: 2 }
      - code: "2.2"
        title: uncapped item
        rule: { kind: bonus, amount: 5 }
`);

  it('adds below both caps in full', () => {
    const r = run(scheme, [{ item: '2.1' }, { item: '2.2' }]);
    expect(node(r, '2.1')).toMatchObject({ addedRaw: 200, added: 200, score: 200 });
    expect(node(r, '2.2')).toMatchObject({ addedRaw: 500, added: 500 });
    expect(node(r, '2')).toMatchObject({ addedRaw: 700, added: 700, score: 700, max: 1000 });
    expect(r).toMatchObject({ base: 10000, bonus: 700, total: 10700, bonusMax: 1000, max: 10000 });
  });

  it('caps an item at its own points, then the section at its cap', () => {
    const r = run(scheme, [
      { item: '2.1', count: 3 },
      { item: '2.2', count: 2 },
    ]);
    expect(node(r, '2.1')).toMatchObject({ addedRaw: 600, added: 300 });
    expect(node(r, '2.2')).toMatchObject({ addedRaw: 1000, added: 700 });
    expect(node(r, '2')).toMatchObject({ addedRaw: 1600, added: 1000, score: 1000 });
    expect(r).toMatchObject({ bonus: 1000, total: 11000 });
    // The bonus never counts towards the base or its percentage.
    expect(r.percent).toBe(10000);
  });

  it('a bonus cannot make up for deductions beyond its cap', () => {
    const r = run(scheme, [
      { item: '1.1', count: 30 },
      { item: '2.2', count: 5 },
    ]);
    expect(r).toMatchObject({ base: 7000, bonus: 1000, total: 8000, percent: 7000 });
  });
});

describe('veto', () => {
  const scheme = loadScheme(`id: veto
version: 1
title: Veto
grades:
  - { code: A, title: 优秀, min: 90 }
  - { code: B, title: 良好, min: 80 }
  - { code: C, title: 合格, min: 60 }
  - { code: D, title: 不合格, min: 0 }
sections:
  - code: "1"
    title: Work
    points: 100
    pool: true
    children:
      - code: "1.1"
        title: work
        points: 100
        rule: { kind: perOccurrence, amount: 5 }
      - code: "1.2"
        title: fraud
        rule: { kind: veto, effect: zero }
      - code: "1.3"
        title: serious accident
        rule: { kind: veto, effect: grade, grade: D }
  - code: "2"
    title: Bonus
    points: 10
    bonus: true
    children:
      - code: "2.1"
        title: praise
        rule: { kind: bonus, amount: 5 }
`);

  it('without a veto finding the grade follows the total', () => {
    const r = run(scheme, [{ item: '1.1' }, { item: '2.1' }, { item: '1.2', count: 0 }]);
    expect(r).toMatchObject({ base: 9500, bonus: 500, total: 10000, veto: null });
    expect(r.grade?.code).toBe('A');
    expect(node(r, '1.2').vetoed).toBe(false);
    expect(node(r, '1.3').vetoed).toBe(false);
  });

  it('effect zero: the total becomes 0, base and bonus stay as scored', () => {
    const r = run(scheme, [{ item: '1.1' }, { item: '2.1' }, { item: '1.2' }]);
    expect(r).toMatchObject({ base: 9500, bonus: 500, total: 0 });
    expect(r.veto).toEqual({ items: ['1.2'], effect: 'zero' });
    expect(r.grade?.code).toBe('D');
    expect(node(r, '1.2')).toMatchObject({ vetoed: true, deducted: 0, score: 0 });
    expect(node(r, '1')).toMatchObject({ score: 9500 });
    expect(lines(r, scheme).at(-1)).toBe('一票否决：1.2（总分计0分）');
    expect(lines(r, scheme, 'en').at(-1)).toBe('veto: 1.2 (total set to 0)');
  });

  it('effect grade: the grade is forced, the total stays', () => {
    const r = run(scheme, [{ item: '1.3' }]);
    expect(r).toMatchObject({ base: 10000, bonus: 0, total: 10000 });
    expect(r.veto).toEqual({ items: ['1.3'], effect: 'grade', grade: 'D' });
    expect(r.grade).toEqual({ code: 'D', title: { zh: '不合格' }, min: 0 });
  });

  it('two vetoes: both are listed', () => {
    const r = run(scheme, [{ item: '1.3' }, { item: '1.2' }]);
    expect(r.veto?.items).toEqual(['1.2', '1.3']);
    expect(r.total).toBe(0);
    expect(r.grade?.code).toBe('D');
  });
});

describe('deduction pools', () => {
  const scheme = loadScheme(`id: pools
version: 1
title: Pools
sections:
  - code: "1"
    title: Outer pool
    points: 20
    pool: true
    children:
      - code: "1.1"
        title: Inner pool
        points: 12
        pool: true
        children:
          - code: "1.1.1"
            title: a
            points: 6
            rule: { kind: perOccurrence, amount: 3 }
          - code: "1.1.2"
            title: b
            points: 6
            rule: { kind: perOccurrence, amount: 3 }
      - code: "1.2"
        title: No pool of its own
        points: 8
        children:
          - code: "1.2.1"
            title: c
            points: 8
            rule: { kind: perOccurrence, amount: 2 }
  - code: "2"
    title: Explicit pool
    points: 20
    pool: true
    children:
      - code: "2.1"
        title: capped at its own points inside a pool
        points: 5
        rule: { kind: perOccurrence, amount: 2, pool: "2.1" }
      - code: "2.2"
        title: d
        points: 15
        rule: { kind: perOccurrence, amount: 5 }
  - code: "3"
    title: No pool
    points: 10
    children:
      - code: "3.1"
        title: e
        points: 4
        rule: { kind: perOccurrence, amount: 3 }
      - code: "3.2"
        title: f
        points: 6
        rule: { kind: allOrNothing }
`);

  it('an item loses more than its points inside its section pool', () => {
    const r = run(scheme, [{ item: '1.2.1', count: 6 }]);
    expect(node(r, '1.2.1')).toMatchObject({ max: 800, deductedRaw: 1200, deducted: 1200, score: 0, pools: ['1'] });
    expect(node(r, '1.2')).toMatchObject({ deducted: 1200, score: 0 });
    expect(node(r, '1')).toMatchObject({ deducted: 1200, score: 800 });
    expect(r.base).toBe(3800);
  });

  it('nested pools: the inner cap bites, then the outer', () => {
    const r = run(scheme, [
      { item: '1.1.1', count: 3 },
      { item: '1.1.2', count: 2 },
      { item: '1.2.1', count: 6 },
    ]);
    expect(node(r, '1.1.1')).toMatchObject({ deductedRaw: 900, deducted: 900, pools: ['1.1', '1'] });
    expect(node(r, '1.1.2')).toMatchObject({ deductedRaw: 600, deducted: 300, pools: ['1.1', '1'] });
    // Inner: 15 recorded, 12 counted.
    expect(node(r, '1.1')).toMatchObject({ max: 1200, deductedRaw: 1500, deducted: 1200, score: 0 });
    // Outer: 12 + 12 recorded after the inner pool, 20 counted: 1.2.1 gets the 8 left.
    expect(node(r, '1.2.1')).toMatchObject({ deductedRaw: 1200, deducted: 800 });
    expect(node(r, '1')).toMatchObject({ max: 2000, deductedRaw: 2700, deducted: 2000, score: 0 });
    expect(r.base).toBe(3000);
    expect(lines(r, scheme)).toEqual([
      '1.1.1 a ×3: −9',
      '1.1.2 b ×2: −6',
      '扣分池 1.1（12分）：记录扣分15分，扣完12分为止，实扣12分 → 得0分',
      '1.2.1 c ×6: −12',
      '扣分池 1（20分）：记录扣分27分，扣完20分为止，实扣20分 → 得0分',
    ]);
  });

  it('nested pools: only the inner cap bites', () => {
    const r = run(scheme, [{ item: '1.1.1', count: 5 }]);
    expect(node(r, '1.1')).toMatchObject({ deductedRaw: 1500, deducted: 1200, score: 0 });
    expect(node(r, '1')).toMatchObject({ deducted: 1200, score: 800 });
    expect(r.base).toBe(3800);
  });

  it('an explicit pool on the item itself caps it at its own points inside the section pool', () => {
    const r = run(scheme, [
      { item: '2.1', count: 5 },
      { item: '2.2', count: 4 },
    ]);
    expect(node(r, '2.1')).toMatchObject({ deductedRaw: 1000, deducted: 500, score: 0, pools: ['2.1', '2'] });
    expect(node(r, '2.2')).toMatchObject({ deductedRaw: 2000, deducted: 1500, score: 0, pools: ['2'] });
    expect(node(r, '2')).toMatchObject({ deductedRaw: 3000, deducted: 2000, score: 0 });
    expect(lines(r, scheme)).toEqual(['2.1 capped at its own points inside a pool ×5: −10', '2.2 d ×4: −20', '扣分池 2（20分）：记录扣分30分，扣完20分为止，实扣20分 → 得0分']);
  });

  it('explicit pool: the item alone loses only its own points', () => {
    const r = run(scheme, [{ item: '2.1', count: 5 }]);
    expect(node(r, '2')).toMatchObject({ deducted: 500, score: 1500 });
  });

  it('items without a pool above them are each capped at their own points', () => {
    const r = run(scheme, [
      { item: '3.1', count: 5 },
      { item: '3.2', count: 2 },
    ]);
    expect(node(r, '3.1')).toMatchObject({ deductedRaw: 1500, deducted: 400, score: 0, pools: ['3.1'] });
    expect(node(r, '3.2')).toMatchObject({ deductedRaw: 600, deducted: 600, score: 0, pools: ['3.2'] });
    expect(node(r, '3')).toMatchObject({ deductedRaw: 2100, deducted: 1000, score: 0 });
    expect(lines(r, scheme)).toEqual(['3.1 e ×5: −15', '3.1 本项扣分15分，超出可扣分值，计4分', '3.2 f ×2: −6（不得分）']);
    expect(lines(r, scheme, 'en')).toEqual(['3.1 e ×5: −15', '3.1: 15 recorded, more than the item can lose: 4 counted', '3.2 f ×2: −6 (not met: item lost)']);
  });

  it('nothing below 0 however much is recorded', () => {
    const r = run(
      scheme,
      ['1.1.1', '1.1.2', '1.2.1', '2.1', '2.2', '3.1', '3.2'].map((item) => ({ item, count: 100 })),
    );
    expect(r.base).toBe(0);
    for (const code of r.order) {
      const n = node(r, code);
      expect(n.score, code).toBeGreaterThanOrEqual(0);
      // Inside a shared pool an item's share depends on the items before it; every section is at 0.
      if (n.kind === 'section') expect(n.score, code).toBe(0);
    }
    expect(node(r, '1').deducted).toBe(2000);
    expect(node(r, '2').deducted).toBe(2000);
    expect(node(r, '3').deducted).toBe(1000);
  });
});

describe('applicability', () => {
  it('seed 2.6.1 scores for a poverty village', () => {
    const r = run(seed, [{ item: '2.6.1' }], POVERTY_VILLAGE);
    expect(node(r, '2.6.1')).toMatchObject({ applicable: true, deducted: 2000 });
    expect(node(r, '2.6').score).toBe(2000);
  });

  it.each([
    ['povertyVillage false', OTHER_VILLAGE],
    ['povertyVillage absent', { name: 'x', attributes: {} }],
    ['no attributes at all', { name: 'x' }],
    ['povertyVillage "true" as text', { name: 'x', attributes: { povertyVillage: 'true' } }],
    ['povertyVillage null', { name: 'x', attributes: { povertyVillage: null } }],
  ] as Array<[string, Unit]>)('seed 2.6.1 on a unit with %s is a not-applicable error', (_, unit) => {
    const e = findingsError(() => score(seed, unit, [{ item: '2.6.2' }, { item: '2.6.1' }]));
    expect(e.problems).toEqual([{ index: 1, item: '2.6.1', field: 'item', code: 'not-applicable', message: 'item 2.6.1 does not apply to this unit' }]);
    // Without the finding, the node is just marked as not applying; with "keep", 2.6 keeps its 40.
    const r = score(seed, unit, [{ item: '2.6.2' }]);
    expect(node(r, '2.6.1').applicable).toBe(false);
    expect(node(r, '2.6')).toMatchObject({ max: 4000, score: 3000 });
    expect(r.max).toBe(20000);
    expect(lines(r, seed)).toEqual(['2.6.1 贫困村当年出列：不适用', '2.6.2 贫困户当年脱贫 ×1: −10', '扣分池 2.6（40分）：共扣10分 → 得30分']);
  });

  const source = `id: na
version: 1
title: NA
notApplicable: exclude
sections:
  - code: "1"
    title: A
    points: 20
    pool: true
    children:
      - code: "1.1"
        title: general
        points: 10
        rule: { kind: perOccurrence, amount: 2 }
      - code: "1.2"
        title: poverty villages only
        points: 10
        appliesIf: { povertyVillage: true }
        rule: { kind: perOccurrence, amount: 2 }
  - code: "2"
    title: B
    points: 80
    children:
      - code: "2.1"
        title: b
        points: 80
        rule: { kind: perOccurrence, amount: 1 }
  - code: "3"
    title: Western region only
    points: 10
    appliesIf: { region: { in: [west, northwest] } }
    children:
      - code: "3.1"
        title: c
        points: 10
        rule: { kind: perOccurrence, amount: 1 }
`;
  const exclude = loadScheme(source);
  const keep = loadScheme(source.replace('notApplicable: exclude', 'notApplicable: keep'));

  it('exclude: what does not apply leaves the maximum, and the percent is of what applies', () => {
    const r = run(exclude, [{ item: '1.1' }], OTHER_VILLAGE);
    expect(node(r, '1.2')).toMatchObject({ applicable: false, max: 0, score: 0 });
    expect(node(r, '1')).toMatchObject({ max: 1000, deducted: 200, score: 800 });
    expect(node(r, '3')).toMatchObject({ applicable: false, max: 0, score: 0 });
    expect(node(r, '3.1')).toMatchObject({ applicable: false, max: 0 });
    expect(r).toMatchObject({ max: 9000, base: 8800, total: 8800, percent: 9778 });
  });

  it('exclude: the pool shrinks with the maximum', () => {
    const r = run(exclude, [{ item: '1.1', count: 6 }], OTHER_VILLAGE);
    expect(node(r, '1.1')).toMatchObject({ deductedRaw: 1200, deducted: 1000 });
    expect(node(r, '1')).toMatchObject({ max: 1000, deducted: 1000, score: 0 });
    expect(r).toMatchObject({ max: 9000, base: 8000, percent: 8889 });
  });

  it('keep: what does not apply keeps its points', () => {
    const r = run(keep, [{ item: '1.1' }], OTHER_VILLAGE);
    expect(node(r, '1.2')).toMatchObject({ applicable: false, max: 1000, score: 1000 });
    expect(node(r, '1')).toMatchObject({ max: 2000, score: 1800 });
    expect(node(r, '3')).toMatchObject({ applicable: false, max: 1000, score: 1000 });
    expect(r).toMatchObject({ max: 11000, base: 10800, percent: 9818 });
  });

  it('where everything applies, exclude and keep agree', () => {
    const unit: Unit = { name: 'w', attributes: { povertyVillage: true, region: 'west' } };
    const findings: Finding[] = [{ item: '1.2' }, { item: '3.1', count: 3 }];
    const a = run(exclude, findings, unit);
    const b = run(keep, findings, unit);
    expect(a).toMatchObject({ max: 11000, base: 10500, percent: 9545 });
    expect(resultToJson(a)).toEqual(resultToJson(b));
  });

  it('a node under a section that does not apply does not apply either', () => {
    const e = findingsError(() => run(exclude, [{ item: '3.1' }], { name: 'x', attributes: { povertyVillage: true, region: 'east' } }));
    expect(e.problems.map((p) => [p.index, p.code])).toEqual([[0, 'not-applicable']]);
  });
});

describe('checklists', () => {
  it('a finding may name the element of the checklist that failed', () => {
    const r = run(seed, [
      { item: '1.1', count: 2, element: 'plan' },
      { item: '3.1.2', element: 'diary' },
    ]);
    expect(node(r, '1.1').deductions).toEqual([{ finding: 0, count: 2, element: 'plan', amount: 400 }]);
    expect(node(r, '3.1.2').deductions).toEqual([{ finding: 1, count: 1, element: 'diary', amount: 200 }]);
    expect(r.base).toBe(19400);
  });

  it('an unknown element is an error listing the elements', () => {
    const e = findingsError(() => run(seed, [{ item: '1.2', element: 'computer' }]));
    expect(e.problems).toEqual([
      {
        index: 0,
        item: '1.2',
        field: 'element',
        code: 'unknown-element',
        message: 'item 1.2 has no element "computer" (elements: office, facilities, cabinets)',
        params: { element: '"computer"', elements: 'office、facilities、cabinets' },
      },
    ]);
    expect(findingProblemText(e.problems[0]!, 'zh')).toBe('考核项目 1.2 没有要素 "computer"（要素：office、facilities、cabinets）');
    expect(findingProblemText(e.problems[0]!, 'en')).toBe(e.problems[0]!.message);
  });

  it('says each finding problem in Chinese too', () => {
    const e = findingsError(() => run(seed, [{ item: '9.9' }, { item: '1' }, { item: '1.1', count: -1 }, { item: '' } as never]));
    expect(e.problems.map((p) => findingProblemText(p, 'zh'))).toEqual([
      '考核细则中没有考核项目 9.9',
      '1 是考核项目的上级，不是考核项目：请记在其下的考核项目上',
      '次数须为不小于0的整数，不能是 -1',
      '每条扣分须写明考核项目编号（如 1.1）',
    ]);
  });

  it('an element on an item without a checklist is an error', () => {
    const e = findingsError(() => run(seed, [{ item: '2.1.1', element: 'name' }]));
    expect(e.problems).toEqual([{ index: 0, item: '2.1.1', field: 'element', code: 'no-checklist', message: 'item 2.1.1 has no checklist to name an element of' }]);
  });
});

describe('grade bands', () => {
  const source = (basis: string) => `id: grades
version: 1
title: Grades
gradeBasis: ${basis}
grades:
  - { code: A, title: 优秀, min: 80 }
  - { code: B, title: 良好, min: 44 }
  - { code: C, title: 合格, min: 40 }
  - { code: D, title: 不合格, min: 0 }
sections:
  - code: "1"
    title: A
    points: 50
    pool: true
    children:
      - code: "1.1"
        title: a
        points: 50
        rule: { kind: perOccurrence, amount: 1 }
  - code: "2"
    title: Bonus
    points: 10
    bonus: true
    children:
      - code: "2.1"
        title: b
        rule: { kind: bonus, amount: 5 }
`;
  // Base 40 of 50, bonus 5: total 45, base 40, percent 80.00.
  const findings: Finding[] = [{ item: '1.1', count: 10 }, { item: '2.1' }];

  it.each([
    ['total', 'B'],
    ['base', 'C'],
    ['percent', 'A'],
  ])('gradeBasis %s → %s', (basis, grade) => {
    const scheme = loadScheme(source(basis));
    const r = run(scheme, findings);
    expect(r).toMatchObject({ base: 4000, bonus: 500, total: 4500, percent: 8000 });
    expect(r.grade?.code).toBe(grade);
  });

  it('a band’s minimum is inclusive', () => {
    const scheme = loadScheme(source('total'));
    expect(run(scheme, [{ item: '1.1', count: 6 }]).grade?.code).toBe('B'); // 44
    expect(run(scheme, [{ item: '1.1', count: 7 }]).grade?.code).toBe('C'); // 43
    expect(run(scheme, [{ item: '1.1', count: 11 }]).grade?.code).toBe('D'); // 39
    expect(run(scheme, [{ item: '1.1', count: 50 }]).grade?.code).toBe('D'); // 0
    // The whole base and bonus make 60: A (80) cannot be reached on the total.
    expect(run(scheme, [{ item: '2.1', count: 2 }]).grade).toEqual({ code: 'B', title: { zh: '良好' }, min: 4400 });
  });

  it('percent bands compare hundredths of a percent', () => {
    const scheme = loadScheme(source('percent'));
    expect(run(scheme, [{ item: '1.1', count: 28 }]).percent).toBe(4400); // 22 of 50
    expect(run(scheme, [{ item: '1.1', count: 28 }]).grade?.code).toBe('B');
    expect(run(scheme, [{ item: '1.1', count: 29 }]).grade?.code).toBe('C'); // 42%
    expect(run(scheme, [{ item: '1.1', count: 31 }]).grade?.code).toBe('D'); // 38%
  });

  it('a scheme without grades gives none', () => {
    expect(run(seed, []).grade).toBeNull();
  });
});

describe('decimals', () => {
  const scheme = loadScheme(`id: dec
version: 1
title: Decimals
sections:
  - code: "1"
    title: A
    points: 100
    pool: true
    children:
      - code: "1.1"
        title: half
        points: 30
        rule: { kind: perOccurrence, amount: 0.5 }
      - code: "1.2"
        title: quarter
        points: 30
        rule: { kind: fixedPenalty, amount: 0.25 }
      - code: "1.3"
        title: tenth
        points: 30
        rule: { kind: perOccurrence, amount: 0.1 }
      - code: "1.4"
        title: seven hundredths
        points: 10
        rule: { kind: perOccurrence, amount: 0.07 }
`);

  it('0.5 and 0.25 amounts sum exactly', () => {
    const r = run(scheme, [{ item: '1.1' }, { item: '1.2', count: 3 }]);
    expect(node(r, '1.1').deducted).toBe(50);
    expect(node(r, '1.2').deducted).toBe(75);
    expect(node(r, '1')).toMatchObject({ deducted: 125, score: 9875 });
    expect((resultToJson(r) as { base: number }).base).toBe(98.75);
    expect(lines(r, scheme)).toEqual(['1.1 half ×1: −0.5', '1.2 quarter ×3: −0.75', '扣分池 1（100分）：共扣1.25分 → 得98.75分']);
  });

  it('0.1 recorded ten times as separate findings is exactly 1', () => {
    const r = run(
      scheme,
      Array.from({ length: 10 }, () => ({ item: '1.3' })),
    );
    expect(node(r, '1.3').deducted).toBe(100);
    expect(r.base).toBe(9900);
    expect((resultToJson(r) as { base: number }).base).toBe(99);
  });

  it('0.1 × 3 is 0.3 and 0.07 × 3 is 0.21, not 0.30000000000000004 and 0.21000000000000002', () => {
    const r = run(scheme, [
      { item: '1.3', count: 3 },
      { item: '1.4', count: 3 },
    ]);
    expect(node(r, '1.3').deducted).toBe(30);
    expect(node(r, '1.4').deducted).toBe(21);
    const json = resultToJson(r) as { base: number; nodes: Record<string, { deducted: number; score: number }> };
    expect(json.nodes['1.3']!.deducted).toBe(0.3);
    expect(json.nodes['1.4']!.deducted).toBe(0.21);
    expect(json.base).toBe(99.49);
  });

  it('many small amounts over many findings stay exact', () => {
    const findings: Finding[] = [];
    for (let i = 0; i < 333; i++) findings.push({ item: '1.3' }, { item: '1.4' });
    const r = run(scheme, findings);
    // 333 × 0.1 = 33.3 and 333 × 0.07 = 23.31: 56.61 recorded, all inside the pool of 100.
    expect(node(r, '1.3').deductedRaw).toBe(3330);
    expect(node(r, '1.4').deductedRaw).toBe(2331);
    expect(r.base).toBe(10000 - 5661);
    expect((resultToJson(r) as { base: number }).base).toBe(43.39);
    expect(r.percent).toBe(4339);
  });
});

describe('bad findings', () => {
  it('a FindingsError lists every bad finding with its index', () => {
    const findings = [
      { item: '1.1' },
      { item: '9.9' },
      { item: '2.1' },
      { item: '1.2', count: -1 },
      { item: '1.3', count: 1.5 },
      { item: 11 },
      { item: '2.6.1' },
      { item: '1' },
      { count: 2 },
      { item: '3.2.1', count: '2' },
      { item: '4.1', count: 2 },
      { item: '' },
      { item: '3.1.1', count: Number.NaN },
    ] as unknown as Finding[];
    const e = findingsError(() => score(seed, OTHER_VILLAGE, findings));
    expect(e).toBeInstanceOf(KaoheError);
    expect(e.code).toBe('invalid-findings');
    expect(e.problems.map((p) => [p.index, p.item, p.field, p.code])).toEqual([
      [1, '9.9', 'item', 'unknown-item'],
      [2, '2.1', 'item', 'not-an-item'],
      [3, '1.2', 'count', 'bad-count'],
      [4, '1.3', 'count', 'bad-count'],
      [5, 11, 'item', 'missing-item'],
      [6, '2.6.1', 'item', 'not-applicable'],
      [7, '1', 'item', 'not-an-item'],
      [8, undefined, 'item', 'missing-item'],
      [9, '3.2.1', 'count', 'bad-count'],
      [11, '', 'item', 'missing-item'],
      [12, '3.1.1', 'count', 'bad-count'],
    ]);
    expect(e.details).toBe(e.problems);
    const messages = e.message.split('\n');
    expect(messages).toHaveLength(11);
    expect(messages[0]).toBe('findings[1] (item 9.9), item: no item 9.9 in the scheme');
    expect(messages[1]).toBe('findings[2] (item 2.1), item: 2.1 is a section, not an item: record findings on its items');
    expect(messages[2]).toBe('findings[3] (item 1.2), count: count must be a whole number ≥ 0, not -1');
    expect(messages[3]).toBe('findings[4] (item 1.3), count: count must be a whole number ≥ 0, not 1.5');
    expect(messages[5]).toBe('findings[6] (item 2.6.1), item: item 2.6.1 does not apply to this unit');
    // checkFindings reports the same without scoring.
    expect(checkFindings(seed, OTHER_VILLAGE, findings)).toEqual(e.problems);
  });

  it('checkFindings is empty for good findings', () => {
    expect(checkFindings(seed, POVERTY_VILLAGE, [{ item: '2.6.1' }, { item: '1.1', element: 'plan', count: 0 }])).toEqual([]);
  });

  it('one bad finding is enough to refuse the whole list', () => {
    const e = findingsError(() => run(seed, [{ item: '1.1' }, { item: '1.1', count: -2 }]));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ index: 1, code: 'bad-count' });
  });
});

describe('explanations', () => {
  it('reads like an inspector’s sheet, in Chinese', () => {
    const r = run(seed, [
      { item: '1.1', count: 2, element: 'plan' },
      { item: '1.2', count: 2 },
      { item: '1.3', count: 3 },
      { item: '1.1', count: 2, element: 'organisation' },
      { item: '2.3.2', count: 2, note: '只有宣传栏' },
      { item: '2.6.2', household: '张三' },
      { item: '4.1' },
      { item: '4.2', count: 2 },
    ]);
    expect(lines(r, seed)).toEqual([
      '1.1 缺少工作计划 ×2: −4',
      '1.1 缺少扶贫工作组织机构 ×2: −4',
      '1.2 扶贫工作室 ×2: −4',
      '1.3 扶贫工作会议 ×3: −6',
      '扣分池 1（20分）：共扣18分 → 得2分',
      '2.3.2 宣传方式 ×2: −5（不得分）（只有宣传栏）',
      '扣分池 2.3（10分）：共扣5分 → 得5分',
      '2.6.2 贫困户当年脱贫［张三］ ×1: −10',
      '扣分池 2.6（40分）：共扣10分 → 得30分',
      '4.1 先进做法、国省检排名靠前 ×1: +5',
      '4.2 市督查考评排名靠前 ×2: +8',
      '加分 4（上限10分）：记录加分13分 → 计10分',
    ]);
  });

  it('and in English', () => {
    const r = run(seed, [
      { item: '1.1', count: 2, element: 'plan' },
      { item: '1.2', count: 2 },
      { item: '1.3', count: 3 },
      { item: '1.1', count: 2 },
      { item: '2.6.2', household: 'Zhang San', note: 'moved away' },
      { item: '4.3' },
    ]);
    expect(lines(r, seed, 'en')).toEqual([
      '1.1 missing work plan ×2: −4',
      '1.1 Organisation and work plan ×2: −4',
      '1.2 Poverty-work office ×2: −4',
      '1.3 Regular meetings ×3: −6',
      'pool 1 (20): 18 deducted in all → 2',
      '2.6.2 Each household due to exit this year does [Zhang San] ×1: −10 (moved away)',
      'pool 2.6 (40): 10 deducted in all → 30',
      "4.3 Ranked high in the county's inspection ×1: +4",
      'bonus 4 (cap 10): +4 in all',
    ]);
  });

  it('a pool that runs out says so', () => {
    const r = run(seed, [{ item: '2.3.1', count: 7 }, { item: '2.3.2' }]);
    expect(lines(r, seed)).toEqual(['2.3.1 政策知晓 ×7: −7', '2.3.2 宣传方式 ×1: −5（不得分）', '扣分池 2.3（10分）：记录扣分12分，扣完10分为止，实扣10分 → 得0分']);
    expect(lines(r, seed, 'en').at(-1)).toBe('pool 2.3 (10): 12 recorded, capped at 10, 10 deducted → 0');
  });

  it('an all-or-nothing item recorded twice shows the second finding as −0, and a count of 0 is not shown', () => {
    const r = run(seed, [{ item: '3.1.1' }, { item: '3.1.1', count: 2 }, { item: '3.2.1', count: 0 }]);
    expect(lines(r, seed)).toEqual(['3.1.1 作战图 ×1: −6（不得分）', '3.1.1 作战图 ×2: −0', '扣分池 3.1（20分）：共扣6分 → 得14分']);
  });

  it('every line names its node and kind', () => {
    const r = run(seed, [{ item: '1.1' }, { item: '4.1' }]);
    expect(explain(r, seed)).toEqual([
      { code: '1.1', kind: 'finding', text: '1.1 组织机构和工作计划 ×1: −2' },
      { code: '1', kind: 'pool', text: '扣分池 1（20分）：共扣2分 → 得18分' },
      { code: '4.1', kind: 'bonus', text: '4.1 先进做法、国省检排名靠前 ×1: +5' },
      { code: '4', kind: 'bonus', text: '加分 4（上限10分）：共加5分' },
    ]);
  });
});

describe('purity', () => {
  it('does not change the findings or the scheme, and gives the same result twice', () => {
    const findings: Finding[] = [{ item: '1.1', count: 3 }, { item: '2.6.1' }, { item: '4.1' }];
    const before = JSON.stringify({ findings, seed });
    const a = run(seed, findings);
    const b = run(seed, findings);
    expect(JSON.stringify({ findings, seed })).toBe(before);
    expect(b).toEqual(a);
  });
});
