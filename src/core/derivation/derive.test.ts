import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinScheme } from '../../schemes/index.ts';
import { KaoheError } from '../errors.ts';
import { Random } from '../random.ts';
import { walk, type Scheme } from '../scheme/model.ts';
import { DeriveConfigError, loadDeriveConfig, type DeriveConfig, type DeriveRules, type RuleName } from './config.ts';
import { deriveSuggestions } from './derive.ts';
import { score } from '../scoring/score.ts';
import type {
  AttendanceRow,
  DutyDayRow,
  HelperAssignmentRow,
  HouseholdRow,
  HouseholdSource,
  MeetingRow,
  PetitionRow,
  ReportRow,
  StudentRow,
  Suggestion,
  SurveyRow,
  TeamMemberRow,
  VillageRecords,
  VisitRow,
} from './types.ts';

const seed = builtinScheme('seed-2020');
const SEED_CONFIG = loadDeriveConfig(readFileSync(new URL('../../schemes/seed-2020.derive.yaml', import.meta.url), 'utf8'), { scheme: seed });
const YEAR = { year: 2020, from: '2020-01-01', to: '2020-12-31' };

/** The seed configuration with only the named rules switched on (optionally changed). */
function only<K extends RuleName>(name: K, change: Partial<NonNullable<DeriveRules[K]>> = {}): DeriveConfig {
  return { scheme: 'seed-2020', rules: { [name]: { ...SEED_CONFIG.rules[name]!, ...change } } };
}

// ---------------------------------------------------------------------------------------
// Hand-made records.

const HEAD_ID = '522425196805120035';
const MEMBER_ID = '522425198001010016';

function village(change: Partial<VillageRecords['village']> = {}): VillageRecords['village'] {
  return { code: '522425101001', name: '石桥村', poverty_village: 1, planned_exit_year: 2020, exit_year: 2020, ...change };
}

function household(id: number, change: Partial<HouseholdRow> = {}): HouseholdRow {
  return {
    id,
    household_no: `5224251010010${String(id).padStart(2, '0')}`,
    head_name: `户主${id}`,
    head_id_number: HEAD_ID,
    size: 4,
    workers: 2,
    attribute: 'general',
    main_cause: 'illness',
    status: 'not-exited',
    planned_exit_year: null,
    exit_year: null,
    income_fen: 523050,
    phone: '13800000000',
    ...change,
  };
}

function records(change: Partial<VillageRecords> = {}): VillageRecords {
  return {
    village: village(),
    households: [],
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
  };
}

let nextId = 1000;
const meeting = (kind: MeetingRow['kind'], date: string, has_minutes = 1, topic: string | null = '产业扶贫'): MeetingRow => ({ id: nextId++, kind, date, has_minutes, topic });

function source(h: HouseholdRow, kind: HouseholdSource['source'], change: Partial<HouseholdSource> = {}): HouseholdSource {
  const { household_no, head_name, head_id_number, size, workers, attribute, main_cause, status, income_fen, phone } = h;
  return { id: nextId++, household_no, source: kind, head_name, head_id_number, size, workers, attribute, main_cause, status, income_fen, phone, ...change };
}

const survey = (household_id: number, kind: SurveyRow['kind'], answer: string, date = '2020-09-15', respondent = '王大山', topic = '健康扶贫'): SurveyRow => ({
  id: nextId++,
  household_id,
  kind,
  date,
  respondent,
  topic,
  answer,
});

const member = (name: string, id_number: string, change: Partial<TeamMemberRow> = {}): TeamMemberRow => ({ id: nextId++, name, id_number, is_leader: 0, ...change });
const duty = (person_name: string, person_id_number: string, month: string, days: number): DutyDayRow => ({ id: nextId++, person_name, person_id_number, month, days });
const assignment = (household_id: number, start_date: string, end_date: string | null = null, helper_name = '李帮扶'): HelperAssignmentRow => ({
  id: nextId++,
  household_id,
  start_date,
  end_date,
  helper_name,
});
const visit = (household_id: number, visitor_role: VisitRow['visitor_role'], date: string, visitor_name = visitor_role === 'helper' ? '李帮扶' : '张队长'): VisitRow => ({
  id: nextId++,
  household_id,
  visitor_role,
  visitor_name,
  date,
});
const student = (household_id: number, change: Partial<StudentRow> = {}): StudentRow => ({
  id: nextId++,
  household_id,
  name: '王小军',
  school_year: 2020,
  eligible: 1,
  notified: 1,
  applied: 1,
  ...change,
});
const report = (title: string, deadline: string, status: ReportRow['status']): ReportRow => ({
  id: nextId++,
  title,
  deadline,
  submitted_date: status === 'missing' ? null : deadline,
  status,
});
const attendance = (date: string, person_name: string, status: AttendanceRow['status']): AttendanceRow => ({
  id: nextId++,
  meeting: '全县脱贫攻坚推进会',
  organiser: '县扶贫办',
  date,
  person_name,
  status,
});
const petition = (date: string, change: Partial<PetitionRow> = {}): PetitionRow => ({
  id: nextId++,
  household_id: null,
  date,
  kind: 'petition',
  over_county: 0,
  handled: 1,
  summary: '对低保评定有异议',
  ...change,
});

/** Every helper visit (4) and leader visit (1) a household needs in a month. */
function fullMonthOfVisits(household_id: number, month: string, helper = '李帮扶'): VisitRow[] {
  return [
    visit(household_id, 'helper', `${month}-03`, helper),
    visit(household_id, 'helper', `${month}-10`, helper),
    visit(household_id, 'helper', `${month}-17`, helper),
    visit(household_id, 'helper', `${month}-24`, helper),
    visit(household_id, 'leader', `${month}-25`),
  ];
}

const keys = (s: Suggestion[]) => s.map((x) => x.key);

// ---------------------------------------------------------------------------------------

describe('1.3 topic meetings', () => {
  const config = only('topicMeetings');

  it('suggests every month of the year without a topic meeting, on the monthly-meeting element', () => {
    const out = deriveSuggestions(config, seed, records({ meetings: [meeting('topic', '2020-01-10')] }), YEAR);
    expect(out).toHaveLength(11);
    expect(out[1]).toEqual({
      item: '1.3',
      key: '1.3:monthly-meeting:2020-03',
      count: 1,
      element: 'monthly-meeting',
      summary: { zh: '2020年3月无扶贫专题会议', en: 'No topic meeting in 2020-03' },
      records: [{ table: 'meetings', label: '2020-03-01 至 2020-03-31：无扶贫专题会议记录' }],
    });
  });

  it('counts a meeting on the first or the last day in its own month only', () => {
    const out = deriveSuggestions(config, seed, records({ meetings: [meeting('topic', '2020-03-31'), meeting('topic', '2020-05-01')] }), YEAR);
    expect(keys(out)).not.toContain('1.3:monthly-meeting:2020-03');
    expect(keys(out)).not.toContain('1.3:monthly-meeting:2020-05');
    expect(keys(out)).toContain('1.3:monthly-meeting:2020-04');
    expect(out).toHaveLength(10);
  });

  it('does not count a team-leader meeting as a topic meeting', () => {
    const out = deriveSuggestions(config, seed, records({ meetings: [meeting('topic', '2020-01-10'), meeting('leader', '2020-03-10')] }), YEAR);
    expect(keys(out)).toContain('1.3:monthly-meeting:2020-03');
  });

  it('notes, without a deduction, a period whose registry holds no topic meeting at all (records never entered)', () => {
    // A leader meeting, or a topic meeting outside the period, is no topic meeting entered for it.
    const out = deriveSuggestions(config, seed, records({ meetings: [meeting('leader', '2020-03-10'), meeting('topic', '2019-12-10')] }), YEAR);
    expect(out).toEqual([
      {
        item: '1.3',
        key: '1.3:topic-meetings:no-records',
        count: 0,
        element: 'monthly-meeting',
        summary: {
          zh: '【提示，不扣分】登记中没有本村的扶贫专题会议记录（应核对12项）：无法据登记判断，请查阅纸质台账',
          en: 'Note, no deduction: the registry holds no topic meeting records for this village (12 to check): the requirement cannot be judged from the registry; read the paper records',
        },
        records: [],
      },
    ]);
  });

  it('suggests a month whose topic meetings all lack minutes, on the minutes element, listing them', () => {
    const a = meeting('topic', '2020-03-20', 0, '危房改造');
    const b = meeting('topic', '2020-03-05', 0, null);
    const out = deriveSuggestions(config, seed, records({ meetings: [a, b] }), { year: 2020, from: '2020-03-01', to: '2020-03-31' });
    expect(out).toEqual([
      {
        item: '1.3',
        key: '1.3:minutes:2020-03',
        count: 1,
        element: 'minutes',
        summary: { zh: '2020年3月的扶贫专题会议均无会议记录', en: 'No minutes of any topic meeting in 2020-03' },
        records: [
          { table: 'meetings', id: b.id, label: '2020-03-05 扶贫专题会议：无会议记录' },
          { table: 'meetings', id: a.id, label: '2020-03-20 扶贫专题会议「危房改造」：无会议记录' },
        ],
      },
    ]);
  });

  it('is content with one meeting of the month that has minutes', () => {
    const out = deriveSuggestions(config, seed, records({ meetings: [meeting('topic', '2020-03-05', 0), meeting('topic', '2020-03-20', 1)] }), {
      year: 2020,
      from: '2020-03-01',
      to: '2020-03-31',
    });
    expect(out).toEqual([]);
  });

  it('checks only the months wholly inside the period', () => {
    const january = records({ meetings: [meeting('topic', '2020-01-20')] });
    const out = deriveSuggestions(config, seed, january, { year: 2020, from: '2020-01-15', to: '2020-04-29' });
    expect(keys(out)).toEqual(['1.3:monthly-meeting:2020-02', '1.3:monthly-meeting:2020-03']);
    // February of a leap year ends on the 29th.
    expect(keys(deriveSuggestions(config, seed, january, { year: 2020, from: '2020-01-15', to: '2020-02-29' }))).toEqual(['1.3:monthly-meeting:2020-02']);
    expect(deriveSuggestions(config, seed, january, { year: 2020, from: '2020-01-15', to: '2020-02-28' })).toEqual([]);
  });

  it('names no element when the configuration names none', () => {
    const out = deriveSuggestions({ scheme: 'seed-2020', rules: { topicMeetings: { item: '1.3' } } }, seed, records(), { year: 2020, from: '2020-03-01', to: '2020-03-31' });
    expect(out).toHaveLength(1);
    expect(out[0]).not.toHaveProperty('element');
  });
});

