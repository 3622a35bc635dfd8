/** The readings of issue 17 (docs/derivation.md), on hand-made records. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DIR, builtinScheme } from '../../schemes/index.ts';
import { loadDeriveConfig } from './config.ts';
import { deriveSuggestions } from './derive.ts';
import type { VillageRecords } from './types.ts';

const seed = builtinScheme('seed-2020');
const config = loadDeriveConfig(readFileSync(`${BUILTIN_DIR}/seed-2020.derive.yaml`, 'utf8'), { scheme: seed });
const YEAR = { year: 2020, from: '2020-01-01', to: '2020-12-31' };
const h1 = {
  id: 1,
  household_no: 'H1',
  head_name: '张三',
  head_id_number: '522425196805120035',
  size: 3,
  workers: 2,
  attribute: 'a',
  main_cause: 'c',
  status: 'poor',
  planned_exit_year: null,
  exit_year: null,
  income_fen: 100,
  phone: null,
};
const empty = (change: Partial<VillageRecords> = {}): VillageRecords => ({
  village: { code: 'V', name: '石桥村', poverty_village: 0, planned_exit_year: null, exit_year: null },
  households: [h1],
  householdSources: [],
  helperAssignments: [],
  teamMembers: [],
  visits: [],
  meetings: [],
  dutyDays: [],
  meetingAttendance: [],
  reports: [],
  surveys: [],
  students: [],
  petitions: [],
  leaderDuties: [],
  ...change,
});
const of = (item: string, r: VillageRecords) => deriveSuggestions(config, seed, r, YEAR).filter((s) => s.item === item);

describe('issue 17 readings', () => {
  it('2.4.1: duty days below 20 are one note per person, count 0', () => {
    const dutyDays = [1, 2, 3].map((m) => ({ id: m, person_name: '李四', person_id_number: '522425198001010016', month: `2020-0${m}`, days: 12 }));
    const out = of('2.4.1', empty({ dutyDays }));
    expect(out).toHaveLength(1);
    expect(out[0]!.count).toBe(0);
    expect(out[0]!.summary.zh).toContain('不扣分');
  });
  it('1.3: a month with missed weeks counts once by default', () => {
    // One leader meeting in the year (2020-W02): every month has weeks without one, and counts once.
    const out = of('1.3', empty({ meetings: [{ id: 1, kind: 'leader', date: '2020-01-07', has_minutes: 1, topic: null }] })).filter((s) => s.element === 'weekly-meeting');
    expect(out).toHaveLength(12);
    expect(out.every((s) => s.count === 1)).toBe(true);
  });
  it('1.3: no meeting entered at all is a note for each kind, no deduction (records never entered)', () => {
    const out = of('1.3', empty({ meetings: [] }));
    expect(out.map((s) => [s.key, s.count])).toEqual([
      ['1.3:leader-meetings:no-records', 0],
      ['1.3:topic-meetings:no-records', 0],
    ]);
  });
  it('2.2.1: a value wrong in the handbook and the collection form is one error', () => {
    const src = (source: 'handbook' | 'collection-form', id: number) => ({ ...h1, id, source, size: 4 });
    const out = of('2.2.1', empty({ householdSources: [src('handbook', 1), src('collection-form', 2)] }));
    expect(out).toHaveLength(1);
    expect(out[0]!.records).toHaveLength(3);
  });
  it('2.3.1: one case per household, not per answer', () => {
    const surveys = ['a', 'b', 'c'].map((topic, i) => ({ id: i, household_id: 1, kind: 'awareness' as const, date: '2020-10-01', respondent: '张三', topic, answer: 'unaware' }));
    expect(of('2.3.1', empty({ surveys })).map((s) => s.count)).toEqual([1]);
  });
  it('3.5.1: handled petitions not over the county are none; unhandled is a note; over the county deducts', () => {
    const p = (id: number, over: number, handled: number) => ({
      id,
      household_id: 1,
      date: '2020-05-0' + id,
      kind: 'petition' as const,
      over_county: over,
      handled,
      summary: 's' + id,
    });
    expect(of('3.5.1', empty({ petitions: [p(1, 0, 1), p(2, 0, 0), p(3, 1, 1)] })).map((s) => s.count)).toEqual([0, 1]);
  });
  it('3.2.1: a report never sent is not late by default', () => {
    const r = (id: number, status: 'late' | 'missing') => ({ id, title: 't' + id, deadline: '2020-05-05', submitted_date: null, status });
    expect(of('3.2.1', empty({ reports: [r(1, 'late'), r(2, 'missing')] }))).toHaveLength(1);
  });
  it('3.1.3: a missing review form of a 2020 exit, once per kind of paper', () => {
    const publicity = (['application', 'first-publication', 'second-publication', 'announcement'] as const).map((stage, i) => ({
      id: i,
      household_id: 1,
      procedure: 'exit' as const,
      stage,
      date: '2020-09-01',
      reference: null,
    }));
    const out = of('3.1.3', empty({ households: [{ ...h1, exit_year: 2020 }], publicity }));
    expect(out.map((s) => s.element)).toEqual(['review']);
  });
  it('3.1.3: a village whose registry holds no publicity record at all gets a note, not a deduction', () => {
    const out = of('3.1.3', empty({ households: [{ ...h1, exit_year: 2020 }], publicity: [] }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ key: '3.1.3:papers:no-records', count: 0 });
    expect(out[0]!.summary.zh).toContain('不扣分');
  });
  it('2.5.4: a village whose registry holds no visit at all gets a note; one visit recorded, and the shortfalls deduct', () => {
    const helperAssignments = [{ id: 1, household_id: 1, start_date: '2020-01-01', end_date: null, helper_name: '陈帮扶' }];
    const none = of('2.5.4', empty({ helperAssignments, visits: [] }));
    expect(none).toHaveLength(1);
    expect(none[0]).toMatchObject({ key: '2.5.4:home-visits:no-records', count: 0 });
    const one = of('2.5.4', empty({ helperAssignments, visits: [{ id: 1, household_id: 1, visitor_role: 'helper', visitor_name: '陈帮扶', date: '2020-01-10' }] }));
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ key: '2.5.4:home-visits', count: 1 });
  });
});
