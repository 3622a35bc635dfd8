/**
 * A unit's final result combined from several assessments (综合得分＝平时考核×30%＋年终考核×70%
 * ＋加分－扣分；平时考核为四个季度督查得分的平均分；保留两位小数（四舍五入）). Pure and exact.
 *
 * Readings written down (each with its alternative):
 * - A period's value is the average (or sum, or last) of its assessments' bases after conversion
 *   (`converted ?? base`): bonuses and deductions are not part of a period's score but added once
 *   to the combination (＋加分－扣分 after the weights). An average is rounded half up to 0.01,
 *   and so is each weighted part (85.25 × 30% = 25.575 → 25.58), so the explanation's figures add
 *   up to the total as printed. The alternative, rounding only the final score, can differ by
 *   0.01 from the sum of the printed parts.
 * - 加分 and 扣分 are those of every assessment combined (a bonus or deduction recorded in the
 *   second quarter counts as surely as one at the year's end), summed; the bonuses together are
 *   capped at the scheme's bonus maximum (the bonus sections' points), the deductions are not
 *   capped again (each assessment already applied its own caps). The alternative (the year-end
 *   assessment's bonus and deductions only) is not taken: the quarterly findings would then be
 *   lost from the total.
 * - A period without any assessment of the unit counts 0 and the explanation says so.
 * - Vetoes come from any assessment, the most severe winning: zero, then a forced grade (the
 *   lowest), then a ceiling (the lowest). The grade is that of the combined score (or of the
 *   weighted base, or its percentage of the weighted maximum, as the scheme's grade basis says).
 * - The assessments of a period are given in their order (the last is the latest).
 */
import { KaoheError } from '../errors.ts';
import { formatPoints as fp, percentCents, type Cents } from '../numbers.ts';
import { textOf, type GradeBand, type Lang, type Period, type Scheme, type Text } from '../scheme/model.ts';

/** What combining reads of one assessment's result (a ScoreResult, or a stored one in cents). */
export interface PeriodScore {
  base: Cents;
  bonus: Cents;
  max: Cents;
  bonusMax: Cents;
  /** Deductions from the total (penalty sections); 0 when absent. */
  penalty?: Cents;
  /** The base converted (按实得分÷应得分×100折算), or null/absent without conversion. */
  converted?: Cents | null;
  veto: { items: string[]; effect: string; grade?: string; ceiling?: string } | null;
  /** How the explanation names the assessment (a campaign's name), if at all. */
  label?: string;
}

export interface CombinedPeriod {
  code: string;
  title: Text;
  /** Hundredths of a percent: 3000 = 30%. */
  weight: Cents;
  combine: Period['combine'];
  /** Each assessment's base after conversion, in the order given. */
  values: Cents[];
  /** The period's value (average, sum or last; an average rounded half up); null without assessments. */
  value: Cents | null;
  /** value × weight, rounded half up to 0.01 (0 without assessments). */
  weighted: Cents;
}

/** As a result's veto (score.ts): the most severe effect, every vetoing item, the lowest ceiling. */
export type CombinedVeto = { items: string[]; effect: 'zero' | 'grade' | 'ceiling'; grade?: string; ceiling?: string };

export interface CombinedResult {
  periods: CombinedPeriod[];
  /** Σ weighted parts. */
  weighted: Cents;
  /** The assessments' bonuses summed, before and after the cap. */
  bonusRaw: Cents;
  bonus: Cents;
  bonusMax: Cents;
  penalty: Cents;
  /** weighted + bonus − penalty, at least 0; 0 under a 'zero' veto. */
  total: Cents;
  /** The weighted maximum (the periods' maxima, after conversion, combined the same way). */
  max: Cents;
  veto: CombinedVeto | null;
  grade: GradeBand | null;
}

const halfUp = (n: number, d: number) => Math.floor((2 * n + d) / (2 * d));

function combineValues(values: readonly Cents[], how: Period['combine']): Cents | null {
  if (values.length === 0) return null;
  if (how === 'last') return values[values.length - 1]!;
  const sum = values.reduce((a, b) => a + b, 0);
  return how === 'sum' ? sum : halfUp(sum, values.length);
}

