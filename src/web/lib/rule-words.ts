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
      return rule.effect === 'zero' ? t('rule.vetoZero') : t('rule.vetoGrade', { grade: rule.grade ?? '' });
  }
}