describe('1.3 weekly team-leader meetings', () => {
  const config = only('leaderMeetings', { per: 'week' });

  it('suggests each ISO week wholly inside the year without a leader meeting: 2020-W02 to 2020-W52', () => {
    // One meeting, in 2020-W01, which began in 2019 and is not checked.
    const out = deriveSuggestions(config, seed, records({ meetings: [meeting('leader', '2020-01-02')] }), YEAR);
    // 2020-01-01 is a Wednesday (W01 began in 2019) and W53 ends on 2021-01-03.
    expect(out).toHaveLength(51);
    expect(out[0]).toEqual({
      item: '1.3',
      key: '1.3:weekly-meeting:2020-W02',
      count: 1,
      element: 'weekly-meeting',
      summary: {
        zh: '2020年第2周（2020-01-06 至 2020-01-12）无工作队长碰头会（每缺一周计一次）',
        en: 'No team-leader meeting in week 2020-W02 (2020-01-06 to 2020-01-12); each week missed counts once',
      },
      records: [{ table: 'meetings', label: '工作队长碰头会记录：2020-01-06 至 2020-01-12 无' }],
    });
    expect(out[50]!.key).toBe('1.3:weekly-meeting:2020-W52');
    expect(out[50]!.summary.en).toContain('2020-12-21 to 2020-12-27');
  });

  it('counts a meeting on Sunday for its week, and one on Monday for the next', () => {
    const period = { year: 2020, from: '2020-01-06', to: '2020-01-19' };
    expect(keys(deriveSuggestions(config, seed, records({ meetings: [meeting('leader', '2020-01-12')] }), period))).toEqual(['1.3:weekly-meeting:2020-W03']);
    expect(keys(deriveSuggestions(config, seed, records({ meetings: [meeting('leader', '2020-01-13')] }), period))).toEqual(['1.3:weekly-meeting:2020-W02']);
    expect(keys(deriveSuggestions(config, seed, records({ meetings: [meeting('leader', '2020-01-06'), meeting('leader', '2020-01-19')] }), period))).toEqual([]);
  });

  it('does not count a topic meeting as a leader meeting', () => {
    // The leader meeting on Sunday 2020-01-05 is in W01, not checked (it began in 2019).
    const out = deriveSuggestions(config, seed, records({ meetings: [meeting('leader', '2020-01-05'), meeting('topic', '2020-01-08')] }), {
      year: 2020,
      from: '2020-01-05',
      to: '2020-01-12',
    });
    expect(keys(out)).toEqual(['1.3:weekly-meeting:2020-W02']);
  });

  it('notes, without a deduction, a period whose registry holds no leader meeting at all (records never entered)', () => {
    const out = deriveSuggestions(config, seed, records({ meetings: [meeting('topic', '2020-01-08')] }), YEAR);
    expect(keys(out)).toEqual(['1.3:leader-meetings:no-records']);
    expect(out[0]!.count).toBe(0);
    expect(out[0]!.summary.zh).toBe('【提示，不扣分】登记中没有本村的工作队长碰头会记录（应核对51项）：无法据登记判断，请查阅纸质台账');
  });

  it('checks a week only when all seven days are in the period', () => {
    // A meeting on a day of a week the period cuts: entered, but its week is not checked.
    const sunday = records({ meetings: [meeting('leader', '2020-01-05')] });
    expect(keys(deriveSuggestions(config, seed, sunday, { year: 2020, from: '2020-01-05', to: '2020-01-12' }))).toEqual(['1.3:weekly-meeting:2020-W02']);
    expect(deriveSuggestions(config, seed, sunday, { year: 2020, from: '2020-01-05', to: '2020-01-11' })).toEqual([]);
    const tuesday = records({ meetings: [meeting('leader', '2020-01-07')] });
    expect(keys(deriveSuggestions(config, seed, tuesday, { year: 2020, from: '2020-01-07', to: '2020-01-19' }))).toEqual(['1.3:weekly-meeting:2020-W03']);
  });

  it('names weeks by their ISO year across the new year', () => {
    // Each period starts on a Sunday with a meeting, in the week before the one checked.
    const from = (date: string, year: number, to: string) => keys(deriveSuggestions(config, seed, records({ meetings: [meeting('leader', date)] }), { year, from: date, to }));
    expect(from('2020-12-27', 2020, '2021-01-03')).toEqual(['1.3:weekly-meeting:2020-W53']);
    expect(from('2018-12-30', 2019, '2019-01-06')).toEqual(['1.3:weekly-meeting:2019-W01']);
    expect(from('2021-01-03', 2021, '2021-01-10')).toEqual(['1.3:weekly-meeting:2021-W01']);
  });
});

