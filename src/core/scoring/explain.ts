/**
 * Explanations of a score that read like an inspector's sheet:
 * "1.1 缺少工作计划 ×2: −4" and "扣分池 1（20分）：共扣18分 → 得2分".
 */
import { formatPoints as fp, type Cents } from '../numbers.ts';
import { textOf, type Lang, type Scheme, type SchemeNode } from '../scheme/model.ts';
import type { MeasuredEffect } from './measure.ts';
import { ruleAdds, type Deduction, type ScoreResult } from './score.ts';

export interface ExplanationLine {
  /** The node the line is about. */
  code: string;
  kind: 'finding' | 'pool' | 'cap' | 'bonus' | 'veto' | 'not-applicable' | 'unmeasured' | 'outranked' | 'penalty' | 'conversion';
  text: string;
}

/** Every node by code, and the top-level section each one sits in. */
function nodeIndex(scheme: Scheme): { nodes: Map<string, SchemeNode>; sectionOf: Map<string, SchemeNode> } {
  const nodes = new Map<string, SchemeNode>();
  const sectionOf = new Map<string, SchemeNode>();
  for (const section of scheme.sections) {
    const go = (n: SchemeNode) => {
      nodes.set(n.code, n);
      sectionOf.set(n.code, section);
      n.children.forEach(go);
    };
    go(section);
  }
  return { nodes, sectionOf };
}

const WORDS = {
  zh: {
    missing: (what: string) => `缺少${what}`,
    pool: (code: string, cap: string, raw: string, after: string, score: string) =>
      raw === after ? `扣分池 ${code}（${cap}分）：共扣${after}分 → 得${score}分` : `扣分池 ${code}（${cap}分）：记录扣分${raw}分，扣完${cap}分为止，实扣${after}分 → 得${score}分`,
    cap: (code: string, raw: string, after: string) => `${code} 本项扣分${raw}分，超出可扣分值，计${after}分`,
    bonus: (code: string, cap: string, raw: string, after: string) =>
      raw === after ? `加分 ${code}（上限${cap}分）：共加${after}分` : `加分 ${code}（上限${cap}分）：记录加分${raw}分 → 计${after}分`,
    veto: (items: string, effect: string) => `一票否决：${items}（${effect}）`,
    vetoZero: '总分计0分',
    vetoGrade: (g: string) => `等次定为${g}`,
    vetoCeiling: (g: string) => `不得评为高于${g}的等次`,
    na: (code: string, title: string) => `${code} ${title}：不适用`,
    allOrNothing: '（不得分）',
    picked: (amount: string) => `每处扣${amount}分`,
    measured: (shown: string) => `实测${shown}`,
    shortfall: (target: string, steps: string) => `，目标${target}，按差${steps}档计`,
    belowFloor: (floor: string) => `，低于${floor}，本项不得分`,
    tier: (n: number) => (n > 0 ? `，达到第${n}档` : '，未达到任何一档'),
    level: (title: string) => `评价为${title}`,
    earned: (points: string) => `得${points}分`,
    unmeasured: (code: string, title: string, zero: boolean) => `${code} ${title}：未录入实测值，${zero ? '暂按0分计' : '暂按满分计'}`,
    outranked: (code: string, title: string) => `${code} ${title}：同一事项按最高级别计分，不重复加分，本项不计`,
    penalty: (code: string, title: string, raw: string, after: string, cap: string | null) =>
      cap !== null && raw !== after ? `${code} ${title}：从总分中扣除，记录${raw}分，最多扣${cap}分，实扣${after}分` : `${code} ${title}：从总分中扣除${after}分`,
    conversion: (base: string, max: string, to: string, converted: string) => `基础分折算：${base}÷${max}×${to}＝${converted}分`,
  },
  en: {
    missing: (what: string) => `missing ${what}`,
    pool: (code: string, cap: string, raw: string, after: string, score: string) =>
      raw === after ? `pool ${code} (${cap}): ${after} deducted in all → ${score}` : `pool ${code} (${cap}): ${raw} recorded, capped at ${cap}, ${after} deducted → ${score}`,
    cap: (code: string, raw: string, after: string) => `${code}: ${raw} recorded, more than the item can lose: ${after} counted`,
    bonus: (code: string, cap: string, raw: string, after: string) =>
      raw === after ? `bonus ${code} (cap ${cap}): +${after} in all` : `bonus ${code} (cap ${cap}): +${raw} recorded → +${after}`,
    veto: (items: string, effect: string) => `veto: ${items} (${effect})`,
    vetoZero: 'total set to 0',
    vetoGrade: (g: string) => `grade set to ${g}`,
    vetoCeiling: (g: string) => `grade at most ${g}`,
    na: (code: string, title: string) => `${code} ${title}: does not apply`,
    allOrNothing: ' (not met: item lost)',
    picked: (amount: string) => `−${amount} each`,
    measured: (shown: string) => `measured ${shown}`,
    shortfall: (target: string, steps: string) => `, target ${target}, ${steps} step(s) short`,
    belowFloor: (floor: string) => `, below ${floor}: item lost`,
    tier: (n: number) => (n > 0 ? `, tier ${n}` : ', below every tier'),
    level: (title: string) => `rated ${title}`,
    earned: (points: string) => `earns ${points}`,
    unmeasured: (code: string, title: string, zero: boolean) => `${code} ${title}: no value yet, ${zero ? 'counted as 0 for now' : 'full points for now'}`,
    outranked: (code: string, title: string) => `${code} ${title}: the same matter counts at its highest level only; not counted`,
    penalty: (code: string, title: string, raw: string, after: string, cap: string | null) =>
      cap !== null && raw !== after ? `${code} ${title}: ${raw} recorded against the total, capped at ${cap}: −${after}` : `${code} ${title}: −${after} from the total`,
    conversion: (base: string, max: string, to: string, converted: string) => `base converted: ${base} ÷ ${max} × ${to} = ${converted}`,
  },
} as const;

