/**
 * A rule in words: "每处扣2分", "未达标不得分" … Its own module, so that a page naming rules (the
 * inspector's assessment page) does not load the scheme tree's table with it.
 */
import type { TFunction } from 'i18next';
import type { Rule } from '../../core/scheme/model.ts';
import type { Formatter } from './format.ts';

export function ruleWords(rule: Rule | undefined, t: TFunction, fmt: Formatter): string {
  if (!rule) return '';
  switch (rule.kind) {
    case 'perOccurrence':
      return t('rule.perOccurrence', { amount: fmt.cents(rule.amount) });
    case 'fixedPenalty':
      return t('rule.fixedPenalty', { amount: fmt.cents(rule.amount) });
    case 'allOrNothing':
      return t('rule.allOrNothing');
    case 'bonus':
      return t('rule.bonus', { amount: fmt.cents(rule.amount) });
    case 'veto':
      if (rule.effect === 'zero') return t('rule.vetoZero');
      return rule.effect === 'ceiling' ? t('rule.vetoCeiling', { grade: rule.grade ?? '' }) : t('rule.vetoGrade', { grade: rule.grade ?? '' });
    case 'range':
      return t('rule.range', { min: fmt.cents(rule.min), max: fmt.cents(rule.max) });
    case 'parts':
      return t('rule.parts', { count: rule.parts.length });
    case 'measured': {
      const s = rule.scoring;
      switch (s.by) {
        case 'shortfall': {
          const params = { target: fmt.cents(s.target), step: fmt.cents(s.step), amount: fmt.cents(s.amount) };
          return s.floor !== undefined ? t('rule.shortfallFloor', { ...params, floor: fmt.cents(s.floor) }) : t('rule.shortfall', params);
        }
        case 'perUnit':
          return t('rule.perUnit', { unit: fmt.cents(s.unit) + (rule.measure.unit?.zh ?? ''), amount: fmt.cents(s.amount) });
        default:
          return t(`rule.${s.by}`);
      }
    }
  }
}
