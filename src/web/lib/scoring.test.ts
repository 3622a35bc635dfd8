/** The browser's live score is the server's: the same engine on the same scheme. */
import { describe, expect, it } from 'vitest';
import text from '../../schemes/seed-2020.yaml?raw';
import { loadScheme } from '../../core/scheme/load.ts';
import { schemeToData } from '../../core/scheme/serialize.ts';
import { resultToJson, score } from '../../core/scoring/score.ts';
import { engineFindings, itemsOf, liveScore, schemeOfVersion, unitOf } from './scoring.ts';
import type { FindingRow } from './types.ts';

// The server loads the stored text; the browser builds the data of its answer (as JSON).
const serverScheme = loadScheme(text);
const scheme = schemeOfVersion(JSON.parse(JSON.stringify({ id: 1, scheme: schemeToData(serverScheme) })));

const row = (id: number, item: string, count: number, status: FindingRow['status'] = 'active', extra: Partial<FindingRow> = {}): FindingRow => ({
  id,
  assessmentId: 1,
  item,
  count,
  element: null,
  note: null,
  householdNo: null,
  person: null,
  source: 'inspector',
  suggestionId: null,
  appealId: null,
  supersedesId: null,
  status,
  createdAt: '2020-06-01T00:00:00Z',
  createdBy: 'inspector',
  withdrawnAt: null,
  withdrawnBy: null,
  withdrawReason: null,
  value: null,
  amount: null,
  part: null,
  ...extra,
});

describe('live score', () => {
  it('scores as the server does and explains in both languages', () => {
    const rows = [
      row(1, '1.1', 4),
      row(2, '1.2', 2),
      row(3, '1.3', 3),
      row(4, '2.3.1', 7),
      row(5, '2.3.2', 1, 'withdrawn'),
      row(6, '4.1', 1, 'active', { householdNo: '5224251002010001', note: '媒体报道' }),
    ];
    const unit = unitOf({ name: '石桥村', povertyVillage: true, plannedExitYear: 2020, exitYear: null, population: 2107 });
    const live = liveScore(scheme, unit, engineFindings(rows), 'zh');
    const server = resultToJson(score(serverScheme, unit, engineFindings(rows)));
    expect(live.json).toEqual(server);
    expect(live.json!.nodes['1']!.score).toBe(2);
    expect(live.json!.total).toBe(200 - 18 - 7 + 5);
    expect(live.lines.map((l) => l.text)).toContain('扣分池 1（20分）：共扣18分 → 得2分');
    expect(liveScore(scheme, unit, engineFindings(rows), 'en').lines.some((l) => l.text.startsWith('pool 1 (20)'))).toBe(true);
  });

  it('leaves withdrawn and superseded findings out', () => {
    const f = engineFindings([row(1, '1.1', 1), row(2, '1.1', 5, 'withdrawn'), row(3, '1.1', 2, 'superseded')]);
    expect(f).toEqual([{ item: '1.1', count: 1, id: '1' }]);
  });

  it('reports a finding the scheme refuses instead of throwing', () => {
    const notPoor = unitOf({ name: '青龙村', povertyVillage: false });
    const live = liveScore(scheme, notPoor, [{ item: '2.6.1', count: 1 }], 'zh');
    expect(live.json).toBeUndefined();
    expect(live.problems[0]).toMatchObject({ code: 'not-applicable' });
  });

  it("builds the scheme of a scheme-version answer: the server's own", () => {
    expect(scheme).toEqual(serverScheme);
    expect(itemsOf(scheme).map((i) => i.node.code)).toContain('2.6.2');
    const broken = schemeToData(serverScheme) as { sections: Array<{ code: string }> };
    broken.sections[1]!.code = broken.sections[0]!.code;
    expect(() => schemeOfVersion({ id: 7, scheme: broken })).toThrow(/^scheme version 7: .*duplicate-code/);
  });
});
