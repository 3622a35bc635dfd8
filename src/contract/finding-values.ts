/**
 * What a finding of the new rule kinds carries besides its count (issue 18): a measured value, a
 * discretionary (range) amount, the part of a several-rule item. The API speaks decimals
 * (`{ percent: 95.5 }`, `amount: 1.5`), the scoring engine hundredths (core's cents): the one
 * conversion both ways, shared by the server (routes, store, score sheet) and the browser (the
 * live score, the offline queue), so the phone scores exactly what the server stores. Besides
 * the types, the only code of the contract: pure, imports nothing but core's numbers.
 */
import { fromCents, toCents, type Cents } from '../core/numbers.ts';
import { textOf, type Lang, type Measure } from '../core/scheme/model.ts';
import type { Finding, MeasuredValue } from '../core/scoring/score.ts';

/**
 * A measured value as the API gives it: a rate as counts (`num`: one count, or the counts of the
 * measure's terms by code; `of`: the denominator) or as a percentage (`percent`, two decimals at
 * most); an amount or a count in the measure's unit (`amount`, two decimals at most); a rating as
 * its level's code (`level`).
 */
export interface MeasuredValueJson {
  num?: number | Record<string, number>;
  of?: number;
  percent?: number;
  amount?: number;
  level?: string;
}

/** A finding's fields of the new rule kinds, as the API gives them (null where the finding has none). */
export interface FindingValues {
  /** A measured item's value. */
  value: MeasuredValueJson | null;
  /** A discretionary (range) rule's amount picked per occurrence, in points. */
  amount: number | null;
  /** The part of an item with several rules that the finding is about. */
  part: string | null;
}

/** A problem converting a value: the field it is in (`value.percent`, `amount`) and what is wrong, in both languages. */
export interface ValueProblem {
  field: string;
  zh: string;
  en: string;
}

const twoDecimals = (field: string, zhName: string, v: unknown): ValueProblem => ({
  field,
  zh: `${zhName}须为最多两位小数的数，不能是 ${String(v)}`,
  en: `${field} must be a number with at most two decimals, not ${String(v)}`,
});

const countProblem = (field: string, v: unknown): ValueProblem => ({
  field,
  zh: `计数须为不小于0的数，不能是 ${String(v)}`,
  en: `${field} must be a number ≥ 0, not ${String(v)}`,
});

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A decimal in hundredths, or the problem naming its field. */
function cents(field: string, zhName: string, v: unknown, min = -Infinity): Cents | ValueProblem {
  const c = typeof v === 'number' ? toCents(v) : null;
  if (c === null || c < min) return twoDecimals(field, zhName, v);
  return c;
}

/**
 * The API's value in core's hundredths. Exactly one kind of value: counts (`num` with `of`), a
 * `percent`, an `amount` or a `level`. Whether it fits the item's measure is the engine's to say
 * (checkFindings).
 */