/** Combines a unit's assessments, given per period code, by the scheme's periods. */
export function combine(scheme: Scheme, byPeriod: Readonly<Record<string, readonly PeriodScore[]>>): CombinedResult {
  const periods = scheme.periods ?? [];
  if (periods.length === 0) throw new KaoheError('combine-no-periods', `scheme ${scheme.id} v${scheme.version} has no periods to combine`);
  for (const code of Object.keys(byPeriod)) {
    if (!periods.some((p) => p.code === code)) {
      throw new KaoheError('combine-unknown-period', `period ${code}: not a period of scheme ${scheme.id} (periods: ${periods.map((p) => p.code).join(', ')})`);
    }
  }
  const all = periods.flatMap((p) => byPeriod[p.code] ?? []);
  const parts: CombinedPeriod[] = [];
  let weighted = 0;
  let max = 0;
  for (const p of periods) {
    const scores = byPeriod[p.code] ?? [];
    const values = scores.map((s) => s.converted ?? s.base);
    const value = combineValues(values, p.combine);
    const part = value === null ? 0 : halfUp(value * p.weight, 10000);
    const maxValue = combineValues(
      scores.map((s) => (s.converted !== undefined && s.converted !== null && scheme.convert !== undefined ? scheme.convert : s.max)),
      p.combine,
    );
    weighted += part;
    max += maxValue === null ? 0 : halfUp(maxValue * p.weight, 10000);
    parts.push({ code: p.code, title: p.title, weight: p.weight, combine: p.combine, values, value, weighted: part });
  }
  const bonusRaw = all.reduce((a, s) => a + s.bonus, 0);
  const bonusMax = all.reduce((a, s) => Math.max(a, s.bonusMax), 0);
  const bonus = Math.min(bonusRaw, bonusMax);
  const penalty = all.reduce((a, s) => a + (s.penalty ?? 0), 0);
  const veto = severest(scheme, all);
  let total = Math.max(0, weighted + bonus - penalty);
  if (veto?.effect === 'zero') total = 0;
  return { periods: parts, weighted, bonusRaw, bonus, bonusMax, penalty, total, max, veto, grade: gradeOf(scheme, total, weighted, max, veto) };
}

/** Position of a grade from the best (0) down; unknown grades rank below every band. */
function gradeIndex(scheme: Scheme, code: string | undefined): number {
  const i = scheme.grades.findIndex((g) => g.code === code);
  return i < 0 ? scheme.grades.length : i;
}

/**
 * The vetoes of the assessments together, as score.ts words one result's: the most severe effect
 * (zero, then the lowest forced grade, then the lowest ceiling), every vetoing item, and the lowest
 * ceiling of any (which also caps a forced grade).
 */
function severest(scheme: Scheme, scores: readonly PeriodScore[]): CombinedVeto | null {
  const vetoes = scores.map((s) => s.veto).filter((v): v is NonNullable<PeriodScore['veto']> => v !== null);
  if (vetoes.length === 0) return null;
  const items = [...new Set(vetoes.flatMap((v) => v.items))];
  const lowest = (grades: Array<string | undefined>) =>
    grades
      .filter((g): g is string => g !== undefined)
      .reduce<string | undefined>((low, g) => (low === undefined || gradeIndex(scheme, g) > gradeIndex(scheme, low) ? g : low), undefined);
  const ceiling = lowest(vetoes.flatMap((v) => [v.ceiling, v.effect === 'ceiling' ? v.grade : undefined]));
  const withCeiling = ceiling !== undefined ? { ceiling } : {};
  if (vetoes.some((v) => v.effect === 'zero')) return { items, effect: 'zero', ...withCeiling };
  const forced = lowest(vetoes.map((v) => (v.effect === 'grade' ? v.grade : undefined)));
  if (forced !== undefined) return { items, effect: 'grade', grade: forced, ...withCeiling };
  return { items, effect: 'ceiling', grade: ceiling!, ...withCeiling };
}

function gradeOf(scheme: Scheme, total: Cents, weighted: Cents, max: Cents, veto: CombinedVeto | null): GradeBand | null {
  if (scheme.grades.length === 0) return null;
  let band: GradeBand | null;
  if (veto?.effect === 'grade') band = scheme.grades.find((g) => g.code === veto.grade) ?? null;
  else {
    const value = scheme.gradeBasis === 'percent' ? (percentCents(weighted, max) ?? 0) : scheme.gradeBasis === 'base' ? weighted : total;
    band = scheme.grades.find((g) => value >= g.min) ?? null;
  }
  // A ceiling (不得评为“好”等次) lowers a grade above it to it.
  if (veto?.ceiling !== undefined && band && gradeIndex(scheme, band.code) < gradeIndex(scheme, veto.ceiling)) {
    band = scheme.grades.find((g) => g.code === veto.ceiling) ?? band;
  }
  return band;
}

export interface CombinedLine {
  /** A period's code, or what the line is about. */
  code: string;
  kind: 'period' | 'bonus' | 'penalty' | 'total' | 'veto' | 'grade';
  text: string;
}