describe('2.2.1 system records agree with the handbook and the collection form', () => {
  const config = only('recordsAgree');
  const h = household(1);

  it('suggests each differing field, per household and field, naming the field in Chinese', () => {
    const hb = source(h, 'handbook', { size: 5 });
    const out = deriveSuggestions(config, seed, records({ households: [h], householdSources: [hb, source(h, 'collection-form')] }), YEAR);
    expect(out).toEqual([
      {
        item: '2.2.1',
        key: `2.2.1:records-agree:${h.household_no}:size`,
        count: 1,
        household: h.household_no,
        summary: {
          zh: `户 ${h.household_no}（户主 户主1）家庭人口数：系统 4，扶贫手册 5（一处错误）`,
          en: `Household ${h.household_no}: household size: system 4, handbook 5 (one error)`,
        },
        records: [
          { table: 'households', id: 1, label: `户 ${h.household_no} 系统记录：家庭人口数 4` },
          { table: 'household_sources', id: hb.id, label: `户 ${h.household_no} 扶贫手册：家庭人口数 5` },
        ],
      },
    ]);
  });

  it('counts a value wrong in the handbook and the collection form alike once, listing both sources', () => {
    const hb = source(h, 'handbook', { size: 5 });
    const cf = source(h, 'collection-form', { size: 6 });
    const out = deriveSuggestions(config, seed, records({ households: [h], householdSources: [cf, hb] }), YEAR);
    expect(keys(out)).toEqual([`2.2.1:records-agree:${h.household_no}:size`]);
    expect(out[0]!.count).toBe(1);
    expect(out[0]!.summary.zh).toBe(`户 ${h.household_no}（户主 户主1）家庭人口数：系统 4，信息采集表 6，扶贫手册 5（一处错误）`);
    expect(out[0]!.records.map((r) => r.id)).toEqual([1, cf.id, hb.id]);
  });

  it('compares trimmed text and numbers: spaces, number-as-text and the case of X are no difference', () => {
    const hx = household(2, { head_id_number: '52242519680512003X' });
    const same = source(hx, 'handbook', {
      head_name: '  户主2 ',
      head_id_number: ' 52242519680512003x',
      size: '4' as unknown as number,
      phone: '13800000000 ',
    });
    expect(deriveSuggestions(config, seed, records({ households: [hx], householdSources: [same] }), YEAR)).toEqual([]);
  });

  it('counts an empty field against a filled one, but not two empty ones', () => {
    const hw = household(3, { workers: null, phone: null });
    const src = source(hw, 'collection-form', { workers: 2, phone: '' });
    const out = deriveSuggestions(config, seed, records({ households: [hw], householdSources: [src] }), YEAR);
    expect(out.map((s) => s.summary.zh)).toEqual([`户 ${hw.household_no}（户主 户主3）劳动力人数：系统 空，信息采集表 2（一处错误）`]);
    const back = deriveSuggestions(config, seed, records({ households: [household(3)], householdSources: [source(household(3), 'handbook', { workers: null })] }), YEAR);
    expect(back.map((s) => s.summary.en)).toEqual([`Household ${household(3).household_no}: workers: system 2, handbook empty (one error)`]);
  });

  it('shows income in yuan and codes as they are', () => {
    const out = deriveSuggestions(config, seed, records({ households: [h], householdSources: [source(h, 'handbook', { income_fen: 480000, main_cause: 'disability' })] }), YEAR);
    // In key order: income_fen before main_cause.
    expect(out.map((s) => s.summary.zh)).toEqual([
      `户 ${h.household_no}（户主 户主1）人均纯收入（元）：系统 5230.50，扶贫手册 4800.00（一处错误）`,
      `户 ${h.household_no}（户主 户主1）主要致贫原因：系统 illness，扶贫手册 disability（一处错误）`,
    ]);
  });

  it('never puts a full ID number in a summary, a label or a key: it masks them and says where they differ', () => {
    const other = '522425196805120053';
    const src = source(h, 'handbook', { head_id_number: other });
    const out = deriveSuggestions(config, seed, records({ households: [h], householdSources: [src] }), YEAR);
    expect(out).toHaveLength(1);
    expect(out[0]!.summary.zh).toBe(`户 ${h.household_no}（户主 户主1）户主身份证号：系统 522425********0035，扶贫手册 522425********0053（一处错误）`);
    expect(out[0]!.summary.en).toContain('system 522425********0035, handbook 522425********0053');
    const text = JSON.stringify(out);
    expect(text).not.toContain(HEAD_ID);
    expect(text).not.toContain(other);
    expect(text).not.toMatch(/19680512/);
  });

  it('keeps masked numbers apart when only the hidden middle differs', () => {
    const src = source(h, 'collection-form', { head_id_number: '522425196805210035' });
    const out = deriveSuggestions(config, seed, records({ households: [h], householdSources: [src] }), YEAR);
    expect(out[0]!.summary.zh).toContain('系统 522425********0035，信息采集表 522425********0035（第13、14位不同）');
    expect(out[0]!.summary.en).toContain('(differ at characters 13, 14)');
    expect(JSON.stringify(out)).not.toMatch(/196805/);
  });

  it('compares only the configured fields and sources', () => {
    const src = [source(h, 'handbook', { size: 5, phone: '1' }), source(h, 'collection-form', { size: 6 })];
    const out = deriveSuggestions(only('recordsAgree', { fields: ['phone'], sources: ['collection-form'] }), seed, records({ households: [h], householdSources: src }), YEAR);
    expect(out).toEqual([]);
    const out2 = deriveSuggestions(only('recordsAgree', { fields: ['size'], sources: ['collection-form'] }), seed, records({ households: [h], householdSources: src }), YEAR);
    expect(keys(out2)).toEqual([`2.2.1:records-agree:${h.household_no}:size`]);
    expect(out2[0]!.summary.zh).not.toContain('扶贫手册');
  });

  it('ignores a source of a household that is not among the village households', () => {
    const stranger = household(9);
    expect(deriveSuggestions(config, seed, records({ households: [h], householdSources: [source(stranger, 'handbook', { size: 9 })] }), YEAR)).toEqual([]);
  });
});

describe('2.3.1 policy awareness', () => {
  const config = only('policyAwareness');
  const h = household(1);

  it('suggests one case for a household of the survey sample that does not know a policy', () => {
    const s = survey(1, 'awareness', 'unaware', '2020-09-15', '王大山', '教育资助');
    const out = deriveSuggestions(config, seed, records({ households: [h], surveys: [s, survey(1, 'awareness', 'aware')] }), YEAR);
    expect(out).toEqual([
      {
        item: '2.3.1',
        key: `2.3.1:unaware:${h.household_no}`,
        count: 1,
        household: h.household_no,
        summary: {
          zh: `户 ${h.household_no}（户主 户主1）政策不知晓一例：不知晓「教育资助」（各户最近一次调查，共调查1户）`,
          en: `Household ${h.household_no}: one case of a policy not known (1 policy: 教育资助); sample: each household's latest survey, 1 household`,
        },
        records: [{ table: 'surveys', id: s.id, label: `2020-09-15 政策知晓调查：户 ${h.household_no} 王大山，「教育资助」：不知晓` }],
      },
    ]);
  });

  it("reads the survey sample: an earlier answer is no case when the household's latest survey knew, unless the whole period is read", () => {
    const rows = records({ households: [h], surveys: [survey(1, 'awareness', 'unaware', '2020-06-01', '王大山', '教育资助'), survey(1, 'awareness', 'aware')] });
    expect(deriveSuggestions(config, seed, rows, YEAR)).toEqual([]);
    expect(keys(deriveSuggestions(only('policyAwareness', { sample: 'whole-period' }), seed, rows, YEAR))).toEqual([`2.3.1:unaware:${h.household_no}`]);
  });

  it('counts a household once, however many of its people and topics are unaware', () => {
    const out = deriveSuggestions(
      config,
      seed,
      records({
        households: [h, household(2)],
        surveys: [
          survey(1, 'awareness', 'unaware', '2020-06-01', '王大山', 'A'),
          survey(1, 'awareness', 'unaware', '2020-06-01', '李梅', 'A'),
          survey(1, 'awareness', 'unaware', '2020-06-01', '王大山', 'B'),
          survey(2, 'awareness', 'unaware', '2020-06-01', '王二', 'A'),
        ],
      }),
      YEAR,
    );
    expect(keys(out)).toEqual([`2.3.1:unaware:${h.household_no}`, `2.3.1:unaware:${household(2).household_no}`]);
    expect(out.map((s) => s.count)).toEqual([1, 1]);
    expect(out[0]!.records).toHaveLength(3);
    expect(out[0]!.summary.zh).toContain('不知晓「A」、「B」');
  });

  it('ignores answers outside the period, of other villages, and satisfaction answers', () => {
    const out = deriveSuggestions(
      config,
      seed,
      records({
        households: [h],
        surveys: [
          survey(1, 'awareness', 'unaware', '2019-12-31'),
          survey(1, 'awareness', 'unaware', '2021-01-01'),
          survey(7, 'awareness', 'unaware'),
          survey(1, 'satisfaction', 'dissatisfied'),
        ],
      }),
      YEAR,
    );
    expect(out).toEqual([]);
  });
});