export function valueToCents(v: MeasuredValueJson): { value: MeasuredValue } | { problem: ValueProblem } {
  const kinds = [v.num !== undefined || v.of !== undefined, v.percent !== undefined, v.amount !== undefined, v.level !== undefined].filter(Boolean).length;
  if (kinds !== 1) {
    return {
      problem: {
        field: 'value',
        zh: '测量值须且只须给出一种：计数（num 与 of）、百分比（percent）、数量（amount）或等次（level）',
        en: 'value gives exactly one of: counts (num and of), percent, amount or level',
      },
    };
  }
  if (v.level !== undefined) {
    if (typeof v.level !== 'string' || !v.level.trim()) return { problem: { field: 'value.level', zh: '等次须写明其代码', en: 'value.level names a level by its code' } };
    return { value: { level: v.level.trim() } };
  }
  if (v.percent !== undefined) {
    const c = cents('value.percent', '百分比', v.percent, 0);
    return typeof c === 'number' ? { value: { percent: c } } : { problem: c };
  }
  if (v.amount !== undefined) {
    const c = cents('value.amount', '数量', v.amount, 0);
    return typeof c === 'number' ? { value: { amount: c } } : { problem: c };
  }
  if (v.num === undefined || v.of === undefined) {
    return {
      problem: {
        field: v.num === undefined ? 'value.num' : 'value.of',
        zh: '比率按计数给出时须同时给出分子（num）与分母（of）',
        en: 'a rate given as counts needs both num and of',
      },
    };
  }
  if (!isCount(v.of)) return { problem: countProblem('value.of', v.of) };
  if (typeof v.num === 'number') {
    if (!isCount(v.num)) return { problem: countProblem('value.num', v.num) };
    return { value: { num: v.num, of: v.of } };
  }
  if (v.num === null || typeof v.num !== 'object' || Array.isArray(v.num)) return { problem: countProblem('value.num', v.num) };
  const num: Record<string, number> = {};
  for (const [code, n] of Object.entries(v.num)) {
    if (!isCount(n)) return { problem: countProblem(`value.num.${code}`, n) };
    num[code] = n;
  }
  return { value: { num, of: v.of } };
}

/** Core's value in the API's decimals. */
export function valueFromCents(v: MeasuredValue): MeasuredValueJson {
  const out: MeasuredValueJson = {};
  if (v.num !== undefined) out.num = typeof v.num === 'number' ? v.num : { ...v.num };
  if (v.of !== undefined) out.of = v.of;
  if (v.percent !== undefined) out.percent = fromCents(v.percent);
  if (v.amount !== undefined) out.amount = fromCents(v.amount);
  if (v.level !== undefined) out.level = v.level;
  return out;
}

/** A range amount in hundredths, or the problem naming the field. */
export function amountToCents(amount: number): { amount: Cents } | { problem: ValueProblem } {
  const c = cents('amount', '扣分值', amount, 0);
  return typeof c === 'number' ? { amount: c } : { problem: c };
}

/**
 * A finding row's fields of these kinds as the engine takes them (the API's decimals → hundredths):
 * the browser's live score and offline queue score what the server stores.
 */
export function engineValues(f: Partial<FindingValues>): Pick<Finding, 'value' | 'amount' | 'part'> {
  const out: Pick<Finding, 'value' | 'amount' | 'part'> = {};
  if (f.value) {
    const v = valueToCents(f.value);
    // A value the server answered with always converts; anything else goes to the engine as given, for it to refuse.
    out.value = 'value' in v ? v.value : (f.value as MeasuredValue);
  }
  if (f.amount !== null && f.amount !== undefined) out.amount = toCents(f.amount) ?? f.amount;
  if (f.part) out.part = f.part;
  return out;
}

/** A measured value in words, with the measure's names (满意 80、基本满意 10 / 有效票 100; 95.5%; 12.5万元; 好). */
export function valueWords(v: MeasuredValueJson, measure: Measure | undefined, lang: Lang): string {
  const sep = lang === 'en' ? ', ' : '、';
  if (v.level !== undefined) {
    const level = measure?.levels?.find((l) => l.code === v.level);
    return level ? textOf(level.title, lang) : v.level;
  }
  if (v.percent !== undefined) return `${v.percent}%`;
  if (v.amount !== undefined) return `${v.amount}${measure?.unit ? (lang === 'en' && measure.unit.en ? ` ${measure.unit.en}` : textOf(measure.unit, lang)) : ''}`;
  const num =
    typeof v.num === 'object'
      ? Object.entries(v.num)
          .map(([code, n]) => {
            const term = measure?.terms?.find((t) => t.code === code);
            return `${term ? textOf(term.title, lang) : code} ${n}`;
          })
          .join(sep)
      : String(v.num ?? '');
  return `${num} / ${measure?.of ? `${textOf(measure.of, lang)} ` : ''}${v.of ?? ''}`;
}
