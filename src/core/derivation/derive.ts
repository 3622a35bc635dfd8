/**
 * Suggested findings derived from the registry's records for one village and one period.
 * Pure: no I/O, no clock, no randomness; the same arguments always give the same list, in
 * the same order, with the same keys, whatever the order of the input rows. A suggestion is
 * only a suggestion: an inspector confirms or dismisses it, and its key lets a dismissed
 * one stay dismissed when the registry is derived again.
 *
 * Absences are judged over whole months and whole ISO weeks inside the period only: a month
 * or week the period cuts is not over yet (or not assessed), so nothing is missing from it.
 */
import { KaoheError } from '../errors.ts';
import { maskIdNumber } from '../ids/gb11643.ts';
import { walk, type Scheme, type SchemeNode } from '../scheme/model.ts';
import {
  checkDeriveConfig,
  DeriveConfigError,
  SATISFACTION_ANSWERS,
  type DeriveConfig,
  type DeriveRules,
  type ReportStatus,
  type SurveySample,
  type VisitPeriod,
} from './config.ts';
import type {
  ComparedField,
  DutyDayRow,
  HouseholdRow,
  HouseholdSource,
  HouseholdSourceKind,
  Period,
  PublicityRow,
  Suggestion,
  SuggestionRecord,
  SurveyRow,
  VillageRecords,
} from './types.ts';

/** Derives the suggested findings; throws DeriveConfigError for a configuration that does not fit the scheme, KaoheError('bad-period') for a bad period. */
export function deriveSuggestions(config: DeriveConfig, scheme: Scheme, records: VillageRecords, period: Period): Suggestion[] {
  const errors = checkDeriveConfig(config, scheme).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new DeriveConfigError(errors);
  checkPeriod(period);
  const ctx = new Context(scheme, records, period);
  const r = config.rules;
  const out: Suggestion[] = [];
  if (r.topicMeetings) out.push(...topicMeetings(ctx, r.topicMeetings));
  if (r.leaderMeetings) out.push(...leaderMeetings(ctx, r.leaderMeetings));
  if (r.recordsAgree) out.push(...recordsAgree(ctx, r.recordsAgree));
  if (r.policyAwareness) out.push(...policyAwareness(ctx, r.policyAwareness));
  if (r.dutyDays) out.push(...dutyDays(ctx, r.dutyDays));
  if (r.leaderDuties) out.push(...leaderDuties(ctx, r.leaderDuties));
  if (r.rainDew) out.push(...rainDew(ctx, r.rainDew));
  if (r.homeVisits) out.push(...homeVisits(ctx, r.homeVisits));
  if (r.satisfaction) out.push(...satisfaction(ctx, r.satisfaction));
  if (r.satisfactionRate) out.push(...satisfactionRate(ctx, r.satisfactionRate));
  if (r.villageExit) out.push(...villageExit(ctx, r.villageExit));
  if (r.householdExit) out.push(...householdExit(ctx, r.householdExit));
  if (r.publicity) out.push(...publicity(ctx, r.publicity));
  if (r.reports) out.push(...reports(ctx, r.reports));
  if (r.meetingAbsence) out.push(...meetingAbsence(ctx, r.meetingAbsence));
  if (r.petitions) out.push(...petitions(ctx, r.petitions));
  return finish(out, scheme);
}

// ---------------------------------------------------------------------------------------
// Dates: pure calendar arithmetic on 'YYYY-MM-DD' strings (UTC day numbers, no clock).

const DAY_MS = 86_400_000;

function dayNumber(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function monthStart(month: string): string {
  return `${month}-01`;
}

function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return dateOf(Date.UTC(y, m, 0) / DAY_MS);
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Months whose every day lies in [from, to]. */
function wholeMonths(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from.slice(0, 7); monthStart(m) <= to; m = nextMonth(m)) {
    if (monthStart(m) >= from && monthEnd(m) <= to) months.push(m);
  }
  return months;
}

interface IsoWeek {
  /** e.g. 2020-W05 */
  label: string;
  monday: string;
  sunday: string;
}

/** ISO weeks (Monday to Sunday) whose every day lies in [from, to]. */
function wholeIsoWeeks(from: string, to: string): IsoWeek[] {
  const start = dayNumber(from)!;
  const end = dayNumber(to)!;
  // 1970-01-01 (day 0) was a Thursday: Monday is 0 in ((n + 3) mod 7).
  const weekday = (((start + 3) % 7) + 7) % 7;
  const weeks: IsoWeek[] = [];
  for (let monday = weekday === 0 ? start : start + 7 - weekday; monday + 6 <= end; monday += 7) {
    const thursday = monday + 3;
    const isoYear = new Date(thursday * DAY_MS).getUTCFullYear();
    const jan1 = Date.UTC(isoYear, 0, 1) / DAY_MS;
    const week = Math.floor((thursday - jan1) / 7) + 1;
    weeks.push({ label: `${isoYear}-W${String(week).padStart(2, '0')}`, monday: dateOf(monday), sunday: dateOf(monday + 6) });
  }
  return weeks;
}

function checkPeriod(period: Period): void {
  const from = dayNumber(period.from);
  const to = dayNumber(period.to);
  if (from === undefined || to === undefined) {
    throw new KaoheError('bad-period', `a period runs between two dates written YYYY-MM-DD (got ${period.from} to ${period.to})`);
  }
  if (from > to) throw new KaoheError('bad-period', `the period's start ${period.from} is after its end ${period.to}`);
  if (!Number.isInteger(period.year)) throw new KaoheError('bad-period', `the period's year must be a whole number (got ${period.year})`);
}

function zhMonth(month: string): string {
  const [y, m] = month.split('-');
  return `${y}年${Number(m)}月`;
}

// ---------------------------------------------------------------------------------------
// Shared context and helpers.

class Context {
  readonly records: VillageRecords;
  readonly period: Period;
  readonly households = new Map<number, HouseholdRow>();
  readonly months: string[];
  readonly weeks: IsoWeek[];
  private readonly nodes = new Map<string, SchemeNode>();

