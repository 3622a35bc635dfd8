/** The phone's view of an assessment with its queue laid over it, and the version each queued change is sent on. */
import { describe, expect, it } from 'vitest';
import type { AssessmentDetail, FindingRow } from '../lib/types.ts';
import { applyChanges, localFindingId, newKey, photosIn, versionToSend, type Change, type ChangeBody } from './changes.ts';
import kindsText from '../../../test/fixtures/schemes/finding-kinds.yaml?raw';
import { loadScheme } from '../../core/scheme/load.ts';
import { score } from '../../core/scoring/score.ts';
import { engineFindings } from '../lib/scoring.ts';

const finding = (id: number, item: string): FindingRow => ({
  id,
  assessmentId: 7,
  item,
  count: 1,
  element: null,
  note: null,
  householdNo: null,
  person: null,
  source: 'inspector',
  suggestionId: null,
  appealId: null,
  supersedesId: null,
  status: 'active',
  createdAt: '2026-12-01T08:00:00.000Z',
  createdBy: 'insp2',
  withdrawnAt: null,
  withdrawnBy: null,
  withdrawReason: null,
  value: null,
  amount: null,
  part: null,
});

const detail = (): AssessmentDetail =>
  ({
    id: 7,
    campaignId: 1,
    campaign: '2020年度考核',
    village: { code: '520102001001', name: '甲村', township: '520102001', povertyVillage: true },
    status: 'draft',
    version: 5,
    comment: null,
    publishedAt: null,
    appealsUntil: null,
    scheme: { id: 'seed', version: 1 },
    findings: [finding(11, '1.1')],
    evidence: [],
    suggestions: [],
    appeals: [],
    checks: [],
    comments: [],
    progress: { done: 1, total: 4, left: ['1.2', '2.1', '2.2'], openSuggestions: 0 },
    score: { total: 198 },
    explanation: [],
  }) as unknown as AssessmentDetail;

let seq = 0;
const change = (body: ChangeBody, extra: Partial<Change> = {}): Change => ({
  seq: ++seq,
  key: newKey(),
  userId: 3,
  assessmentId: 7,
  baseVersion: 5,
  createdAt: '2026-12-02T09:00:00.000Z',
  body,
  state: 'pending',
  ...extra,
});

const photo = { sha256: 'a'.repeat(64), name: 'IMG_1.jpg', type: 'image/jpeg', size: 1234 };

describe('applyChanges', () => {
  it('shows queued adds as findings with negative ids, their photos from the phone, and counts the items as looked at', () => {
    const add = change({ kind: 'add', ref: 'r1', item: '1.2', count: 2, note: '缺少会议记录', photos: [photo] });
    const check = change({ kind: 'check', item: '2.1', checked: true });
    const view = applyChanges(detail(), [add, check], { username: 'insp1' }, (sha) => `blob:${sha.slice(0, 4)}`);
    const f = view.findings.find((x) => x.item === '1.2')!;
    expect(f).toMatchObject({ id: localFindingId(add), count: 2, note: '缺少会议记录', status: 'active', createdBy: 'insp1' });
    expect(f.id).toBeLessThan(0);
    expect(view.evidence).toEqual([expect.objectContaining({ findingId: f.id, sha256: photo.sha256, url: 'blob:aaaa', filename: 'IMG_1.jpg' })]);
    expect(view.checks.map((c) => c.item)).toEqual(['2.1']);
    expect(view.progress).toMatchObject({ done: 3, left: ['2.2'] });
    // The server's copy is not changed.
    expect(detail().findings).toHaveLength(1);
  });

  it('withdraws a server finding and a queued one named by its ref; takes a mark back', () => {
    const add = change({ kind: 'add', ref: 'r2', item: '2.2', count: 1, photos: [] });
    const view = applyChanges(
      { ...detail(), checks: [{ assessmentId: 7, item: '2.1', checkedBy: 'insp2', checkedAt: 'x' }] },
      [
        add,
        change({ kind: 'withdraw', finding: 11, reason: '重复记录' }),
        change({ kind: 'withdraw', finding: 'r2', reason: '记错了' }),
        change({ kind: 'check', item: '2.1', checked: false }),
      ],
      { username: 'insp1' },
    );
    expect(view.findings.map((f) => [f.item, f.status, f.withdrawReason])).toEqual([
      ['1.1', 'withdrawn', '重复记录'],
      ['2.2', 'withdrawn', '记错了'],
    ]);
    expect(view.checks).toEqual([]);
  });

  it('does not show an add twice once the server holds it, nor a refused change, nor another assessment`s', () => {
    const sent = change({ kind: 'add', ref: 'r3', item: '1.1', count: 1, photos: [photo] }, { state: 'synced', findingId: 11 });
    const refused = change({ kind: 'add', ref: 'r4', item: '1.2', count: 1, photos: [] }, { state: 'refused' });
    const other = change({ kind: 'add', ref: 'r5', item: '1.2', count: 1, photos: [] }, { assessmentId: 8 });
    const view = applyChanges(detail(), [sent, refused, other], { username: 'insp1' });
    expect(view.findings.map((f) => f.id)).toEqual([11]);
    // The photo still on its way shows on the server's finding.
    expect(view.evidence.map((e) => e.findingId)).toEqual([11]);
  });

  it('adds photos to a finding already on the server', () => {
    const view = applyChanges(detail(), [change({ kind: 'photos', finding: 11, photos: [photo, { ...photo, sha256: 'b'.repeat(64) }] })], { username: 'insp1' });
    expect(view.evidence.map((e) => [e.findingId, e.sha256[0]])).toEqual([
      [11, 'a'],
      [11, 'b'],
    ]);
    expect(photosIn([change({ kind: 'photos', finding: 11, photos: [photo] })])).toEqual(new Set([photo.sha256]));
  });
});

