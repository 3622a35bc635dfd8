/** Notes a reader of a scheme needs beyond its errors: where an item can lose more than it is worth, and the like. */
import { formatPoints as fp } from '../numbers.ts';
import { describeCondition } from './conditions.ts';
import { textOf, walk, type Lang, type Scheme, type SchemeNode } from './model.ts';

export interface LintNote {
  node?: string;
  message: string;
}

/** Reading notes for a valid scheme, in scheme order. */
export function lintNotes(scheme: Scheme, lang: Lang = 'en'): LintNote[] {
  const notes: LintNote[] = [];
  const zh = lang === 'zh';
  let base = 0;
  let bonus = 0;
  for (const s of scheme.sections) {
    if (s.bonus) bonus += s.points ?? 0;
    else base += s.points ?? 0;
  }
  notes.push({
    message: zh
      ? `基础分${fp(base)}分，加分上限${fp(bonus)}分，总分最高${fp(base + bonus)}分`
      : `base ${fp(base)} points, bonus up to ${fp(bonus)}, total at most ${fp(base + bonus)}`,
  });
  walk(scheme, (node, ancestors) => {
    const rule = node.rule;
    const lineage = [...ancestors, node];
    if (rule && (rule.kind === 'perOccurrence' || rule.kind === 'fixedPenalty' || rule.kind === 'allOrNothing')) {
      const pool = poolOf(node, lineage, rule.pool);
      if (pool && pool !== node) {
        const kindWord = pool === lineage[0] ? 'section' : 'sub-section';
        if (node.points === null || node.points === 0) {
          notes.push({
            node: node.code,
            message: zh
              ? `${node.code} 没有单独分值：扣分计入扣分池 ${pool.code}（${fp(pool.points ?? 0)}分）`
              : `item ${node.code} has no points of its own: its penalties draw on pool ${pool.code} (${fp(pool.points ?? 0)})`,
          });
        } else if ((pool.points ?? 0) > node.points && rule.kind !== 'allOrNothing') {
          notes.push({
            node: node.code,
            message: zh
              ? `${node.code}（${fp(node.points)}分）最多可扣${fp(pool.points ?? 0)}分：扣分池为 ${pool.code}`
              : `item ${node.code} (${fp(node.points)} points) can lose up to ${fp(pool.points ?? 0)}: its pool is ${kindWord} ${pool.code}`,
          });
        }
      }
    }
    if (node.appliesIf) {
      const cond = describeCondition(node.appliesIf);
      const effect =
        scheme.notApplicable === 'keep'
          ? zh
            ? '不适用时保留其分值'
            : 'where it does not apply, the node keeps its points'
          : zh
            ? '不适用时从满分中扣除，按适用部分的百分比计分'
            : 'where it does not apply, it leaves the maximum and scores are a percentage of what applies';
      notes.push({
        node: node.code,
        message: zh ? `${node.code} 仅适用于 ${cond} 的单位；${effect}` : `${node.code} applies only when ${cond}; ${effect}`,
      });
    }
    if (node.bonus) {
      // Every bonus item under the section, however deep (a group of 表彰 levels sits one level down).
      let perRound = 0;
      const collect = (n: SchemeNode) => {
        if (n.rule?.kind === 'bonus') perRound += n.rule.amount;
        n.children.forEach(collect);
      };
      node.children.forEach(collect);
      notes.push({
        node: node.code,
        message: zh
          ? `${node.code} ${textOf(node.title, lang)} 为加分项，加在基础分之上，最多${fp(node.points ?? 0)}分（各项各记一次可得${fp(perRound)}分）`
          : `${node.code} is a bonus section added on top of the base, capped at ${fp(node.points ?? 0)} (one occurrence of each item would give ${fp(perRound)})`,
      });
    }
    if (rule?.kind === 'veto') {
      const grade = textOf(scheme.grades.find((g) => g.code === rule.grade)?.title, lang) || (rule.grade ?? '');
      const effect = zh
        ? rule.effect === 'zero'
          ? '总分计0分'
          : rule.effect === 'grade'
            ? `等次定为${grade}`
            : `不得评为高于${grade}的等次`
        : rule.effect === 'zero'
          ? 'the total becomes 0'
          : rule.effect === 'grade'
            ? `the grade becomes ${grade}`
            : `the grade is at most ${grade}`;
      notes.push({ node: node.code, message: zh ? `${node.code} 为一票否决项：${effect}` : `${node.code} is a veto: ${effect}` });
    }
    if (node.penalty) {
      const cap = node.penaltyCap !== undefined ? fp(node.penaltyCap) : null;
      notes.push({
        node: node.code,
        message: zh
          ? `${node.code} ${textOf(node.title, lang)} 为扣分项：从总分中扣除，不受单项分值限制${cap !== null ? `，最多扣${cap}分` : ''}`
          : `${node.code} deducts from the total, not limited by item points${cap !== null ? `, at most ${cap}` : ''}`,
      });
    }
    if (node.highestOnly) {
      notes.push({
        node: node.code,
        message: zh ? `${node.code} 同一事项按最高级别计分，不重复加分` : `${node.code}: only the highest of its items counts`,
      });
    }
  });
  if (scheme.convert !== undefined) {
    notes.push({
      message: zh
        ? `基础分按实得分÷应得分×${fp(scheme.convert)}折算，再计算加分和扣分`
        : `the base is converted to ${fp(scheme.convert)} points of what applies before bonus and penalties`,
    });
  }
  if (scheme.periods) {
    const parts = scheme.periods.map((p) => `${textOf(p.title, lang)}×${fp(p.weight)}%`).join(zh ? '＋' : ' + ');
    notes.push({ message: zh ? `综合得分＝${parts}＋加分－扣分` : `combined score = ${parts} + bonus − penalties` });
  }
  if (scheme.grades.length === 0) notes.push({ message: zh ? '本细则未设等级' : 'the scheme has no grade bands' });
  if (scheme.note) notes.push({ message: (zh ? '细则说明：' : 'scheme note: ') + textOf(scheme.note, lang) });
  return notes;
}

function poolOf(node: SchemeNode, lineage: SchemeNode[], explicit: string | undefined): SchemeNode | undefined {
  for (let i = lineage.length - 1; i >= 0; i--) {
    const n = lineage[i]!;
    if (explicit !== undefined ? n.code === explicit : n.pool) return n;
  }
  return explicit === undefined ? node : undefined;
}