const WORDS = {
  zh: {
    none: (title: string, w: string) => `${title} 无考核结果 ×${w}% = 0`,
    period: (title: string, how: string, value: string, list: string, w: string, part: string) => `${title} ${how}${value}${list} ×${w}% = ${part}`,
    how: { average: (n: number) => (n > 1 ? `${n}次平均 ` : ''), sum: (n: number) => (n > 1 ? `${n}次合计 ` : ''), last: (n: number) => (n > 1 ? `${n}次取最后一次 ` : '') },
    list: (values: string[]) => (values.length > 1 ? `（${values.join('、')}）` : ''),
    bonus: (raw: string, cap: string, after: string) => (raw === after ? `加分 +${after}` : `加分 各次合计${raw}，上限${cap} → +${after}`),
    penalty: (p: string) => `扣分 −${p}`,
    total: (expr: string, total: string) => `综合得分 ${expr} = ${total}`,
    floored: '（不低于0分）',
    veto: {
      zero: (items: string) => `一票否决（${items}）：综合得分计0分`,
      grade: (items: string, g: string) => `一票否决（${items}）：评为${g}`,
      ceiling: (items: string, g: string) => `${items}：至多评为${g}`,
    },
    grade: (g: string) => `等次：${g}`,
  },
  en: {
    none: (title: string, w: string) => `${title}: no assessment × ${w}% = 0`,
    period: (title: string, how: string, value: string, list: string, w: string, part: string) => `${title}: ${how}${value}${list} × ${w}% = ${part}`,
    how: {
      average: (n: number) => (n > 1 ? `average of ${n}: ` : ''),
      sum: (n: number) => (n > 1 ? `sum of ${n}: ` : ''),
      last: (n: number) => (n > 1 ? `last of ${n}: ` : ''),
    },
    list: (values: string[]) => (values.length > 1 ? ` (${values.join(', ')})` : ''),
    bonus: (raw: string, cap: string, after: string) => (raw === after ? `bonus +${after}` : `bonus: ${raw} in all, capped at ${cap} → +${after}`),
    penalty: (p: string) => `deductions −${p}`,
    total: (expr: string, total: string) => `combined score ${expr} = ${total}`,
    floored: ' (not below 0)',
    veto: {
      zero: (items: string) => `veto (${items}): combined score 0`,
      grade: (items: string, g: string) => `veto (${items}): graded ${g}`,
      ceiling: (items: string, g: string) => `${items}: graded ${g} at best`,
    },
    grade: (g: string) => `grade: ${g}`,
  },
} as const;

/** The combination line by line: each period with its weight, bonus, deductions, the sum, vetoes, grade. */
export function explainCombined(result: CombinedResult, scheme: Scheme, lang: Lang = 'zh'): CombinedLine[] {
  const w = WORDS[lang];
  const lines: CombinedLine[] = [];
  for (const p of result.periods) {
    const title = textOf(p.title, lang);
    if (p.value === null) lines.push({ code: p.code, kind: 'period', text: w.none(title, fp(p.weight)) });
    else
      lines.push({ code: p.code, kind: 'period', text: w.period(title, w.how[p.combine](p.values.length), fp(p.value), w.list(p.values.map(fp)), fp(p.weight), fp(p.weighted)) });
  }
  if (result.bonusRaw > 0) lines.push({ code: 'bonus', kind: 'bonus', text: w.bonus(fp(result.bonusRaw), fp(result.bonusMax), fp(result.bonus)) });
  if (result.penalty > 0) lines.push({ code: 'penalty', kind: 'penalty', text: w.penalty(fp(result.penalty)) });
  let expr = result.periods.map((p) => fp(p.weighted)).join(' + ');
  if (result.bonus > 0) expr += ` + ${fp(result.bonus)}`;
  if (result.penalty > 0) expr += ` − ${fp(result.penalty)}`;
  const raw = result.weighted + result.bonus - result.penalty;
  lines.push({ code: 'total', kind: 'total', text: w.total(expr, fp(Math.max(0, raw))) + (raw < 0 ? w.floored : '') });
  const v = result.veto;
  if (v) {
    const items = v.items.join(lang === 'zh' ? '、' : ', ');
    const g = textOf(scheme.grades.find((x) => x.code === v.grade)?.title, lang) || (v.grade ?? '');
    lines.push({ code: v.items[0] ?? 'veto', kind: 'veto', text: v.effect === 'zero' ? w.veto.zero(items) : w.veto[v.effect](items, g) });
  }
  if (result.grade) lines.push({ code: result.grade.code, kind: 'grade', text: w.grade(textOf(result.grade.title, lang)) });
  return lines;
}