describe('2.4.1 days on duty', () => {
  const config = only('dutyDays');
  const march = { year: 2020, from: '2020-03-01', to: '2020-03-31' };
  const zhang = member('张队长', MEMBER_ID, { is_leader: 1 });

  it('accepts exactly 20 days and shows 19 as a note with no deduction (count 0)', () => {
    expect(deriveSuggestions(config, seed, records({ teamMembers: [zhang], dutyDays: [duty('张队长', MEMBER_ID, '2020-03', 20)] }), march)).toEqual([]);
    const row = duty('张队长', MEMBER_ID, '2020-03', 19);
    const out = deriveSuggestions(config, seed, records({ teamMembers: [zhang], dutyDays: [row] }), march);
    expect(out).toEqual([
      {
        item: '2.4.1',
        key: '2.4.1:duty-days:522425********0016 张队长',
        count: 0,
        summary: {
          zh: '【提示，不扣分】张队长（队长） 1个月在岗少于20天（2020年3月19天，经批准的请假、公差已计为在岗）；细则对在岗天数未设扣分，未登记请假、公差的月份请核对请假和公差记录',
          en: 'Note, no deduction: 张队长 (team leader) was on duty fewer than 20 days in 1 month (2020-03: 19, approved leave and official trips counted as on duty); the source sets no penalty for days on duty: where no leave or trips are recorded, check the leave book',
        },
        records: [
          { table: 'team_members', id: zhang.id, label: '工作队员 张队长（队长）' },
          { table: 'duty_days', id: row.id, label: '张队长 2020年3月：在岗19天' },
        ],
      },
    ]);
    expect(JSON.stringify(out)).not.toContain(MEMBER_ID);
  });

  it('counts approved leave and official trips as on duty', () => {
    const leave = { ...duty('张队长', MEMBER_ID, '2020-03', 16), leave_days: 3, trip_days: 1 };
    expect(deriveSuggestions(config, seed, records({ teamMembers: [zhang], dutyDays: [leave] }), march)).toEqual([]);
    // Still short with them: the note shows them, and does not send the inspector to the leave book.
    const short = { ...duty('张队长', MEMBER_ID, '2020-03', 15), leave_days: 2, trip_days: 0 };
    const out = deriveSuggestions(config, seed, records({ teamMembers: [zhang], dutyDays: [short] }), march);
    expect(out).toHaveLength(1);
    expect(out[0]!.count).toBe(0);
    expect(out[0]!.summary.zh).toBe('【提示，不扣分】张队长（队长） 1个月在岗少于20天（2020年3月17天，经批准的请假、公差已计为在岗）；细则对在岗天数未设扣分');
    expect(out[0]!.records.at(-1)).toEqual({ table: 'duty_days', id: short.id, label: '张队长 2020年3月：在岗15天、请假2天' });
    // Leave not recorded (null): the note asks for the leave book.
    const unknown = { ...duty('张队长', MEMBER_ID, '2020-03', 17), leave_days: null, trip_days: null };
    expect(deriveSuggestions(config, seed, records({ teamMembers: [zhang], dutyDays: [unknown] }), march)[0]!.summary.zh).toContain('请核对请假和公差记录');
  });

  it('follows the configured threshold', () => {
    const rows = records({ teamMembers: [zhang], dutyDays: [duty('张队长', MEMBER_ID, '2020-03', 19)] });
    expect(deriveSuggestions(only('dutyDays', { minDaysPerMonth: 19 }), seed, rows, march)).toEqual([]);
  });

  it('notes the months of a team member with no duty record at all, in one note per person', () => {
    const li = member('李队员', '522425199002020027');
    const out = deriveSuggestions(config, seed, records({ teamMembers: [li] }), { year: 2020, from: '2020-03-01', to: '2020-04-30' });
    expect(keys(out)).toEqual(['2.4.1:duty-days:522425********0027 李队员']);
    expect(out[0]!.count).toBe(0);
    expect(out[0]!.summary.zh).toContain('【提示，不扣分】李队员 2个月在岗少于20天（2020年3月0天、2020年4月0天，');
    expect(out[0]!.records).toEqual([
      { table: 'team_members', id: li.id, label: '工作队员 李队员' },
      { table: 'duty_days', label: '李队员 2020年3月：无在岗记录' },
      { table: 'duty_days', label: '李队员 2020年4月：无在岗记录' },
    ]);
  });

  it('holds a member only to the months served whole', () => {
    const late = member('赵队员', '522425199103030038', { start_date: '2020-03-15', end_date: '2020-05-31' });
    const out = deriveSuggestions(config, seed, records({ teamMembers: [late] }), { year: 2020, from: '2020-01-01', to: '2020-06-30' });
    expect(keys(out)).toEqual(['2.4.1:duty-days:522425********0038 赵队员']);
    expect(out[0]!.summary.zh).toContain('2个月在岗少于20天（2020年4月0天、2020年5月0天，');
  });

  it('checks every team member, and a person known only from duty records in the months recorded', () => {
    const out = deriveSuggestions(
      config,
      seed,
      records({
        teamMembers: [zhang],
        dutyDays: [duty('张队长', MEMBER_ID, '2020-03', 22), duty('钱队员', '522425199204040049', '2020-03', 12), duty('钱队员', '522425199204040049', '2019-12', 1)],
      }),
      march,
    );
    expect(keys(out)).toEqual(['2.4.1:duty-days:522425********0049 钱队员']);
    expect(out[0]!.count).toBe(0);
    expect(out[0]!.records).toHaveLength(1);
  });
});

describe('2.4.1 the leader\'s "ten ones"', () => {
  const config = only('leaderDuties');

  it('suggests each duty not done, with no element where the item has no checklist', () => {
    const out = deriveSuggestions(
      config,
      seed,
      records({
        leaderDuties: [
          { element: 'diary', title: '一本民情日记', done: false },
          { element: 'lecture', title: '一次党课', done: true },
        ],
      }),
      YEAR,
    );
    expect(out).toEqual([
      {
        item: '2.4.1',
        key: '2.4.1:ten-ones:diary',
        count: 1,
        summary: { zh: '工作队长“十个一”未完成：一本民情日记', en: 'Team leader\'s "ten ones" duty not done: 一本民情日记' },
        records: [{ table: 'leader_duties', label: '“十个一” diary 一本民情日记：未完成' }],
      },
    ]);
  });

  it('keeps a monthly duty to the months of the period, one suggestion however many of them failed', () => {
    const out = deriveSuggestions(
      config,
      seed,
      records({
        leaderDuties: [
          { element: 'visit', title: '每月走访', done: false, month: '2020-02' },
          { element: 'visit', title: '每月走访', done: false, month: '2020-03' },
          { element: 'visit', title: '每月走访', done: false, month: '2020-04' },
          { element: 'visit', title: '每月走访', done: false, month: '2020-05' },
        ],
      }),
      { year: 2020, from: '2020-03-01', to: '2020-04-15' },
    );
    expect(keys(out)).toEqual(['2.4.1:ten-ones:visit']);
    expect(out[0]!.count).toBe(1);
    expect(out[0]!.summary.zh).toBe('工作队长“十个一”未完成：每月走访（2020年3月、2020年4月）');
    expect(out[0]!.records).toHaveLength(2);
  });

  it('names the element when the office lists the "ten ones" as the item checklist', () => {
    const own = structuredClone(seed) as Scheme;
    walk(own, (n) => {
      if (n.code === '2.4.1') n.checklist = [{ code: 'diary', title: { zh: '一本民情日记' } }];
    });
    const out = deriveSuggestions(
      config,
      own,
      records({
        leaderDuties: [
          { element: 'diary', title: '一本民情日记', done: false },
          { element: 'report', title: '一份调研报告', done: false },
        ],
      }),
      YEAR,
    );
    expect(out.map((s) => [s.key, s.element])).toEqual([
      ['2.4.1:ten-ones:diary', 'diary'],
      ['2.4.1:ten-ones:report', undefined],
    ]);
  });
});

describe('2.5.3 Rain-and-Dew students', () => {
  const config = only('rainDew');
  const h = household(1);

  it('suggests an eligible student not told to apply, and one told who did not apply', () => {
    const a = student(1, { name: '王小军', notified: 0, applied: 0 });
    const b = student(1, { name: '王小红', notified: 1, applied: 0 });
    const out = deriveSuggestions(config, seed, records({ households: [h], students: [a, b] }), YEAR);
    expect(out).toEqual([
      {
        item: '2.5.3',
        key: `2.5.3:rain-dew:${h.household_no}:王小军:2020`,
        count: 1,
        household: h.household_no,
        summary: {
          zh: `户 ${h.household_no} 学生 王小军（2020学年）符合雨露计划条件，未告知申报`,
          en: `Student 王小军 of household ${h.household_no} (school year 2020) eligible for Rain-and-Dew, not told to apply`,
        },
        records: [{ table: 'students', id: a.id, label: `王小军（户 ${h.household_no}，2020学年）：符合条件，未告知，未申报` }],
      },
      expect.objectContaining({ key: `2.5.3:rain-dew:${h.household_no}:王小红:2020`, summary: expect.objectContaining({ en: expect.stringContaining('told but did not apply') }) }),
    ]);
  });

  it('leaves alone students who applied, who are not eligible, or of another school year', () => {
    const out = deriveSuggestions(
      config,
      seed,
      records({ households: [h], students: [student(1), student(1, { eligible: 0, notified: 0, applied: 0 }), student(1, { school_year: 2019, notified: 0, applied: 0 })] }),
      YEAR,
    );
    expect(out).toEqual([]);
  });
});

