/** The finding being recorded, as the page and its drawer share it. */
import type { MeasuredValueJson } from '../../../contract/finding-values.ts';
import type { Rule, SchemeNode, SimpleRule } from '../../../core/scheme/model.ts';

export interface Draft {
  item?: string;
  count?: number | null;
  element?: string;
  household?: string;
  note?: string;
  /** A measured item's value as typed so far (the API's decimals; a field left empty is absent). */
  value?: MeasuredValueJson;
  /** A rate entered as a percentage rather than as counts. */
  asPercent?: boolean;
  /** A range rule's amount picked per occurrence, in points. */
  amount?: number | null;
  /** A several-rule item's part. */
  part?: string;
}

/** A finding's count as the form takes it: a whole number of 1 or more (0 or empty is refused, naming the field). */
export const countOk = (count: number | null | undefined): count is number => typeof count === 'number' && Number.isInteger(count) && count >= 1;

/** The rule a finding of the draft falls under: the item's, or the chosen part's. */
export function ruleOfDraft(node: SchemeNode | undefined, part: string | undefined): Rule | SimpleRule | undefined {
  const rule = node?.rule;
  if (rule?.kind !== 'parts') return rule;
  return rule.parts.find((p) => p.code === part)?.rule;
}

/**
 * The fields of issue 18's kinds the draft sends (the API's decimals), or `missing`: the form's
 * name of what is still to fill in (a value, an amount, a reason, a part). Nothing else is judged
 * here: the engine's live score says what it refuses.
 */
export function draftValues(
  draft: Draft,
  node: SchemeNode | undefined,
): { values: { value?: MeasuredValueJson; amount?: number; part?: string }; missing?: 'value' | 'amount' | 'note' | 'part' } {
  const rule = node?.rule;
  const values: { value?: MeasuredValueJson; amount?: number; part?: string } = {};
  if (!rule) return { values };
  if (rule.kind === 'parts') {
    if (!draft.part) return { values, missing: 'part' };
    values.part = draft.part;
  }
  if (rule.kind === 'measured') {
    const value = valueOfDraft(draft, rule.measure);
    if (!value) return { values, missing: 'value' };
    values.value = value;
  }
  const own = ruleOfDraft(node, draft.part);
  if (own?.kind === 'range') {
    if (typeof draft.amount !== 'number') return { values, missing: 'amount' };
    values.amount = draft.amount;
    if (!draft.note?.trim()) return { values, missing: 'note' };
  }
  return { values };
}

const isNum = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** The value typed for a measure, once complete. */
function valueOfDraft(draft: Draft, measure: Extract<Rule, { kind: 'measured' }>['measure']): MeasuredValueJson | undefined {
  const v = draft.value ?? {};
  switch (measure.kind) {
    case 'rating':
      return v.level ? { level: v.level } : undefined;
    case 'amount':
    case 'count':
      return isNum(v.amount) ? { amount: v.amount } : undefined;
    case 'rate': {
      if (draft.asPercent) return isNum(v.percent) ? { percent: v.percent } : undefined;
      if (!isNum(v.of)) return undefined;
      if (measure.terms?.length) {
        const given = typeof v.num === 'object' ? v.num : {};
        const num: Record<string, number> = {};
        for (const t of measure.terms) {
          const n = given[t.code];
          if (!isNum(n)) return undefined;
          num[t.code] = n;
        }
        return { num, of: v.of };
      }
      return isNum(v.num) ? { num: v.num, of: v.of } : undefined;
    }
  }
}