  constructor(scheme: Scheme, records: VillageRecords, period: Period) {
    this.records = records;
    this.period = period;
    walk(scheme, (n) => this.nodes.set(n.code, n));
    for (const h of records.households) this.households.set(h.id, h);
    this.months = wholeMonths(period.from, period.to);
    this.weeks = wholeIsoWeeks(period.from, period.to);
  }

  inPeriod(date: string): boolean {
    return date >= this.period.from && date <= this.period.to;
  }

  /** The element code, only when the item's checklist has it. */
  element(item: string, code: string | undefined): { element?: string } {
    if (code === undefined) return {};
    return this.nodes.get(item)?.checklist?.some((e) => e.code === code) ? { element: code } : {};
  }

  household(id: number | null): HouseholdRow | undefined {
    return id === null ? undefined : this.households.get(id);
  }
}

type Rule<K extends keyof DeriveRules> = NonNullable<DeriveRules[K]>;

/** Compares strings by code unit: the same on every machine and locale. */
function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts a copy by the given keys in turn. */
function sortBy<T>(rows: readonly T[], ...keys: Array<(row: T) => string | number>): T[] {
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const c = cmp(k(a), k(b));
      if (c !== 0) return c;
    }
    return 0;
  });
}

const id = (row: { id?: number }) => row.id ?? -1;

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** FNV-1a, 32 bits, hex: a short stable stand-in for long free text in a key. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function clip(text: string, max = 40): string {
  const chars = [...text.trim()];
  return chars.length > max ? chars.slice(0, max).join('') + '…' : chars.join('');
}