describe('2.5.4 home visits (all-or-nothing: one suggestion)', () => {
  const config = only('homeVisits');
  const spring = { year: 2020, from: '2020-03-01', to: '2020-04-30' };
  const h1 = household(1);
  const h2 = household(2);

  it('accepts 4 helper visits and 1 leader visit a month', () => {
    const out = deriveSuggestions(
      config,
      seed,
      records({ households: [h1], helperAssignments: [assignment(1, '2019-01-01')], visits: [...fullMonthOfVisits(1, '2020-03'), ...fullMonthOfVisits(1, '2020-04')] }),
      spring,
    );
    // March and April hold no whole quarter: the leader's quarterly rule is a note, not judged.
    expect(out.map((s) => [s.key, s.count])).toEqual([['2.5.4:leader-visits:not-judged', 0]]);
    expect(out[0]!.summary.zh).toBe('【提示，不扣分】本期（2020-03-01 至 2020-04-30）不含完整的考核周期，工作队长每季度入户1次的要求无法据登记判断，请查阅入户记录');
    // Over a whole quarter it is judged (and met by these visits).
    const q2 = [...fullMonthOfVisits(1, '2020-04'), ...fullMonthOfVisits(1, '2020-05'), ...fullMonthOfVisits(1, '2020-06')];
    expect(
      deriveSuggestions(config, seed, records({ households: [h1], helperAssignments: [assignment(1, '2019-01-01')], visits: q2 }), {
        year: 2020,
        from: '2020-04-01',
        to: '2020-06-30',
      }),
    ).toEqual([]);
  });

  // The old reading's counts (4 helper visits and 1 leader visit every month), pinned.
  const monthly = only('homeVisits', { helperVisits: 4, leaderVisits: 1, leaderEvery: 'month' });

  it('suggests 3 helper visits in a month, once, listing the shortfall (4 a month required)', () => {
    const visits = [...fullMonthOfVisits(1, '2020-03').slice(1), ...fullMonthOfVisits(1, '2020-04')];
    const out = deriveSuggestions(monthly, seed, records({ households: [h1], helperAssignments: [assignment(1, '2019-01-01')], visits }), spring);
    expect(out).toEqual([
      {
        item: '2.5.4',
        key: '2.5.4:home-visits',
        count: 1,
        summary: {
          zh: '入户次数不达标：应入户4项，达标3项（75%），1户有1项不足（本县要求：帮扶责任人对所帮扶户每月入户4次，工作队长对每户每月入户1次；达标率须不低于100%）',
          en: "Home visits below the required count: 3 of 4 visit requirements met (75%); 1 shortfall in 1 household (the county's rule: each helper visits each assigned household 4 time(s) a month, the team leader every household 1 time(s) a month; at least 100% must be met)",
        },
        records: [{ table: 'visits', label: `户 ${h1.household_no} 2020年3月：帮扶责任人 李帮扶 入户3次，要求4次` }],
      },
    ]);
  });

  it('collects every shortfall of every household into the one suggestion, in household and month order', () => {
    const visits = [
      ...fullMonthOfVisits(1, '2020-03').filter((v) => v.visitor_role === 'helper'), // no leader visit in March
      ...fullMonthOfVisits(1, '2020-04'),
      ...fullMonthOfVisits(2, '2020-03', '陈帮扶'),
      // April: nothing for household 2
    ];
    const out = deriveSuggestions(
      monthly,
      seed,
      records({ households: [h2, h1], helperAssignments: [assignment(2, '2020-01-01', null, '陈帮扶'), assignment(1, '2020-01-01')], visits }),
      spring,
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.count).toBe(1);
    expect(out[0]!.summary.zh).toContain('应入户8项，达标5项（62.5%），2户有3项不足');
    expect(out[0]!.records.map((r) => r.label)).toEqual([
      `户 ${h1.household_no} 2020年3月：工作队长入户0次，要求1次`,
      `户 ${h2.household_no} 2020年4月：工作队长入户0次，要求1次`,
      `户 ${h2.household_no} 2020年4月：帮扶责任人 陈帮扶 入户0次，要求4次`,
    ]);
  });

  it("holds a helper only to the months the assignment covers whole, and counts only that helper's visits", () => {
    const helperOnly = only('homeVisits', { leaderVisits: 0 });
    const out = deriveSuggestions(
      helperOnly,
      seed,
      records({
        households: [h1, h2, household(3)],
        // h1's assignment ended before the period, h2's began on the last day of April: neither covers a month whole.
        helperAssignments: [assignment(1, '2019-01-01', '2020-02-29'), assignment(2, '2020-04-30'), assignment(3, '2020-04-01')],
        visits: [visit(3, 'helper', '2020-04-10', '陈帮扶')], // another helper's visit: not 李帮扶's
      }),
      spring,
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.summary.zh).toContain('应入户1项，达标0项（0%）');
    expect(out[0]!.records.map((r) => r.label)).toEqual([`户 ${household(3).household_no} 2020年4月：帮扶责任人 李帮扶 入户0次，要求1次`]);
  });

  it('judges a helper against his or her own households over the assignment dates, and below the rate loses the item', () => {
    // 李帮扶 is assigned household 1 from July: six months required, five visited.
    const visits = ['2020-03', '2020-07', '2020-08', '2020-09', '2020-10', '2020-12'].map((m) => visit(1, 'helper', `${m}-10`));
    const rows = records({ households: [h1], helperAssignments: [assignment(1, '2020-07-01')], visits });
    const helperOnly = only('homeVisits', { leaderVisits: 0 });
    const out = deriveSuggestions(helperOnly, seed, rows, YEAR);
    expect(out).toHaveLength(1);
    expect(out[0]!.summary.zh).toContain('应入户6项，达标5项（83.3%），1户有1项不足');
    expect(out[0]!.records.map((r) => r.label)).toEqual([`户 ${h1.household_no} 2020年11月：帮扶责任人 李帮扶 入户0次，要求1次`]);
    // An office allowing a rate: 80% met keeps the item, 90% does not.
    expect(deriveSuggestions(only('homeVisits', { leaderVisits: 0, minShareMet: 0.8 }), seed, rows, YEAR)).toEqual([]);
    expect(deriveSuggestions(only('homeVisits', { leaderVisits: 0, minShareMet: 0.9 }), seed, rows, YEAR)).toHaveLength(1);
    // The household handed over to 陈帮扶 in November: his visits count for him, 李帮扶 is held to July-October.
    const julyToOctober = visits.filter((v) => v.date >= '2020-07' && v.date < '2020-11');
    const handed = records({
      households: [h1],
      helperAssignments: [assignment(1, '2020-07-01', '2020-10-31'), assignment(1, '2020-11-01', null, '陈帮扶')],
      visits: [...julyToOctober, visit(1, 'helper', '2020-11-20', '陈帮扶'), visit(1, 'helper', '2020-12-20', '陈帮扶')],
    });
    expect(deriveSuggestions(helperOnly, seed, handed, YEAR)).toEqual([]);
    // The same November visit by 李帮扶, no longer assigned, does not count for 陈帮扶.
    const wrong = records({ ...handed, visits: [...julyToOctober, visit(1, 'helper', '2020-11-20', '李帮扶'), visit(1, 'helper', '2020-12-20', '陈帮扶')] });
    expect(deriveSuggestions(helperOnly, seed, wrong, YEAR)[0]!.records.map((r) => r.label)).toEqual([`户 ${h1.household_no} 2020年11月：帮扶责任人 陈帮扶 入户0次，要求1次`]);
  });

  it('holds the team leader to every household once a quarter by default', () => {
    const leaderOnly = only('homeVisits', { helperVisits: 0 });
    // One leader visit in Q1, Q2 and Q3 (none in March, in June or in September), none in Q4.
    const visits = [visit(1, 'leader', '2020-01-05'), visit(1, 'leader', '2020-05-20'), visit(1, 'leader', '2020-08-01')];
    const out = deriveSuggestions(leaderOnly, seed, records({ households: [h1], visits }), YEAR);
    expect(out).toHaveLength(1);
    expect(out[0]!.summary.zh).toContain('应入户4项，达标3项（75%）');
    expect(out[0]!.summary.zh).toContain('工作队长对每户每季度入户1次');
    expect(out[0]!.records.map((r) => r.label)).toEqual([`户 ${h1.household_no} 2020年第4季度：工作队长入户0次，要求1次`]);
    expect(deriveSuggestions(leaderOnly, seed, records({ households: [h1], visits: [...visits, visit(1, 'leader', '2020-12-31')] }), YEAR)).toEqual([]);
    // A helper's visit is not the leader's.
    expect(deriveSuggestions(leaderOnly, seed, records({ households: [h1], visits: [...visits, visit(1, 'helper', '2020-11-11')] }), YEAR)).toHaveLength(1);
    // Held to every month instead, the same visits miss 9 of 12.
    const everyMonth = deriveSuggestions(only('homeVisits', { helperVisits: 0, leaderEvery: 'month' }), seed, records({ households: [h1], visits }), YEAR);
    expect(everyMonth[0]!.records).toHaveLength(9);
  });

  it('counts visits on the first and last day of the month in that month', () => {
    const visits = [
      visit(1, 'helper', '2020-03-01'),
      visit(1, 'helper', '2020-03-02'),
      visit(1, 'helper', '2020-03-30'),
      visit(1, 'helper', '2020-03-31'),
      visit(1, 'leader', '2020-03-31'),
      visit(1, 'helper', '2020-04-01'),
    ];
    const out = deriveSuggestions(config, seed, records({ households: [h1], helperAssignments: [assignment(1, '2020-01-01')], visits }), {
      year: 2020,
      from: '2020-03-01',
      to: '2020-03-31',
    });
    expect(out.filter((s) => s.count > 0)).toEqual([]);
  });

  it('follows the configured counts', () => {
    const visits = [visit(1, 'helper', '2020-03-05')];
    const rows = records({ households: [h1], helperAssignments: [assignment(1, '2020-01-01')], visits });
    const march = { year: 2020, from: '2020-03-01', to: '2020-03-31' };
    expect(deriveSuggestions(only('homeVisits', { helperVisits: 1, leaderVisits: 0 }), seed, rows, march)).toEqual([]);
    expect(deriveSuggestions(only('homeVisits', { helperVisits: 2, leaderVisits: 0 }), seed, rows, march)).toHaveLength(1);
  });
});

