import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScheme } from '../scheme/load.ts';
import { walk, type SchemeNode } from '../scheme/model.ts';
import { score, type Finding, type ScoreResult, type Unit } from './score.ts';

const seed = loadScheme(readFileSync(new URL('../../schemes/seed-2020.yaml', import.meta.url), 'utf8'));

const items: SchemeNode[] = [];
const bonusSectionOf = new Map<string, SchemeNode>();
walk(seed, (node, ancestors) => {
  if (node.rule) items.push(node);
  const top = ancestors[0] ?? node;
  if (top.bonus) bonusSectionOf.set(node.code, top);
});

const RUNS = { numRuns: 200 };

/** A unit whose povertyVillage is true, false or absent. */
const unitArb: fc.Arbitrary<Unit> = fc
  .option(fc.boolean(), { nil: undefined })
  .map((pv) => (pv === undefined ? { name: 'u', attributes: {} } : { name: 'u', attributes: { povertyVillage: pv } }));

/** Items that may be recorded for the unit: 2.6.1 only for a poverty village. */
function itemsFor(unit: Unit): SchemeNode[] {
  return items.filter((n) => !n.appliesIf || unit.attributes?.povertyVillage === true);
}

function findingArb(unit: Unit, maxCount = 6): fc.Arbitrary<Finding> {
  return fc
    .constantFrom(...itemsFor(unit))
    .chain((node) =>
      fc.record({
        item: fc.constant(node.code),
        count: fc.integer({ min: 0, max: maxCount }),
        element: node.checklist ? fc.option(fc.constantFrom(...node.checklist.map((e) => e.code)), { nil: undefined }) : fc.constant(undefined),
      }),
    )
    .map((f) => (f.element === undefined ? { item: f.item, count: f.count } : f));
}

const caseArb = unitArb.chain((unit) => fc.tuple(fc.constant(unit), fc.array(findingArb(unit), { maxLength: 30 })));

/** Every number of a result, without the per-finding lists (which follow the findings' order). */
function numbers(r: ScoreResult) {
  const nodes: Record<string, unknown> = {};
  for (const code of r.order) {
    const { deductions: _d, ...rest } = r.nodes[code]!;
    nodes[code] = rest;
  }
  return { base: r.base, bonus: r.bonus, total: r.total, max: r.max, bonusMax: r.bonusMax, percent: r.percent, grade: r.grade, veto: r.veto, nodes };
}

describe('scoring the seed scheme, for any findings', () => {
  it('keeps every node within [0, max], the base within [0, max] and the bonus within [0, bonusMax]', () => {
    fc.assert(
      fc.property(caseArb, ([unit, findings]) => {
        const r = score(seed, unit, findings);
        expect(r.max).toBe(20000);
        expect(r.bonusMax).toBe(1000);
        expect(r.base).toBeGreaterThanOrEqual(0);
        expect(r.base).toBeLessThanOrEqual(r.max);
        expect(r.bonus).toBeGreaterThanOrEqual(0);
        expect(r.bonus).toBeLessThanOrEqual(r.bonusMax);
        expect(r.total).toBe(r.base + r.bonus);
        expect(r.percent).toBe(Math.round((r.base * 10000) / r.max));
        for (const code of r.order) {
          const n = r.nodes[code]!;
          const integers = [n.max, n.score, n.deducted, n.deductedRaw, n.added ?? 0, n.addedRaw ?? 0];
          for (const v of integers) expect(Number.isSafeInteger(v), code).toBe(true);
          expect(n.score, code).toBeGreaterThanOrEqual(0);
          expect(n.deducted, code).toBeLessThanOrEqual(n.deductedRaw);
          const bonusSection = bonusSectionOf.get(code);
          if (bonusSection) {
            // A bonus item without points of its own has max 0 (no cap of its own): its cap is its section's.
            expect(n.score, code).toBeLessThanOrEqual(n.max > 0 ? n.max : bonusSection.points!);
            expect(n.added, code).toBe(n.score);
            expect(n.added!, code).toBeLessThanOrEqual(n.addedRaw!);
          } else {
            expect(n.score, code).toBeLessThanOrEqual(n.max);
            if (n.kind === 'section') {
              // A section's deductions never go past its points: every item of the seed draws on a pool.
              expect(n.deducted, code).toBeLessThanOrEqual(n.max);
              expect(n.score, code).toBe(n.max - n.deducted);
            }
          }
        }
        // The top-level sections make up the base and the bonus.
        expect(r.nodes['1']!.score + r.nodes['2']!.score + r.nodes['3']!.score).toBe(r.base);
        expect(r.nodes['4']!.score).toBe(r.bonus);
      }),
      RUNS,
    );
  });

  it('adding a finding never raises the base, nor any section’s score', () => {
    const arb = unitArb.chain((unit) => fc.tuple(fc.constant(unit), fc.array(findingArb(unit), { maxLength: 25 }), findingArb(unit)));
    fc.assert(
      fc.property(arb, ([unit, findings, extra]) => {
        const before = score(seed, unit, findings);
        const after = score(seed, unit, [...findings, extra]);
        expect(after.base).toBeLessThanOrEqual(before.base);
        expect(after.bonus).toBeGreaterThanOrEqual(before.bonus);
        for (const code of before.order) {
          if (before.nodes[code]!.kind !== 'section' || bonusSectionOf.has(code)) continue;
          expect(after.nodes[code]!.score, code).toBeLessThanOrEqual(before.nodes[code]!.score);
        }
      }),
      RUNS,
    );
  });

  it('permuting the findings changes no number', () => {
    const arb = caseArb.chain(([unit, findings]) =>
      fc.tuple(fc.constant(unit), fc.constant(findings), fc.shuffledSubarray(findings, { minLength: findings.length, maxLength: findings.length })),
    );
    fc.assert(
      fc.property(arb, ([unit, findings, shuffled]) => {
        expect(numbers(score(seed, unit, shuffled))).toEqual(numbers(score(seed, unit, findings)));
      }),
      RUNS,
    );
  });

  it('splitting a count across several findings on the same item changes no number', () => {
    // Each entry: an item and the parts its count is split into.
    const arb = unitArb.chain((unit) =>
      fc.tuple(
        fc.constant(unit),
        fc.array(fc.tuple(fc.constantFrom(...itemsFor(unit).map((n) => n.code)), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 })), {
          maxLength: 15,
        }),
      ),
    );
    fc.assert(
      fc.property(arb, ([unit, entries]) => {
        const whole: Finding[] = entries.map(([item, parts]) => ({ item, count: parts.reduce((a, b) => a + b, 0) }));
        const split: Finding[] = entries.flatMap(([item, parts]) => parts.map((count) => ({ item, count })));
        expect(numbers(score(seed, unit, split))).toEqual(numbers(score(seed, unit, whole)));
      }),
      RUNS,
    );
  });

  it('gives 2.6.1 findings to poverty villages only', () => {
    fc.assert(
      fc.property(unitArb, fc.integer({ min: 1, max: 3 }), (unit, count) => {
        const run = () => score(seed, unit, [{ item: '2.6.1', count }]);
        if (unit.attributes?.povertyVillage === true) expect(run().nodes['2.6']!.score).toBe(4000 - Math.min(4000, count * 2000));
        else expect(run).toThrow(/does not apply to this unit/);
      }),
      RUNS,
    );
  });
});