/** One line per finding and per pool, cap, bonus or veto that shaped the score, in scheme order. */
export function explain(result: ScoreResult, scheme: Scheme, lang: Lang = 'zh'): ExplanationLine[] {
  const words = WORDS[lang];
  const { nodes: index, sectionOf } = nodeIndex(scheme);
  const lines: ExplanationLine[] = [];
  // A pool's line comes after the last item that draws on it.
  const lastItemOfPool = new Map<string, string>();
  for (const code of result.order) {
    const n = result.nodes[code]!;
    if (n.deductedRaw > 0 && n.kind === 'item') for (const p of n.pools ?? []) lastItemOfPool.set(p, code);
  }
  for (const code of result.order) {
    const n = result.nodes[code]!;
    const node = index.get(code)!;
    if (!n.applicable && node.appliesIf) {
      const parent = code.includes('.') ? result.nodes[code.slice(0, code.lastIndexOf('.'))] : undefined;
      if (!parent || parent.applicable) lines.push({ code, kind: 'not-applicable', text: words.na(code, textOf(node.title, lang)) });
    }
    if (n.kind !== 'item') continue;
    if (n.unmeasured) lines.push({ code, kind: 'unmeasured', text: words.unmeasured(code, textOf(node.title, lang), scheme.unmeasured === 'zero') });
    const top = sectionOf.get(code)!;
    const adds = node.rule !== undefined && ruleAdds(node.rule, top.bonus, top.penalty === true);
    for (const d of n.deductions ?? []) {
      if (d.count === 0) continue;
      lines.push({
        code,
        kind: node.rule?.kind === 'veto' ? 'veto' : d.amount > 0 && adds ? 'bonus' : 'finding',
        text: findingText(code, node, d, lang, adds),
      });
    }
    if (n.outranked) lines.push({ code, kind: 'outranked', text: words.outranked(code, textOf(node.title, lang)) });
    const pools = n.pools ?? [];
    if (n.deductedRaw > 0 && pools.length === 1 && pools[0] === code && n.deducted < n.deductedRaw) {
      lines.push({ code, kind: 'cap', text: words.cap(code, fp(n.deductedRaw), fp(n.deducted)) });
    }
    for (const p of pools) {
      // A penalty section's cap is told by its own line (扣分项：…最多扣N分).
      if (lastItemOfPool.get(p) !== code || pools[0] === code || index.get(p)!.penalty) continue;
      const pn = result.nodes[p]!;
      lines.push({ code: p, kind: 'pool', text: words.pool(p, fp(pn.max), fp(pn.deductedRaw), fp(pn.deducted), fp(pn.score)) });
    }
  }
  for (const code of result.order) {
    const node = index.get(code)!;
    const n = result.nodes[code]!;
    if (node.bonus && (n.addedRaw ?? 0) > 0) {
      lines.push({ code, kind: 'bonus', text: words.bonus(code, fp(n.max), fp(n.addedRaw ?? 0), fp(n.added ?? 0)) });
    }
    if (node.penalty && n.deductedRaw > 0) {
      const cap = node.penaltyCap !== undefined ? fp(node.penaltyCap) : null;
      lines.push({ code, kind: 'penalty', text: words.penalty(code, textOf(node.title, lang), fp(n.deductedRaw), fp(n.deducted), cap) });
    }
  }
  if (result.converted !== null && scheme.convert !== undefined) {
    lines.push({ code: result.order[0]!, kind: 'conversion', text: words.conversion(fp(result.base), fp(result.max), fp(scheme.convert), fp(result.converted)) });
  }
  const v = result.veto;
  if (v) {
    const effects = [
      v.effect === 'zero' ? words.vetoZero : v.effect === 'grade' ? words.vetoGrade(gradeTitle(scheme, v.grade, lang)) : null,
      v.ceiling ? words.vetoCeiling(gradeTitle(scheme, v.ceiling, lang)) : null,
    ];
    lines.push({ code: v.items[0]!, kind: 'veto', text: words.veto(v.items.join(', '), effects.filter((e) => e !== null).join(lang === 'zh' ? '；' : '; ')) });
  }
  return lines;
}