describe('2.5.5 satisfaction (all-or-nothing: one suggestion)', () => {
  const config = only('satisfaction');
  const h = household(1);

  it('is quiet when every answer is satisfied', () => {
    expect(deriveSuggestions(config, seed, records({ households: [h], surveys: [survey(1, 'satisfaction', 'satisfied')] }), YEAR)).toEqual([]);
  });

  it('suggests once when any answer is basically satisfied or dissatisfied, listing them', () => {
    const a = survey(1, 'satisfaction', 'basic', '2020-09-15', '王大山', '帮扶责任人');
    const b = survey(1, 'satisfaction', 'dissatisfied', '2020-09-15', '王大山', '工作队长');
    const out = deriveSuggestions(
      config,
      seed,
      records({ households: [h], surveys: [b, a, survey(1, 'satisfaction', 'satisfied'), survey(1, 'satisfaction', 'basic', '2021-01-02')] }),
      YEAR,
    );
    expect(out).toEqual([
      {
        item: '2.5.5',
        key: '2.5.5:satisfaction',
        count: 1,
        summary: {
          zh: '满意度调查（各户最近一次调查）：1户中1户（100%）回答“基本满意”或“不满意”，共2个回答；任一户不满意即不得分',
          en: 'Satisfaction survey (each household\'s latest survey): 1 of 1 households (100%) answered "basically satisfied" or "dissatisfied" (2 answers); the item is lost when any household does',
        },
        records: [
          { table: 'surveys', id: b.id, label: `2020-09-15 户 ${h.household_no} 王大山 对工作队长：不满意` },
          { table: 'surveys', id: a.id, label: `2020-09-15 户 ${h.household_no} 王大山 对帮扶责任人：基本满意` },
        ],
      },
    ]);
  });
});

describe('2.5.5 satisfaction: the survey sample, literally or at a rate', () => {
  const ten = Array.from({ length: 10 }, (_, i) => household(i + 1));
  // The assessment's visit (each household's latest survey): nine satisfied, household 4 basically satisfied.
  const sample = ten.map((h) => survey(h.id, 'satisfaction', h.id === 4 ? 'basic' : 'satisfied', '2020-11-20', `户主${h.id}`, '帮扶工作'));

  it("loses the item on one 基本满意 among the sampled households (maxShareBelow 0, the source's words), showing the answers", () => {
    const out = deriveSuggestions(only('satisfaction'), seed, records({ households: ten, surveys: sample }), YEAR);
    expect(out).toHaveLength(1);
    expect(out[0]!.count).toBe(1);
    expect(out[0]!.summary.zh).toBe('满意度调查（各户最近一次调查）：10户中1户（10%）回答“基本满意”或“不满意”，共1个回答；任一户不满意即不得分');
    expect(out[0]!.records).toEqual([{ table: 'surveys', id: sample[3]!.id, label: `2020-11-20 户 ${household(4).household_no} 户主4 对帮扶工作：基本满意` }]);
  });

  it('keeps the item when an office allows a rate the sample stays within, and loses it above', () => {
    const rows = records({ households: ten, surveys: sample });
    expect(deriveSuggestions(only('satisfaction', { maxShareBelow: 0.1 }), seed, rows, YEAR)).toEqual([]);
    const out = deriveSuggestions(only('satisfaction', { maxShareBelow: 0.05 }), seed, rows, YEAR);
    expect(out).toHaveLength(1);
    expect(out[0]!.summary.zh).toContain('超过5%不满意即不得分');
  });

  it('reads only the sample: an earlier 不满意 of a household satisfied at the assessment visit does not count, unless the whole period is read', () => {
    const earlier = survey(7, 'satisfaction', 'dissatisfied', '2020-04-02', '户主7', '帮扶工作');
    const satisfiedSample = sample.map((s) => (s.household_id === 4 ? { ...s, answer: 'satisfied' } : s));
    const rows = records({ households: ten, surveys: [earlier, ...satisfiedSample] });
    expect(deriveSuggestions(only('satisfaction'), seed, rows, YEAR)).toEqual([]);
    const whole = deriveSuggestions(only('satisfaction', { sample: 'whole-period' }), seed, rows, YEAR);
    expect(whole.map((s) => s.records.map((r) => r.id))).toEqual([[earlier.id]]);
  });
});

describe('satisfactionRate: the survey sample as a measured rate', () => {
  const township = builtinScheme('township-2024');
  const config: DeriveConfig = {
    scheme: 'township-2024',
    rules: { satisfactionRate: { item: '1.3', sample: 'latest-per-household', terms: { satisfied: 'satisfied', basic: 'basic' } } },
  };
  const ten = Array.from({ length: 10 }, (_, i) => household(i + 1));
  // Seven satisfied, two basically satisfied, one dissatisfied at the assessment's visit; an earlier 不满意 of household 1.
  const answer = (id: number) => (id <= 7 ? 'satisfied' : id <= 9 ? 'basic' : 'dissatisfied');
  const visit = ten.map((h) => survey(h.id, 'satisfaction', answer(h.id), '2020-11-20', `户主${h.id}`, '帮扶工作'));
  const earlier = survey(1, 'satisfaction', 'dissatisfied', '2020-04-02', '户主1', '帮扶工作');

  it('one suggestion carrying the counts over 有效票; accepted, it scores (7 + 2 × 0.5) ÷ 10 × 20 = 16', () => {
    const out = deriveSuggestions(config, township, records({ households: ten, surveys: [earlier, ...visit] }), YEAR);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ item: '1.3', key: '1.3:satisfaction-rate', count: 1, value: { num: { satisfied: 7, basic: 2 }, of: 10 } });
    expect(out[0]!.summary.zh).toBe('满意度调查（各户最近一次调查，10户）：有效票10票，其中满意7票、基本满意2票、不满意1票；按调查结果录入实测值');
    expect(out[0]!.records).toHaveLength(10);
    const r = score(township, { attributes: {} }, [{ item: '1.3', count: 1, value: out[0]!.value! }]);
    expect(r.nodes['1.3']!.score).toBe(1600);
  });

  it('the whole period counts every answer; no survey in the period measures nothing', () => {
    const whole = deriveSuggestions(
      { ...config, rules: { satisfactionRate: { ...config.rules.satisfactionRate!, sample: 'whole-period' } } },
      township,
      records({ households: ten, surveys: [earlier, ...visit] }),
      YEAR,
    );
    expect(whole[0]!.value).toEqual({ num: { satisfied: 7, basic: 2 }, of: 11 });
    expect(deriveSuggestions(config, township, records({ households: ten, surveys: [survey(1, 'satisfaction', 'satisfied', '2019-11-20')] }), YEAR)).toEqual([]);
  });
});