/** Sorts by the scheme's item order, then key; drops repeats of a key (the first in that order stays). */
function finish(suggestions: Suggestion[], scheme: Scheme): Suggestion[] {
  const order = new Map<string, number>();
  walk(scheme, (n) => order.set(n.code, order.size));
  const rank = (s: Suggestion) => order.get(s.item) ?? Number.MAX_SAFE_INTEGER;
  const tagged = suggestions.map((s) => ({ s, rank: rank(s), json: JSON.stringify(s) }));
  tagged.sort((a, b) => a.rank - b.rank || cmp(a.s.item, b.s.item) || cmp(a.s.key, b.s.key) || cmp(a.json, b.json));
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  for (const { s } of tagged) {
    if (seen.has(s.key)) continue;
    seen.add(s.key);
    out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// 1.3: topic meetings every month, with minutes; a team-leader meeting every week.

function topicMeetings(ctx: Context, rule: Rule<'topicMeetings'>): Suggestion[] {
  const out: Suggestion[] = [];
  const topic = ctx.records.meetings.filter((m) => m.kind === 'topic');
  // No topic meeting entered in the whole period: no evidence that none was held.
  if (ctx.months.length > 0 && !topic.some((m) => inPeriod(ctx, m.date)))
    return [noRecordsNote(ctx, rule, 'topic-meetings', { zh: '扶贫专题会议记录', en: 'topic meeting records' }, ctx.months.length)];
  for (const month of ctx.months) {
    const held = sortBy(
      topic.filter((m) => m.date.slice(0, 7) === month),
      (m) => m.date,
      id,
    );
    if (held.length === 0) {
      out.push({
        item: rule.item,
        key: `${rule.item}:monthly-meeting:${month}`,
        count: 1,
        ...ctx.element(rule.item, rule.element),
        summary: { zh: `${zhMonth(month)}无扶贫专题会议`, en: `No topic meeting in ${month}` },
        records: [{ table: 'meetings', label: `${monthStart(month)} 至 ${monthEnd(month)}：无扶贫专题会议记录` }],
      });
    } else if (held.every((m) => !m.has_minutes)) {
      out.push({
        item: rule.item,
        key: `${rule.item}:minutes:${month}`,
        count: 1,
        ...ctx.element(rule.item, rule.minutesElement),
        summary: {
          zh: `${zhMonth(month)}的扶贫专题会议均无会议记录`,
          en: `No minutes of any topic meeting in ${month}`,
        },
        records: held.map((m) => ({ table: 'meetings', id: m.id, label: `${m.date} 扶贫专题会议${m.topic ? `「${clip(m.topic)}」` : ''}：无会议记录` })),
      });
    }
  }
  return out;
}

function leaderMeetings(ctx: Context, rule: Rule<'leaderMeetings'>): Suggestion[] {
  const dates = ctx.records.meetings.filter((m) => m.kind === 'leader').map((m) => m.date);
  // No leader meeting entered in the whole period: no evidence that none was held.
  if (ctx.weeks.length > 0 && !dates.some((d) => inPeriod(ctx, d)))
    return [noRecordsNote(ctx, rule, 'leader-meetings', { zh: '工作队长碰头会记录', en: 'team-leader meeting records' }, ctx.weeks.length)];
  const missed = ctx.weeks.filter((w) => !dates.some((d) => d >= w.monday && d <= w.sunday));
  const weekZh = (w: IsoWeek) => `${w.label.slice(0, 4)}年第${Number(w.label.slice(6))}周（${w.monday} 至 ${w.sunday}）`;
  if (rule.per === 'week') {
    return missed.map((w) => ({
      item: rule.item,
      key: `${rule.item}:weekly-meeting:${w.label}`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      summary: {
        zh: `${weekZh(w)}无工作队长碰头会（每缺一周计一次）`,
        en: `No team-leader meeting in week ${w.label} (${w.monday} to ${w.sunday}); each week missed counts once`,
      },
      records: [{ table: 'meetings', label: `工作队长碰头会记录：${w.monday} 至 ${w.sunday} 无` }],
    }));
  }
  // A week belongs to the month of its Thursday (as ISO weeks belong to years); a month counts once.
  const out: Suggestion[] = [];
  for (const month of ctx.months) {
    const weeks = ctx.weeks.filter((w) => dateOf(dayNumber(w.monday)! + 3).slice(0, 7) === month);
    const gaps = missed.filter((w) => weeks.includes(w));
    if (gaps.length === 0) continue;
    out.push({
      item: rule.item,
      key: `${rule.item}:weekly-meeting:${month}`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      summary: {
        zh: `${zhMonth(month)}有${gaps.length}周（共${weeks.length}周）无工作队长碰头会（每月计一次）`,
        en: `${month}: ${gaps.length} of ${weeks.length} weeks without a team-leader meeting (counted once a month)`,
      },
      records: gaps.map((w) => ({ table: 'meetings', label: `工作队长碰头会记录：${weekZh(w)}无` })),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// 2.2.1: the system record agrees with the handbook and the collection form.

const FIELD_NAMES: Record<ComparedField, { zh: string; en: string }> = {
  head_name: { zh: '户主姓名', en: 'head of household' },
  head_id_number: { zh: '户主身份证号', en: "head's ID number" },
  size: { zh: '家庭人口数', en: 'household size' },
  workers: { zh: '劳动力人数', en: 'workers' },
  attribute: { zh: '贫困户属性', en: 'household attribute' },
  main_cause: { zh: '主要致贫原因', en: 'main cause of poverty' },
  status: { zh: '贫困户状态', en: 'status' },
  income_fen: { zh: '人均纯收入（元）', en: 'income per person (yuan)' },
  phone: { zh: '联系电话', en: 'phone' },
};

const SOURCE_NAMES: Record<HouseholdSourceKind, { zh: string; en: string }> = {
  handbook: { zh: '扶贫手册', en: 'handbook' },
  'collection-form': { zh: '信息采集表', en: 'collection form' },
};

const NUMERIC_FIELDS = new Set<ComparedField>(['size', 'workers', 'income_fen']);

type Value = string | number | null;

/** Trimmed text (an empty one is no value), numbers as numbers, ID numbers in upper case. */
function normalise(field: ComparedField, raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  const s = String(raw).trim();
  if (s === '') return null;
  if (NUMERIC_FIELDS.has(field)) {
    const n = Number(s);
    return Number.isFinite(n) ? n : s;
  }
  return field === 'head_id_number' ? s.toUpperCase() : s;
}

/** A value as the inspector reads it: ID numbers masked, income in yuan. */
function show(field: ComparedField, v: Value, lang: 'zh' | 'en'): string {
  if (v === null) return lang === 'zh' ? '空' : 'empty';
  if (field === 'head_id_number') return maskIdNumber(String(v));
  if (field === 'income_fen' && typeof v === 'number') return (v / 100).toFixed(2);
  return String(v);
}

/** Where two ID numbers differ, when their masked forms look alike (never the characters themselves). */
function idDifference(a: Value, b: Value): { zh: string; en: string } {
  if (a === null || b === null) return { zh: '', en: '' };
  const x = String(a);
  const y = String(b);
  if (maskIdNumber(x) !== maskIdNumber(y)) return { zh: '', en: '' };
  if (x.length !== y.length) return { zh: '（位数不同）', en: ' (lengths differ)' };
  const at: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) at.push(i + 1);
  return { zh: `（第${at.join('、')}位不同）`, en: ` (differ at character${at.length > 1 ? 's' : ''} ${at.join(', ')})` };
}

function recordsAgree(ctx: Context, rule: Rule<'recordsAgree'>): Suggestion[] {
  const byNo = new Map(ctx.records.households.map((h) => [h.household_no, h]));
  const out: Suggestion[] = [];
  const sources = sortBy(
    ctx.records.householdSources.filter((src) => byNo.has(src.household_no) && rule.sources.includes(src.source)),
    (s) => s.household_no,
    (s) => s.source,
    id,
  );
  // One error per wrong value: a field that differs in the handbook and the collection form alike is one error.
  for (const [no, mine] of groupBy(sources, (s) => s.household_no)) {
    const h = byNo.get(no)!;
    for (const field of rule.fields) {
      const system = normalise(field, h[field]);
      const differing = mine.filter((src) => normalise(field, (src as HouseholdSource)[field]) !== system);
      if (differing.length === 0) continue;
      const label = FIELD_NAMES[field];
      const shown = (lang: 'zh' | 'en') =>
        differing
          .map((src) => {
            const other = normalise(field, (src as HouseholdSource)[field]);
            const diff = field === 'head_id_number' ? idDifference(system, other)[lang] : '';
            return `${SOURCE_NAMES[src.source][lang]} ${show(field, other, lang)}${diff}`;
          })
          .join(lang === 'zh' ? '，' : ', ');
      out.push({
        item: rule.item,
        key: `${rule.item}:records-agree:${h.household_no}:${field}`,
        count: 1,
        ...ctx.element(rule.item, rule.element),
        household: h.household_no,
        summary: {
          zh: `户 ${h.household_no}（户主 ${h.head_name}）${label.zh}：系统 ${show(field, system, 'zh')}，${shown('zh')}（一处错误）`,
          en: `Household ${h.household_no}: ${label.en}: system ${show(field, system, 'en')}, ${shown('en')} (one error)`,
        },
        records: [
          { table: 'households', id: h.id, label: `户 ${h.household_no} 系统记录：${label.zh} ${show(field, system, 'zh')}` },
          ...differing.map((src) => ({
            table: 'household_sources',
            ...(src.id !== undefined ? { id: src.id } : {}),
            label: `户 ${h.household_no} ${SOURCE_NAMES[src.source].zh}：${label.zh} ${show(field, normalise(field, (src as HouseholdSource)[field]), 'zh')}`,
          })),
        ],
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// 2.3.1 policy awareness and 2.5.5 satisfaction surveys.

const SAMPLE_TEXT: Record<SurveySample, { zh: string; en: string }> = {
  'latest-per-household': { zh: '各户最近一次调查', en: "each household's latest survey" },
  'whole-period': { zh: '考核期内全部调查', en: 'every survey of the period' },
};

/**
 * The survey sample a rule judges: the answers of the given kind in the period, of known
 * households; with 'latest-per-household', only each household's latest survey date (the
 * assessment's own visit), not the answers of earlier checks in the year.
 */
function surveySample(ctx: Context, kind: SurveyRow['kind'], sample: SurveySample): SurveyRow[] {
  const rows = ctx.records.surveys.filter((s) => s.kind === kind && ctx.inPeriod(s.date) && ctx.household(s.household_id));
  if (sample === 'whole-period') return rows;
  const latest = new Map<number, string>();
  for (const s of rows) if ((latest.get(s.household_id) ?? '') < s.date) latest.set(s.household_id, s.date);
  return rows.filter((s) => latest.get(s.household_id) === s.date);
}

function policyAwareness(ctx: Context, rule: Rule<'policyAwareness'>): Suggestion[] {
  const sample = surveySample(ctx, 'awareness', rule.sample);
  const sampled = new Set(sample.map((s) => s.household_id)).size;
  const out: Suggestion[] = [];
  // One case per household that does not know a policy, however many questions it missed.
  for (const [householdId, rows] of groupBy(
    sample.filter((s) => s.answer === 'unaware'),
    (s) => s.household_id,
  )) {
    const h = ctx.household(householdId)!;
    const sorted = sortBy(
      rows,
      (s) => s.date,
      (s) => s.topic,
      id,
    );
    const topics = [...new Set(sorted.map((s) => clip(s.topic)))];
    out.push({
      item: rule.item,
      key: `${rule.item}:unaware:${h.household_no}`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      household: h.household_no,
      summary: {
        zh: `户 ${h.household_no}（户主 ${h.head_name}）政策不知晓一例：不知晓${topics.map((t) => `「${t}」`).join('、')}（${SAMPLE_TEXT[rule.sample].zh}，共调查${sampled}户）`,
        en: `Household ${h.household_no}: one case of a policy not known (${topics.length} polic${topics.length > 1 ? 'ies' : 'y'}: ${topics.join('; ')}); sample: ${SAMPLE_TEXT[rule.sample].en}, ${sampled} household${sampled === 1 ? '' : 's'}`,
      },
      records: sorted.map((s) => ({ table: 'surveys', id: s.id, label: `${s.date} 政策知晓调查：户 ${h.household_no} ${s.respondent}，「${clip(s.topic)}」：不知晓` })),
    });
  }
  return out;
}

const SATISFACTION_ZH: Record<string, string> = { satisfied: '满意', basic: '基本满意', dissatisfied: '不满意' };

function percent(n: number, of: number): string {
  return `${((100 * n) / of).toFixed(1).replace(/\.0$/, '')}%`;
}

function satisfaction(ctx: Context, rule: Rule<'satisfaction'>): Suggestion[] {
  const sample = surveySample(ctx, 'satisfaction', rule.sample);
  const sampled = new Set(sample.map((s) => s.household_id));
  const below = sortBy(
    sample.filter((s) => s.answer === 'basic' || s.answer === 'dissatisfied'),
    (s) => ctx.household(s.household_id)!.household_no,
    (s) => s.date,
    (s) => s.respondent,
    (s) => s.topic,
    id,
  );
  if (below.length === 0) return [];
  const households = new Set(below.map((s) => s.household_id));
  if (households.size / sampled.size <= rule.maxShareBelow) return [];
  const rate = percent(households.size, sampled.size);
  const allowed = rule.maxShareBelow === 0 ? '任一户' : `超过${percent(rule.maxShareBelow, 1)}`;
  return [
    {
      item: rule.item,
      key: `${rule.item}:satisfaction`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      summary: {
        zh: `满意度调查（${SAMPLE_TEXT[rule.sample].zh}）：${sampled.size}户中${households.size}户（${rate}）回答“基本满意”或“不满意”，共${below.length}个回答；${allowed}不满意即不得分`,
        en: `Satisfaction survey (${SAMPLE_TEXT[rule.sample].en}): ${households.size} of ${sampled.size} households (${rate}) answered "basically satisfied" or "dissatisfied" (${below.length} answers); the item is lost when ${rule.maxShareBelow === 0 ? 'any household' : `more than ${percent(rule.maxShareBelow, 1)}`} does`,
      },
      records: below.map((s) => ({
        table: 'surveys',
        id: s.id,
        label: `${s.date} 户 ${ctx.household(s.household_id)!.household_no} ${s.respondent} 对${clip(s.topic)}：${SATISFACTION_ZH[s.answer] ?? s.answer}`,
      })),
    },
  ];
}

/**
 * A measured rate from the satisfaction surveys: ONE suggestion carrying the value (each term's
 * count of answers, or the numerator's, over 有效票: every answer of the sample). No survey in the
 * period: nothing is measured, and nothing suggested (the item keeps its points until measured,
 * or earns none, as the scheme's `unmeasured` says).
 */
function satisfactionRate(ctx: Context, rule: Rule<'satisfactionRate'>): Suggestion[] {
  const sample = sortBy(
    surveySample(ctx, 'satisfaction', rule.sample),
    (s) => ctx.household(s.household_id)!.household_no,
    (s) => s.date,
    (s) => s.respondent,
    (s) => s.topic,
    id,
  );
  if (sample.length === 0) return [];
  const of = (answer: string) => sample.filter((s) => s.answer === answer).length;
  const counts = SATISFACTION_ANSWERS.map((a) => `${SATISFACTION_ZH[a]}${of(a)}票`).join('、');
  const countsEn = SATISFACTION_ANSWERS.map((a) => `${of(a)} ${a}`).join(', ');
  const households = new Set(sample.map((s) => s.household_id)).size;
  const num = rule.terms ? Object.fromEntries(Object.entries(rule.terms).map(([term, answer]) => [term, of(answer)])) : rule.numerator!.reduce((n, a) => n + of(a), 0);
  return [
    {
      item: rule.item,
      key: `${rule.item}:satisfaction-rate`,
      count: 1,
      value: { num, of: sample.length },
      summary: {
        zh: `满意度调查（${SAMPLE_TEXT[rule.sample].zh}，${households}户）：有效票${sample.length}票，其中${counts}；按调查结果录入实测值`,
        en: `Satisfaction survey (${SAMPLE_TEXT[rule.sample].en}, ${households} household${households === 1 ? '' : 's'}): ${sample.length} valid answers, ${countsEn}; recorded as the measured value`,
      },
      records: sample.map((s) => ({
        table: 'surveys',
        id: s.id,
        label: `${s.date} 户 ${ctx.household(s.household_id)!.household_no} ${s.respondent} 对${clip(s.topic)}：${SATISFACTION_ZH[s.answer] ?? s.answer}`,
      })),
    },
  ];
}

// ---------------------------------------------------------------------------------------
// 2.4.1: days on duty, and the leader's "ten ones".

function personKey(idNumber: string): string {
  return idNumber.trim().toUpperCase();
}

/** A duty_days row in words: 在岗18天、请假2天、公差1天 (leave and trips only where recorded and not 0). */
function dutyLabel(d: DutyDayRow): string {
  return [`在岗${d.days}天`, ...(d.leave_days ? [`请假${d.leave_days}天`] : []), ...(d.trip_days ? [`公差${d.trip_days}天`] : [])].join('、');
}

function dutyDays(ctx: Context, rule: Rule<'dutyDays'>): Suggestion[] {
  interface Person {
    name: string;
    leader: boolean;
    /** The team_members rows (terms on the team); none for someone known only from duty_days. */
    terms: Array<{ id: number; start?: string | null; end?: string | null }>;
  }
  const people = new Map<string, Person>();
  for (const m of sortBy(
    ctx.records.teamMembers,
    (m) => personKey(m.id_number),
    (m) => m.start_date ?? '',
    id,
  )) {
    const k = personKey(m.id_number);
    const person = people.get(k) ?? { name: m.name, leader: false, terms: [] };
    person.leader ||= Boolean(m.is_leader);
    person.terms.push({ id: m.id, start: m.start_date, end: m.end_date });
    people.set(k, person);
  }
  const rows = sortBy(
    ctx.records.dutyDays,
    (d) => personKey(d.person_id_number),
    (d) => d.month,
    id,
  );
  for (const d of rows) {
    const k = personKey(d.person_id_number);
    if (!people.has(k)) people.set(k, { name: d.person_name, leader: false, terms: [] });
  }
  const months = new Set(ctx.months);
  const rowsOf = groupBy(rows, (d) => personKey(d.person_id_number));
  const out: Suggestion[] = [];
  for (const [k, person] of people) {
    const mine = rowsOf.get(k) ?? [];
    // A team member is held to the months of the period they served whole; someone known
    // only from duty_days, to the months they have rows for.
    const term = (month: string) => person.terms.find((t) => (!t.start || t.start <= monthStart(month)) && (!t.end || t.end >= monthEnd(month)));
    const checked = person.terms.length > 0 ? ctx.months.filter((month) => term(month)) : [...new Set(mine.map((d) => d.month))].filter((month) => months.has(month));
    const who = `${person.name}${person.leader ? '（队长）' : ''}`;
    const whoEn = `${person.name}${person.leader ? ' (team leader)' : ''}`;
    const short: Array<{ month: string; days: number }> = [];
    const records: SuggestionRecord[] = [];
    // Whether every short month's rows say their leave and trips (0 included): then the note
    // need not send the inspector to the leave book.
    let leaveKnown = true;
    for (const month of checked) {
      const got = mine.filter((d) => d.month === month);
      // Approved leave and official trips count as on duty.
      const days = got.reduce((sum, d) => sum + d.days + (d.leave_days ?? 0) + (d.trip_days ?? 0), 0);
      if (days >= rule.minDaysPerMonth) continue;
      short.push({ month, days });
      leaveKnown &&= got.length > 0 && got.every((d) => d.leave_days != null && d.trip_days != null);
      if (got.length === 0) records.push({ table: 'duty_days', label: `${person.name} ${zhMonth(month)}：无在岗记录` });
      else for (const d of got) records.push({ table: 'duty_days', id: d.id, label: `${person.name} ${zhMonth(month)}：${dutyLabel(d)}` });
    }
    if (short.length === 0) continue;
    const served = person.terms[0];
    if (served) records.unshift({ table: 'team_members', id: served.id, label: `工作队员 ${who}` });
    // A note, not a deduction: the source requires the days but penalises only the "ten ones".
    out.push({
      item: rule.item,
      key: `${rule.item}:duty-days:${maskIdNumber(k)} ${person.name}`,
      count: 0,
      ...ctx.element(rule.item, rule.element),
      summary: {
        zh: `【提示，不扣分】${who} ${short.length}个月在岗少于${rule.minDaysPerMonth}天（${short.map((m) => `${zhMonth(m.month)}${m.days}天`).join('、')}，经批准的请假、公差已计为在岗）；细则对在岗天数未设扣分${leaveKnown ? '' : '，未登记请假、公差的月份请核对请假和公差记录'}`,
        en: `Note, no deduction: ${whoEn} was on duty fewer than ${rule.minDaysPerMonth} days in ${short.length} month${short.length > 1 ? 's' : ''} (${short.map((m) => `${m.month}: ${m.days}`).join(', ')}, approved leave and official trips counted as on duty); the source sets no penalty for days on duty${leaveKnown ? '' : ': where no leave or trips are recorded, check the leave book'}`,
      },
      records,
    });
  }
  return out;
}

function leaderDuties(ctx: Context, rule: Rule<'leaderDuties'>): Suggestion[] {
  const first = ctx.period.from.slice(0, 7);
  const last = ctx.period.to.slice(0, 7);
  const missed = ctx.records.leaderDuties.filter((d) => !d.done && (!d.month || (d.month >= first && d.month <= last)));
  // 「十个一」有一个完成不了，扣10分: one per duty not fulfilled in the period, however many of its months failed.
  return [...groupBy(missed, (d) => d.element)].map(([element, rows]) => {
    const months = [...new Set(rows.flatMap((d) => (d.month ? [d.month] : [])))].sort(cmp);
    const title = rows[0]!.title;
    return {
      item: rule.item,
      key: `${rule.item}:ten-ones:${element}`,
      count: 1,
      ...ctx.element(rule.item, element),
      summary: {
        zh: `工作队长“十个一”未完成：${title}${months.length ? `（${months.map(zhMonth).join('、')}）` : ''}`,
        en: `Team leader's "ten ones" duty not done: ${title}${months.length ? ` (${months.join(', ')})` : ''}`,
      },
      records: rows.map((d) => ({ table: 'leader_duties', label: `“十个一” ${element} ${d.title}${d.month ? ` ${zhMonth(d.month)}` : ''}：未完成` })),
    };
  });
}

// ---------------------------------------------------------------------------------------
// 2.5.3 Rain-and-Dew students, 2.5.4 home visits.

function rainDew(ctx: Context, rule: Rule<'rainDew'>): Suggestion[] {
  const out: Suggestion[] = [];
  for (const s of ctx.records.students) {
    const h = ctx.household(s.household_id);
    if (!h || s.school_year !== ctx.period.year || !s.eligible || (s.notified && s.applied)) continue;
    const what = !s.notified ? { zh: '未告知申报', en: 'not told to apply' } : { zh: '已告知但未申报', en: 'told but did not apply' };
    out.push({
      item: rule.item,
      key: `${rule.item}:rain-dew:${h.household_no}:${s.name}:${s.school_year}`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      household: h.household_no,
      summary: {
        zh: `户 ${h.household_no} 学生 ${s.name}（${s.school_year}学年）符合雨露计划条件，${what.zh}`,
        en: `Student ${s.name} of household ${h.household_no} (school year ${s.school_year}) eligible for Rain-and-Dew, ${what.en}`,
      },
      records: [
        {
          table: 'students',
          id: s.id,
          label: `${s.name}（户 ${h.household_no}，${s.school_year}学年）：符合条件，${s.notified ? '已告知' : '未告知'}，${s.applied ? '已申报' : '未申报'}`,
        },
      ],
    });
  }
  return out;
}

const EVERY_TEXT: Record<VisitPeriod, { zh: string; en: string }> = {
  month: { zh: '每月', en: 'a month' },
  quarter: { zh: '每季度', en: 'a quarter' },
  period: { zh: '考核期内', en: 'in the period' },
};

/** The windows a visit requirement is judged over: whole months, whole quarters, or the period. */
function visitWindows(ctx: Context, every: VisitPeriod): Array<{ label: string; from: string; to: string }> {
  if (every === 'period') return [{ label: `${ctx.period.from} 至 ${ctx.period.to}`, from: ctx.period.from, to: ctx.period.to }];
  if (every === 'month') return ctx.months.map((m) => ({ label: zhMonth(m), from: monthStart(m), to: monthEnd(m) }));
  const out: Array<{ label: string; from: string; to: string }> = [];
  for (const m of ctx.months) {
    const [y, mo] = m.split('-').map(Number) as [number, number];
    if ((mo - 1) % 3 !== 0) continue;
    const third = nextMonth(nextMonth(m));
    if (!ctx.months.includes(third)) continue;
    out.push({ label: `${y}年第${(mo + 2) / 3}季度`, from: monthStart(m), to: monthEnd(third) });
  }
  return out;
}

function homeVisits(ctx: Context, rule: Rule<'homeVisits'>): Suggestion[] {
  const judged = homeVisitsJudged(ctx, rule);
  // A period holding no whole window of the leader's rule (a quarter, by default, in a period of
  // a month or two) cannot judge it: said as a note, not dropped in silence.
  if (rule.leaderVisits > 0 && rule.leaderEvery !== 'period' && ctx.months.length > 0 && visitWindows(ctx, rule.leaderEvery).length === 0) {
    const every = EVERY_TEXT[rule.leaderEvery];
    judged.push({
      item: rule.item,
      key: `${rule.item}:leader-visits:not-judged`,
      count: 0,
      ...ctx.element(rule.item, rule.element),
      summary: {
        zh: `【提示，不扣分】本期（${ctx.period.from} 至 ${ctx.period.to}）不含完整的考核周期，工作队长${every.zh}入户${rule.leaderVisits}次的要求无法据登记判断，请查阅入户记录`,
        en: `Note, no deduction: the period (${ctx.period.from} to ${ctx.period.to}) holds no whole window of the team leader's rule (${rule.leaderVisits} visit(s) ${every.en}): it cannot be judged from the registry; read the visit records`,
      },
      records: [],
    });
  }
  return judged;
}

function homeVisitsJudged(ctx: Context, rule: Rule<'homeVisits'>): Suggestion[] {
  let required = 0;
  const shortfalls: Array<{ no: string; from: string; record: SuggestionRecord }> = [];
  const visitsOf = groupBy(ctx.records.visits, (v) => v.household_id);
  const count = (householdId: number, from: string, to: string, ok: (v: { visitor_role: string; visitor_name: string }) => boolean) =>
    (visitsOf.get(householdId) ?? []).filter((v) => v.date >= from && v.date <= to && ok(v)).length;
  // Each helper, for each assigned household, over the windows the assignment covers whole.
  if (rule.helperVisits > 0) {
    for (const a of sortBy(
      ctx.records.helperAssignments,
      (a) => a.household_id,
      (a) => a.start_date,
      id,
    )) {
      const h = ctx.household(a.household_id);
      if (!h) continue;
      for (const w of visitWindows(ctx, rule.helperEvery)) {
        if (a.start_date > w.from || (a.end_date !== null && a.end_date < w.to)) continue;
        required++;
        const n = count(h.id, w.from, w.to, (v) => v.visitor_role === 'helper' && v.visitor_name.trim() === a.helper_name.trim());
        if (n >= rule.helperVisits) continue;
        shortfalls.push({
          no: h.household_no,
          from: w.from,
          record: { table: 'visits', label: `户 ${h.household_no} ${w.label}：帮扶责任人 ${a.helper_name} 入户${n}次，要求${rule.helperVisits}次` },
        });
      }
    }
  }
  // The team leader, every household of the village.
  if (rule.leaderVisits > 0) {
    for (const h of sortBy([...ctx.households.values()], (h) => h.household_no)) {
      for (const w of visitWindows(ctx, rule.leaderEvery)) {
        required++;
        const n = count(h.id, w.from, w.to, (v) => v.visitor_role === 'leader');
        if (n >= rule.leaderVisits) continue;
        shortfalls.push({
          no: h.household_no,
          from: w.from,
          record: { table: 'visits', label: `户 ${h.household_no} ${w.label}：工作队长入户${n}次，要求${rule.leaderVisits}次` },
        });
      }
    }
  }
  if (required === 0 || shortfalls.length === 0) return [];
  // A village whose registry holds no visit at all has not had its visits entered: that is no
  // evidence that nobody visited. The inspector is told to read the paper records instead.
  if (ctx.records.visits.length === 0) return [noRecordsNote(ctx, rule, 'home-visits', { zh: '入户走访记录', en: 'home visit records' }, required)];
  const met = required - shortfalls.length;
  if (met / required >= rule.minShareMet) return [];
  const sorted = sortBy(
    shortfalls,
    (s) => s.no,
    (s) => s.from,
    (s) => s.record.label,
  );
  const households = new Set(sorted.map((s) => s.no)).size;
  const req = `帮扶责任人对所帮扶户${EVERY_TEXT[rule.helperEvery].zh}入户${rule.helperVisits}次，工作队长对每户${EVERY_TEXT[rule.leaderEvery].zh}入户${rule.leaderVisits}次`;
  const reqEn = `each helper visits each assigned household ${rule.helperVisits} time(s) ${EVERY_TEXT[rule.helperEvery].en}, the team leader every household ${rule.leaderVisits} time(s) ${EVERY_TEXT[rule.leaderEvery].en}`;
  return [
    {
      item: rule.item,
      key: `${rule.item}:home-visits`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      summary: {
        zh: `入户次数不达标：应入户${required}项，达标${met}项（${percent(met, required)}），${households}户有${sorted.length}项不足（本县要求：${req}；达标率须不低于${percent(rule.minShareMet, 1)}）`,
        en: `Home visits below the required count: ${met} of ${required} visit requirements met (${percent(met, required)}); ${sorted.length} shortfall${sorted.length > 1 ? 's' : ''} in ${households} household${households > 1 ? 's' : ''} (the county's rule: ${reqEn}; at least ${percent(rule.minShareMet, 1)} must be met)`,
      },
      records: sorted.map((s) => s.record),
    },
  ];
}

// ---------------------------------------------------------------------------------------
// 2.6: village and household exit in the period's year.

function villageExit(ctx: Context, rule: Rule<'villageExit'>): Suggestion[] {
  const v = ctx.records.village;
  const year = ctx.period.year;
  if (!v.poverty_village || v.planned_exit_year !== year || (v.exit_year !== null && v.exit_year <= year)) return [];
  return [
    {
      item: rule.item,
      key: `${rule.item}:village-exit`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      summary: {
        zh: `贫困村 ${v.name} 计划${year}年出列，未出列`,
        en: `Poverty village ${v.name} was due to exit in ${year} and did not`,
      },
      records: [{ table: 'areas', label: `${v.name}（${v.code}）：贫困村，计划出列${year}年，实际出列${v.exit_year === null ? '无' : `${v.exit_year}年`}` }],
    },
  ];
}

function householdExit(ctx: Context, rule: Rule<'householdExit'>): Suggestion[] {
  const year = ctx.period.year;
  return ctx.records.households
    .filter((h) => h.planned_exit_year === year && (h.status !== rule.exitedStatus || h.exit_year === null || h.exit_year > year))
    .map((h) => ({
      item: rule.item,
      key: `${rule.item}:household-exit:${h.household_no}`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      household: h.household_no,
      summary: {
        zh: `户 ${h.household_no}（户主 ${h.head_name}）计划${year}年脱贫，未脱贫`,
        en: `Household ${h.household_no} was due to exit in ${year} and did not`,
      },
      records: [{ table: 'households', id: h.id, label: `户 ${h.household_no}：计划脱贫${year}年，状态 ${h.status}，脱贫年份${h.exit_year === null ? '无' : h.exit_year}` }],
    }));
}

// ---------------------------------------------------------------------------------------
// 3.1.3: the entry and exit papers (申请表、评议表、两公示一公告) of the period's year.

const STAGE_TEXT: Record<PublicityRow['stage'], { zh: string; element: string }> = {
  application: { zh: '申请表', element: 'application' },
  review: { zh: '评议表', element: 'review' },
  'first-publication': { zh: '第一次公示', element: 'publicity' },
  'second-publication': { zh: '第二次公示', element: 'publicity' },
  announcement: { zh: '公告', element: 'publicity' },
};
const ELEMENT_TEXT: Record<string, { zh: string; en: string }> = {
  application: { zh: '申请表', en: 'application forms' },
  review: { zh: '评议表', en: 'review forms' },
  publicity: { zh: '两公示一公告', en: 'two publications and one announcement' },
};

function inPeriod(ctx: Context, date: string): boolean {
  return date >= ctx.period.from && date <= ctx.period.to;
}

/**
 * A note (no deduction) for a rule whose records the village's registry does not hold at all:
 * the requirement cannot be judged from the registry, so the inspector checks the paper records.
 */
function noRecordsNote(ctx: Context, rule: { item: string; element?: string }, what: string, records: { zh: string; en: string }, cases: number): Suggestion {
  return {
    item: rule.item,
    key: `${rule.item}:${what}:no-records`,
    count: 0,
    ...ctx.element(rule.item, rule.element),
    summary: {
      zh: `【提示，不扣分】登记中没有本村的${records.zh}（应核对${cases}项）：无法据登记判断，请查阅纸质台账`,
      en: `Note, no deduction: the registry holds no ${records.en} for this village (${cases} to check): the requirement cannot be judged from the registry; read the paper records`,
    },
    records: [],
  };
}

function publicity(ctx: Context, rule: Rule<'publicity'>): Suggestion[] {
  const steps = ctx.records.publicity;
  if (!steps) return [];
  const year = ctx.period.year;
  const missing: Array<{ h: HouseholdRow; procedure: 'entry' | 'exit'; stage: PublicityRow['stage'] }> = [];
  for (const h of sortBy([...ctx.households.values()], (h) => h.household_no)) {
    for (const procedure of ['entry', 'exit'] as const) {
      const due = procedure === 'entry' ? h.identified_year === year : h.exit_year === year;
      if (!due) continue;
      const have = new Set(steps.filter((p) => p.household_id === h.id && p.procedure === procedure).map((p) => p.stage));
      for (const stage of Object.keys(STAGE_TEXT) as Array<PublicityRow['stage']>) if (!have.has(stage)) missing.push({ h, procedure, stage });
    }
  }
  // No publicity record at all for the village: not entered, which proves nothing missing.
  if (steps.length === 0 && missing.length > 0)
    return [noRecordsNote(ctx, rule, 'papers', { zh: '公示公告记录', en: 'publicity records' }, new Set(missing.map((m) => `${m.h.id}:${m.procedure}`)).size)];
  const procZh = (p: 'entry' | 'exit') => (p === 'entry' ? `${year}年识别（进入）` : `${year}年脱贫（退出）`);
  const label = (m: (typeof missing)[number]) => `户 ${m.h.household_no}（户主 ${m.h.head_name}）${procZh(m.procedure)}：无${STAGE_TEXT[m.stage].zh}`;
  const groups = groupBy(missing, (m) => (rule.per === 'element' ? STAGE_TEXT[m.stage].element : `${m.h.household_no}:${m.procedure}:${STAGE_TEXT[m.stage].element}`));
  return [...groups].map(([k, rows]) => {
    const element = STAGE_TEXT[rows[0]!.stage].element;
    const text = ELEMENT_TEXT[element]!;
    const cases = new Set(rows.map((m) => `${m.h.household_no}:${m.procedure}`)).size;
    return {
      item: rule.item,
      key: `${rule.item}:papers:${k}`,
      count: 1,
      ...ctx.element(rule.item, element),
      ...(rule.per === 'case' ? { household: rows[0]!.h.household_no } : {}),
      summary: {
        zh: `缺少${text.zh}：${year}年进入和退出的户中${cases}户（次）的${[...new Set(rows.map((m) => STAGE_TEXT[m.stage].zh))].join('、')}无记录`,
        en: `Missing ${text.en}: no record for ${cases} of the ${year} entries and exits`,
      },
      records: rows.map((m) => ({ table: 'publicity', label: label(m) })),
    };
  });
}

// ---------------------------------------------------------------------------------------
// 3.2.1 reports, 3.4.1 meeting absences, 3.5.1 petitions.

const REPORT_STATUS_TEXT: Record<ReportStatus, { zh: string; en: string }> = {
  'on-time': { zh: '按时报送', en: 'on time' },
  late: { zh: '延报', en: 'late' },
  returned: { zh: '错报退回', en: 'returned as wrong' },
  missing: { zh: '未报', en: 'not submitted' },
};

function reports(ctx: Context, rule: Rule<'reports'>): Suggestion[] {
  return ctx.records.reports
    .filter((r) => ctx.inPeriod(r.deadline) && (rule.statuses as string[]).includes(r.status))
    .map((r) => {
      const status = REPORT_STATUS_TEXT[r.status];
      return {
        item: rule.item,
        key: `${rule.item}:report:${r.deadline}:${r.title}`,
        count: 1,
        ...ctx.element(rule.item, rule.element),
        summary: {
          zh: `${r.title}（报送时限 ${r.deadline}）${status.zh}`,
          en: `Report "${r.title}" (due ${r.deadline}): ${status.en}`,
        },
        records: [{ table: 'reports', id: r.id, label: `${r.title}：时限 ${r.deadline}，报送 ${r.submitted_date ?? '无'}，${status.zh}` }],
      };
    });
}

function meetingAbsence(ctx: Context, rule: Rule<'meetingAbsence'>): Suggestion[] {
  return ctx.records.meetingAttendance
    .filter((a) => a.status === 'absent' && ctx.inPeriod(a.date))
    .map((a) => ({
      item: rule.item,
      key: `${rule.item}:absence:${a.date}:${a.meeting}:${a.person_name}`,
      count: 1,
      ...ctx.element(rule.item, rule.element),
      summary: {
        zh: `${a.person_name} 无故缺席${a.organiser ?? ''}「${clip(a.meeting)}」（${a.date}）`,
        en: `${a.person_name} absent without leave from "${clip(a.meeting)}"${a.organiser ? ` (${a.organiser})` : ''} on ${a.date}`,
      },
      records: [{ table: 'meeting_attendance', id: a.id, label: `${a.date} ${clip(a.meeting)}：${a.person_name} 缺席，未请假` }],
    }));
}

function petitions(ctx: Context, rule: Rule<'petitions'>): Suggestion[] {
  const out: Suggestion[] = [];
  for (const p of sortBy(
    ctx.records.petitions.filter((p) => ctx.inPeriod(p.date) && (rule.kinds as string[]).includes(p.kind)),
    (p) => p.date,
    id,
  )) {
    const h = ctx.household(p.household_id);
    const deduct = Boolean(p.over_county) || !rule.overCountyOnly;
    // 越级去省市县上访: the registry marks a petition that went over the county; one to the county
    // itself is not marked, so an unhandled one is shown as a note for the inspector to check.
    if (!deduct && !(rule.unhandledAsNote && !p.handled)) continue;
    const kindZh = p.kind === 'petition' ? '上访' : '投诉';
    const what = p.over_county ? { zh: `越级${kindZh}（到县以上）`, en: `${p.kind} over the county's head` } : { zh: kindZh, en: p.kind };
    const who = h ? `（户 ${h.household_no}）` : '';
    out.push({
      item: rule.item,
      key: `${rule.item}:petition:${p.date}:${hash(p.summary)}`,
      count: deduct ? 1 : 0,
      ...ctx.element(rule.item, rule.element),
      ...(h ? { household: h.household_no } : {}),
      summary: deduct
        ? {
            zh: `${p.date} ${what.zh}${who}：${clip(p.summary)}${p.handled ? '' : '（未妥善处理）'}`,
            en: `${what.en[0]!.toUpperCase()}${what.en.slice(1)} on ${p.date}${h ? ` (household ${h.household_no})` : ''}${p.handled ? '' : ', not yet handled'}`,
          }
        : {
            zh: `【提示，不扣分】${p.date} ${kindZh}${who}未妥善处理：${clip(p.summary)}；登记未显示越级，请核实是否越级到县`,
            en: `Note, no deduction: ${p.kind} on ${p.date}${h ? ` (household ${h.household_no})` : ''} not yet handled; the registry does not show it went over anyone's head: check whether it went to the county`,
          },
      records: [{ table: 'petitions', id: p.id, label: `${p.date} ${what.zh}：${clip(p.summary)}，${p.handled ? '已处理' : '未处理'}` }],
    });
  }
  return out;
}