function gradeTitle(scheme: Scheme, code: string | undefined, lang: Lang): string {
  const grade = scheme.grades.find((g) => g.code === code);
  return grade ? textOf(grade.title, lang) : (code ?? '');
}

/** The value measured and what it did, in words. */
function measuredText(node: SchemeNode, m: MeasuredEffect, lang: Lang): string {
  const words = WORDS[lang];
  const rule = node.rule;
  if (rule?.kind !== 'measured') return '';
  if (m.level !== undefined) {
    const level = rule.measure.levels?.find((l) => l.code === m.level);
    return words.level(level ? textOf(level.title, lang) : m.level);
  }
  const unit = rule.measure.kind === 'rate' ? '%' : rule.measure.unit ? textOf(rule.measure.unit, lang) : '';
  const shown = (c: Cents) => `${fp(c)}${unit}`;
  let out = words.measured(m.shown === null ? '' : shown(m.shown));
  const s = rule.scoring;
  if (m.belowFloor && s.by === 'shortfall' && s.floor !== undefined) out += words.belowFloor(shown(s.floor));
  else if (s.by === 'shortfall' && m.steps !== undefined && m.steps !== '0') out += words.shortfall(shown(s.target), m.steps);
  if (m.tier !== undefined) out += words.tier(m.tier);
  return out;
}

function findingText(code: string, node: SchemeNode, d: Deduction, lang: Lang, adds: boolean): string {
  const words = WORDS[lang];
  const element = d.element ? node.checklist?.find((e) => e.code === d.element) : undefined;
  const rule = node.rule;
  const part = rule?.kind === 'parts' ? rule.parts.find((p) => p.code === d.part) : undefined;
  const what = element ? words.missing(textOf(element.title, lang)) : part ? `${textOf(node.title, lang)}·${textOf(part.title, lang)}` : textOf(node.title, lang);
  const simple = part ? part.rule : rule;
  let effect: string;
  if (rule?.kind === 'veto') effect = '';
  else if (adds) effect = `: +${fp(d.amount)}`;
  else if (simple?.kind === 'allOrNothing') effect = d.amount > 0 ? `: −${fp(d.amount)}${words.allOrNothing}` : `: −0`;
  else effect = `: −${fp(d.amount)}`;
  const who = d.household ? (lang === 'zh' ? `［${d.household}］` : ` [${d.household}]`) : '';
  const note = d.note ? (lang === 'zh' ? `（${d.note}）` : ` (${d.note})`) : '';
  if (d.measured) {
    const earned = d.measured.earned !== undefined && !adds ? `${lang === 'zh' ? '，' : ', '}${words.earned(fp(d.measured.earned))}` : '';
    return `${code} ${what} ${measuredText(node, d.measured, lang)}${earned}${effect}${note}`;
  }
  const picked = d.picked !== undefined ? ` ${words.picked(fp(d.picked))}` : '';
  return `${code} ${what}${who} ×${d.count}${picked}${effect}${note}`;
}