describe('2.6.1 village exit', () => {
  const config = only('villageExit');

  it('suggests a poverty village due to exit this year that did not', () => {
    const out = deriveSuggestions(config, seed, records({ village: village({ exit_year: null }) }), YEAR);
    expect(out).toEqual([
      {
        item: '2.6.1',
        key: '2.6.1:village-exit',
        count: 1,
        summary: { zh: '贫困村 石桥村 计划2020年出列，未出列', en: 'Poverty village 石桥村 was due to exit in 2020 and did not' },
        records: [{ table: 'areas', label: '石桥村（522425101001）：贫困村，计划出列2020年，实际出列无' }],
      },
    ]);
    expect(keys(deriveSuggestions(config, seed, records({ village: village({ exit_year: 2021 }) }), YEAR))).toEqual(['2.6.1:village-exit']);
  });

  it('is quiet for a village that exited, is due another year, or is no poverty village', () => {
    expect(deriveSuggestions(config, seed, records({ village: village({ exit_year: 2020 }) }), YEAR)).toEqual([]);
    expect(deriveSuggestions(config, seed, records({ village: village({ exit_year: 2019 }) }), YEAR)).toEqual([]);
    expect(deriveSuggestions(config, seed, records({ village: village({ planned_exit_year: 2021, exit_year: null }) }), YEAR)).toEqual([]);
    expect(deriveSuggestions(config, seed, records({ village: village({ poverty_village: 0, exit_year: null }) }), YEAR)).toEqual([]);
  });
});

describe('2.6.2 household exit', () => {
  const config = only('householdExit');

  it('suggests each household due to exit this year that did not', () => {
    const hs = [
      household(1, { planned_exit_year: 2020, status: 'not-exited' }),
      household(2, { planned_exit_year: 2020, status: 'exited', exit_year: 2020 }),
      household(3, { planned_exit_year: 2020, status: 'exited', exit_year: null }),
      household(4, { planned_exit_year: 2020, status: 'exited', exit_year: 2021 }),
      household(5, { planned_exit_year: 2019, status: 'not-exited' }),
      household(6, { planned_exit_year: 2020, status: 'relapsed', exit_year: 2020 }),
      household(7, { planned_exit_year: 2020, status: 'exited', exit_year: 2019 }),
    ];
    const out = deriveSuggestions(config, seed, records({ households: hs }), YEAR);
    expect(out.map((s) => s.household)).toEqual([hs[0], hs[2], hs[3], hs[5]].map((h) => h!.household_no));
    expect(out[0]).toEqual({
      item: '2.6.2',
      key: `2.6.2:household-exit:${hs[0]!.household_no}`,
      count: 1,
      household: hs[0]!.household_no,
      summary: { zh: `户 ${hs[0]!.household_no}（户主 户主1）计划2020年脱贫，未脱贫`, en: `Household ${hs[0]!.household_no} was due to exit in 2020 and did not` },
      records: [{ table: 'households', id: 1, label: `户 ${hs[0]!.household_no}：计划脱贫2020年，状态 not-exited，脱贫年份无` }],
    });
  });
});

describe('3.2.1 reports', () => {
  const a = report('3月份扶贫月报', '2020-04-05', 'late');
  const b = report('4月份扶贫月报', '2020-05-05', 'returned');
  const c = report('5月份扶贫月报', '2020-06-05', 'missing');
  const d = report('6月份扶贫月报', '2020-07-05', 'on-time');
  const e = report('12月份扶贫月报', '2021-01-05', 'late');

  it('suggests each report due in the period with a configured status', () => {
    const out = deriveSuggestions(only('reports', { statuses: ['late', 'returned', 'missing'] }), seed, records({ reports: [e, d, c, b, a] }), YEAR);
    expect(keys(out)).toEqual(['3.2.1:report:2020-04-05:3月份扶贫月报', '3.2.1:report:2020-05-05:4月份扶贫月报', '3.2.1:report:2020-06-05:5月份扶贫月报']);
    expect(out[0]).toEqual({
      item: '3.2.1',
      key: '3.2.1:report:2020-04-05:3月份扶贫月报',
      count: 1,
      summary: { zh: '3月份扶贫月报（报送时限 2020-04-05）延报', en: 'Report "3月份扶贫月报" (due 2020-04-05): late' },
      records: [{ table: 'reports', id: a.id, label: '3月份扶贫月报：时限 2020-04-05，报送 2020-04-05，延报' }],
    });
    expect(out[2]!.records[0]!.label).toBe('5月份扶贫月报：时限 2020-06-05，报送 无，未报');
  });

  it('follows the configured statuses', () => {
    expect(keys(deriveSuggestions(only('reports', { statuses: ['returned'] }), seed, records({ reports: [a, b, c, d] }), YEAR))).toEqual(['3.2.1:report:2020-05-05:4月份扶贫月报']);
  });
});

describe('3.4.1 meeting absences', () => {
  it('suggests each absence without leave in the period', () => {
    const x = attendance('2020-05-06', '张队长', 'absent');
    const out = deriveSuggestions(
      only('meetingAbsence'),
      seed,
      records({
        meetingAttendance: [x, attendance('2020-05-06', '李队员', 'leave'), attendance('2020-05-06', '赵队员', 'attended'), attendance('2021-01-06', '张队长', 'absent')],
      }),
      YEAR,
    );
    expect(out).toEqual([
      {
        item: '3.4.1',
        key: '3.4.1:absence:2020-05-06:全县脱贫攻坚推进会:张队长',
        count: 1,
        summary: { zh: '张队长 无故缺席县扶贫办「全县脱贫攻坚推进会」（2020-05-06）', en: '张队长 absent without leave from "全县脱贫攻坚推进会" (县扶贫办) on 2020-05-06' },
        records: [{ table: 'meeting_attendance', id: x.id, label: '2020-05-06 全县脱贫攻坚推进会：张队长 缺席，未请假' }],
      },
    ]);
  });
});