describe("applyChanges with issue 18's kinds", () => {
  it('carries a measured value, a range amount with its reason and a part unchanged; a new value supersedes the one shown; the phone scores as the server', () => {
    const server = { ...detail(), findings: [{ ...finding(11, '1.1'), value: { num: 93, of: 100 } }] };
    const view = applyChanges(
      server,
      [
        change({ kind: 'add', ref: 'v1', item: '1.1', count: 1, value: { percent: 95.5 }, photos: [] }),
        change({ kind: 'add', ref: 'v2', item: '1.2', count: 1, value: { num: { satisfied: 80, basic: 10 }, of: 100 }, photos: [] }),
        change({ kind: 'add', ref: 'r1', item: '2.2', count: 2, amount: 1.5, note: '两户档案缺收入台账', photos: [] }),
        change({ kind: 'add', ref: 'p1', item: '2.1', count: 1, part: 'b', photos: [] }),
      ],
      { username: 'insp1' },
    );
    expect(view.findings.map((f) => [f.item, f.status, f.value, f.amount, f.part, f.note])).toEqual([
      ['1.1', 'superseded', { num: 93, of: 100 }, null, null, null],
      ['1.1', 'active', { percent: 95.5 }, null, null, null],
      ['1.2', 'active', { num: { satisfied: 80, basic: 10 }, of: 100 }, null, null, null],
      ['2.2', 'active', null, 1.5, null, '两户档案缺收入台账'],
      ['2.1', 'active', null, null, 'b', null],
    ]);
    expect(view.findings[1]!.supersedesId).toBe(11);
    // The browser's engine on the rows as shown gives what the server computes from what it stores (hundredths).
    const scheme = loadScheme(kindsText);
    const phone = score(scheme, { name: '甲村' }, engineFindings(view.findings)).total;
    const stored = score(scheme, { name: '甲村' }, [
      { item: '1.1', count: 1, value: { percent: 9550 } },
      { item: '1.2', count: 1, value: { num: { satisfied: 80, basic: 10 }, of: 100 } },
      { item: '2.2', count: 2, amount: 150, note: '两户档案缺收入台账' },
      { item: '2.1', count: 1, part: 'b' },
    ]).total;
    // 100 − 2.5 (95.5%: 5 steps of 0.5) − 3 (17 of 20) − 3 (2 × 1.5) − 1 (part b).
    expect([phone, stored]).toEqual([9050, 9050]);
  });
});

describe('versionToSend', () => {
  it('follows the versions the phone`s own changes made, and nothing else', () => {
    expect(versionToSend(5, {})).toBe(5);
    expect(versionToSend(5, { 5: 6, 6: 7, 7: 8 })).toBe(8);
    expect(versionToSend(9, { 5: 6 })).toBe(9);
    // A circular map (never written by the queue) does not hang.
    expect(versionToSend(1, { 1: 2, 2: 1 })).toBeTypeOf('number');
  });

  it('makes version-4 UUIDs as keys', () => {
    const keys = new Set(Array.from({ length: 50 }, newKey));
    expect(keys.size).toBe(50);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
