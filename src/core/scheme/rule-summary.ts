/** A rule in a few words, as an office says it (每处扣2分, 达到100%得满分，每低1个百分点扣0.5分…), for trees and sheets. */
import { formatPoints as fp } from '../numbers.ts';
import { textOf, type Lang, type MeasuredScoring, type Rule, type Scheme, type SimpleRule } from './model.ts';

export function ruleSummary(rule: Rule | SimpleRule, lang: Lang, scheme?: Scheme): string {
  const zh = lang === 'zh';
  const grade = (code: string | undefined) => textOf(scheme?.grades.find((g) => g.code === code)?.title, lang) || (code ?? '');
  switch (rule.kind) {
    case 'perOccurrence':
      return zh ? `每处扣${fp(rule.amount)}分` : `−${fp(rule.amount)} each`;
    case 'fixedPenalty':
      return zh ? `每次扣${fp(rule.amount)}分` : `−${fp(rule.amount)} per failure`;
    case 'allOrNothing':
      return zh ? '不达标不得分' : 'all or nothing';
    case 'bonus':
      return zh ? `每次加${fp(rule.amount)}分` : `+${fp(rule.amount)} each`;
    case 'range':
      return zh ? `视情况每处扣${fp(rule.min)}—${fp(rule.max)}分` : `−${fp(rule.min)} to −${fp(rule.max)} each, as judged`;
    case 'veto':
      if (rule.effect === 'zero') return zh ? '一票否决（总分计0分）' : 'veto (total 0)';
      if (rule.effect === 'grade') return zh ? `一票否决（等次定为${grade(rule.grade)}）` : `veto (grade ${grade(rule.grade)})`;
      return zh ? `不得评为高于${grade(rule.grade)}的等次` : `grade at most ${grade(rule.grade)}`;
    case 'parts':
      return rule.parts.map((p) => `${textOf(p.title, lang)}${zh ? '：' : ': '}${ruleSummary(p.rule, lang, scheme)}`).join(zh ? '；' : '; ');
    case 'measured': {
      const unit = rule.measure.kind === 'rate' ? '%' : rule.measure.unit ? textOf(rule.measure.unit, lang) : '';
      return scoringSummary(rule.scoring, unit, rule.measure.kind === 'rate' ? (lang === 'zh' ? '个百分点' : ' points') : unit, lang);
    }
  }
}

function scoringSummary(s: MeasuredScoring, unit: string, stepUnit: string, lang: Lang): string {
  const zh = lang === 'zh';
  switch (s.by) {
    case 'shortfall': {
      const rounding = { up: zh ? '不足一档按一档计' : 'part steps count whole', exact: zh ? '按实际差值计算' : 'pro rata', down: zh ? '只计整档' : 'whole steps only' }[
        s.rounding
      ];
      const floor = s.floor !== undefined ? (zh ? `，低于${fp(s.floor)}${unit}不得分` : `, 0 below ${fp(s.floor)}${unit}`) : '';
      return zh
        ? `达到${fp(s.target)}${unit}得满分，每低${fp(s.step)}${stepUnit}扣${fp(s.amount)}分（${rounding}）${floor}`
        : `full at ${fp(s.target)}${unit}, −${fp(s.amount)} per ${fp(s.step)}${stepUnit} short (${rounding})${floor}`;
    }
    case 'tiers':
      return s.tiers
        .map((t) => (zh ? `${fp(t.min)}${unit}${t.above ? '以上（不含）' : '及以上'}得${fp(t.points)}分` : `${t.above ? 'above' : 'from'} ${fp(t.min)}${unit}: ${fp(t.points)}`))
        .join(zh ? '，' : ', ');
    case 'rating':
      return zh ? '按评价等次得分' : 'points by rating';
    case 'proportional':
      return zh ? '按比例得分' : 'points in proportion';
    case 'perUnit':
      return zh ? `每${fp(s.unit)}${unit}计${fp(s.amount)}分` : `${fp(s.amount)} per ${fp(s.unit)}${unit}`;
  }
}