describe('3.5.1 petitions', () => {
  const h = household(1);
  const p1 = petition('2020-06-18', { household_id: 1 });
  const p2 = petition('2020-07-01', { over_county: 1, handled: 0, summary: '到省里反映危房改造补助' });
  const p3 = petition('2020-08-01', { kind: 'complaint', summary: '帮扶责任人不入户' });
  const p4 = petition('2021-02-01');

  it('suggests each petition in the period, not complaints unless configured', () => {
    const out = deriveSuggestions(only('petitions', { overCountyOnly: false }), seed, records({ households: [h], petitions: [p4, p3, p2, p1] }), YEAR);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({
      item: '3.5.1',
      count: 1,
      household: h.household_no,
      summary: { zh: `2020-06-18 上访（户 ${h.household_no}）：对低保评定有异议`, en: `Petition on 2020-06-18 (household ${h.household_no})` },
      records: [{ table: 'petitions', id: p1.id, label: '2020-06-18 上访：对低保评定有异议，已处理' }],
    });
    expect(out[0]!.key).toMatch(/^3\.5\.1:petition:2020-06-18:[0-9a-f]{8}$/);
    expect(out[1]!.summary).toEqual({
      zh: '2020-07-01 越级上访（到县以上）：到省里反映危房改造补助（未妥善处理）',
      en: "Petition over the county's head on 2020-07-01, not yet handled",
    });
    expect(out[1]).not.toHaveProperty('household');
    expect(deriveSuggestions(only('petitions', { overCountyOnly: false, kinds: ['petition', 'complaint'] }), seed, records({ petitions: [p1, p2, p3, p4] }), YEAR)).toHaveLength(3);
  });

  it('keeps only petitions over the county head by default', () => {
    const out = deriveSuggestions(only('petitions'), seed, records({ petitions: [p1, p2, p3, p4] }), YEAR);
    expect(out.map((s) => s.records[0]!.id)).toEqual([p2.id]);
    expect(out[0]!.count).toBe(1);
  });

  it('shows an unhandled petition not marked as over the county as a note (count 0), unless switched off', () => {
    const open = petition('2020-09-09', { household_id: 1, handled: 0, summary: '危房改造补助未到位' });
    const out = deriveSuggestions(only('petitions'), seed, records({ households: [h], petitions: [p1, open] }), YEAR);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ item: '3.5.1', count: 0, household: h.household_no, records: [{ table: 'petitions', id: open.id }] });
    expect(out[0]!.summary.zh).toBe(`【提示，不扣分】2020-09-09 上访（户 ${h.household_no}）未妥善处理：危房改造补助未到位；登记未显示越级，请核实是否越级到县`);
    expect(deriveSuggestions(only('petitions', { unhandledAsNote: false }), seed, records({ households: [h], petitions: [p1, open] }), YEAR)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------

/** A village with something for every rule. */
function busyVillage(): VillageRecords {
  nextId = 1000;
  const h1 = household(1, { planned_exit_year: 2020 });
  const h2 = household(2, { planned_exit_year: 2020, status: 'exited', exit_year: 2020 });
  const h3 = household(3);
  return records({
    village: village({ exit_year: null }),
    households: [h1, h2, h3],
    householdSources: [source(h1, 'handbook', { size: 5, head_id_number: '522425196805120051' }), source(h2, 'collection-form', { phone: '13900000000' }), source(h3, 'handbook')],
    helperAssignments: [assignment(1, '2019-01-01'), assignment(2, '2019-01-01', null, '陈帮扶'), assignment(3, '2020-06-01')],
    teamMembers: [member('张队长', MEMBER_ID, { is_leader: 1 }), member('李队员', '522425199002020027', { start_date: '2020-03-01' })],
    visits: [...fullMonthOfVisits(1, '2020-03'), ...fullMonthOfVisits(2, '2020-03').slice(2), visit(3, 'helper', '2020-06-09')],
    meetings: [meeting('topic', '2020-01-10'), meeting('topic', '2020-02-10', 0), meeting('topic', '2020-03-10'), meeting('leader', '2020-01-07'), meeting('leader', '2020-01-14')],
    dutyDays: [duty('张队长', MEMBER_ID, '2020-01', 22), duty('张队长', MEMBER_ID, '2020-02', 19), duty('李队员', '522425199002020027', '2020-03', 25)],
    meetingAttendance: [attendance('2020-05-06', '张队长', 'absent'), attendance('2020-06-06', '张队长', 'absent')],
    reports: [report('3月份扶贫月报', '2020-04-05', 'late'), report('4月份扶贫月报', '2020-05-05', 'on-time')],
    surveys: [survey(1, 'awareness', 'unaware'), survey(2, 'satisfaction', 'basic'), survey(3, 'satisfaction', 'dissatisfied')],
    students: [student(1, { notified: 0, applied: 0 }), student(2, { name: '陈小花', applied: 0 })],
    petitions: [petition('2020-06-18'), petition('2020-07-18', { over_county: 1 })],
    leaderDuties: [
      { element: 'diary', title: '一本民情日记', done: false },
      { element: 'lecture', title: '一次党课', done: false },
    ],
    // h2 exited in 2020: every paper of its exit but the review form.
    publicity: (['application', 'first-publication', 'second-publication', 'announcement'] as const).map((stage) => ({
      id: nextId++,
      household_id: 2,
      procedure: 'exit' as const,
      stage,
      date: '2020-10-10',
      reference: null,
    })),
  });
}

/** The same records, every list in another order. */
function shuffled(r: VillageRecords, seedNumber: number): VillageRecords {
  const random = new Random(seedNumber);
  const mix = <T>(rows: T[]): T[] => {
    const out = [...rows];
    for (let i = out.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return {
    village: r.village,
    households: mix(r.households),
    householdSources: mix(r.householdSources),
    helperAssignments: mix(r.helperAssignments),
    teamMembers: mix(r.teamMembers),
    visits: mix(r.visits),
    meetings: mix(r.meetings),
    dutyDays: mix(r.dutyDays),
    meetingAttendance: mix(r.meetingAttendance),
    reports: mix(r.reports),
    surveys: mix(r.surveys),
    students: mix(r.students),
    petitions: mix(r.petitions),
    leaderDuties: mix(r.leaderDuties),
    publicity: mix(r.publicity ?? []),
  };
}

describe('the whole derivation', () => {
  const busy = busyVillage();
  const out = deriveSuggestions(SEED_CONFIG, seed, busy, YEAR);

  it('suggests on every configured item, in the scheme order of items, then by key', () => {
    const items = [...new Set(out.map((s) => s.item))];
    expect(items).toEqual(['1.3', '2.2.1', '2.3.1', '2.4.1', '2.5.3', '2.5.4', '2.5.5', '2.6.1', '2.6.2', '3.1.3', '3.2.1', '3.4.1', '3.5.1']);
    expect(out.filter((s) => s.item === '3.1.3').map((s) => s.key)).toEqual(['3.1.3:papers:review']);
    for (let i = 1; i < out.length; i++) {
      const [a, b] = [out[i - 1]!, out[i]!];
      if (a.item === b.item) expect(a.key < b.key, `${a.key} before ${b.key}`).toBe(true);
    }
    // 1.3 mixes the elements of both rules, sorted by key.
    const meetingKeys = out.filter((s) => s.item === '1.3').map((s) => s.key);
    expect(meetingKeys[0]).toBe('1.3:minutes:2020-02');
    expect(meetingKeys).toContain('1.3:monthly-meeting:2020-04');
    // Leader meetings are counted once a month by default: January (W02-W05) missed W04 and W05.
    expect(meetingKeys.filter((k) => k.includes('weekly-meeting'))).toHaveLength(12);
    expect(meetingKeys).toContain('1.3:weekly-meeting:2020-01');
    expect(meetingKeys.some((k) => /W\d\d$/.test(k))).toBe(false);
    expect(out.find((s) => s.key === '1.3:weekly-meeting:2020-01')!.summary.zh).toBe('2020年1月有2周（共4周）无工作队长碰头会（每月计一次）');
  });

  it('gives every suggestion a unique key, a count (0 only for a note), and records', () => {
    expect(new Set(keys(out)).size).toBe(out.length);
    // The notes: the duty days below 20 (no penalty in the source), one per person.
    expect(out.filter((s) => s.count === 0).map((s) => s.key)).toEqual(['2.4.1:duty-days:522425********0016 张队长', '2.4.1:duty-days:522425********0027 李队员']);
    for (const s of out) {
      expect(s.count).toBe(s.summary.zh.startsWith('【提示，不扣分】') ? 0 : 1);
      expect(s.records.length).toBeGreaterThan(0);
      expect(s.key.startsWith(`${s.item}:`)).toBe(true);
    }
  });

  it('never shows a full ID number anywhere', () => {
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/\d{17}[\dX]/);
    const ids = [...busy.households.map((h) => h.head_id_number), ...busy.householdSources.map((s) => s.head_id_number!), ...busy.teamMembers.map((m) => m.id_number)];
    for (const id of ids) expect(text).not.toContain(id.slice(6, 14));
  });

  it('gives the same output when derived twice', () => {
    expect(deriveSuggestions(SEED_CONFIG, seed, busy, YEAR)).toEqual(out);
    expect(JSON.stringify(deriveSuggestions(SEED_CONFIG, seed, busyVillage(), YEAR))).toBe(JSON.stringify(out));
  });

  it('gives the same output, byte for byte, whatever the order of the input rows', () => {
    for (const n of [1, 2, 3, 42, 2020]) {
      expect(JSON.stringify(deriveSuggestions(SEED_CONFIG, seed, shuffled(busy, n), YEAR))).toBe(JSON.stringify(out));
    }
  });

  it('does not change its input', () => {
    const before = JSON.stringify(busy);
    deriveSuggestions(SEED_CONFIG, seed, busy, YEAR);
    expect(JSON.stringify(busy)).toBe(before);
  });

  it('gives one suggestion for a repeated record (the same key), whatever the order', () => {
    const twice = { ...busy, reports: [...busy.reports, { ...busy.reports[0]!, id: 9999 }] };
    const a = deriveSuggestions(SEED_CONFIG, seed, twice, YEAR);
    expect(a.filter((s) => s.item === '3.2.1')).toHaveLength(1);
    expect(JSON.stringify(deriveSuggestions(SEED_CONFIG, seed, shuffled(twice, 7), YEAR))).toBe(JSON.stringify(a));
  });

  it('derives nothing from rules switched off', () => {
    expect(deriveSuggestions({ scheme: 'seed-2020', rules: {} }, seed, busy, YEAR)).toEqual([]);
  });
});

describe('bad arguments', () => {
  it('refuses a configuration that does not fit the scheme', () => {
    const bad: DeriveConfig = { scheme: 'seed-2020', rules: { rainDew: { item: '2.5.9' } } };
    expect(() => deriveSuggestions(bad, seed, records(), YEAR)).toThrow(DeriveConfigError);
  });

  it('refuses a period that is not two dates in order', () => {
    const attempt = (period: { year: number; from: string; to: string }) => {
      try {
        deriveSuggestions(SEED_CONFIG, seed, records(), period);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    for (const period of [
      { year: 2020, from: '2020-1-1', to: '2020-12-31' },
      { year: 2020, from: '2020-02-30', to: '2020-12-31' },
      { year: 2020, from: '2020-12-31', to: '2020-01-01' },
      { year: 2020.5, from: '2020-01-01', to: '2020-12-31' },
    ]) {
      const e = attempt(period);
      expect(e).toBeInstanceOf(KaoheError);
      expect((e as KaoheError).code).toBe('bad-period');
    }
  });

  it('accepts a one-day period', () => {
    expect(
      deriveSuggestions(SEED_CONFIG, seed, records({ village: village({ exit_year: null }) }), { year: 2020, from: '2020-06-01', to: '2020-06-01' }).map((s) => s.key),
    ).toEqual(['2.6.1:village-exit']);
  });
});
