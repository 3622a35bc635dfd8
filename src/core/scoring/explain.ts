/**
 * Explanations of a score that read like an inspector's sheet:
 * "1.1 缺少工作计划 ×2: −4" and "扣分池 1（20分）：共扣18分 → 得2分".
 */
import { formatPoints as fp } from '../numbers.ts';
import { textOf, type Lang, type Scheme, type SchemeNode } from '../scheme/model.ts';
import type { Deduction, ScoreResult } from './score.ts';

export interface ExplanationLine {
  /** The node the line is about. */
  code: string;
  kind: 'finding' | 'pool' | 'cap' | 'bonus' | 'veto' | 'not-applicable';
  text: string;
}

function nodeIndex(scheme: Scheme): Map<string, SchemeNode> {
  const map = new Map<string, SchemeNode>();
  const go = (n: SchemeNode) => {
    map.set(n.code, n);
    n.children.forEach(go);
  };
  scheme.sections.forEach(go);
  return map;
}

const WORDS = {
  zh: {
    missing: (what: string) => `缺少${what}`,
    pool: (code: string, cap: string, raw: string, after: string, score: string) =>
      raw === after ? `扣分池 ${code}（${cap}分）：共扣${after}分 → 得${score}分` : `扣分池 ${code}（${cap}分）：记录扣分${raw}分，扣完${cap}分为止，实扣${after}分 → 得${score}分`,
    cap: (code: string, raw: string, after: string) => `${code} 本项扣分${raw}分，超出可扣分值，计${after}分`,
    bonus: (code: string, cap: string, raw: string, after: string) =>
      raw === after ? `加分 ${code}（上限${cap}分）：共加${after}分` : `加分 ${code}（上限${cap}分）：记录加分${raw}分 → 计${after}分`,
    veto: (items: string) => `一票否决：${items}`,
    na: (code: string, title: string) => `${code} ${title}：不适用`,
    allOrNothing: '（不得分）',
  },
  en: {
    missing: (what: string) => `missing ${what}`,
    pool: (code: string, cap: string, raw: string, after: string, score: string) =>
      raw === after ? `pool ${code} (${cap}): ${after} deducted in all → ${score}` : `pool ${code} (${cap}): ${raw} recorded, capped at ${cap}, ${after} deducted → ${score}`,
    cap: (code: string, raw: string, after: string) => `${code}: ${raw} recorded, more than the item can lose: ${after} counted`,
    bonus: (code: string, cap: string, raw: string, after: string) =>
      raw === after ? `bonus ${code} (cap ${cap}): +${after} in all` : `bonus ${code} (cap ${cap}): +${raw} recorded → +${after}`,
    veto: (items: string) => `veto: ${items}`,
    na: (code: string, title: string) => `${code} ${title}: does not apply`,
    allOrNothing: ' (not met: item lost)',
  },
} as const;

/** One line per finding and per pool, cap, bonus or veto that shaped the score, in scheme order. */
export function explain(result: ScoreResult, scheme: Scheme, lang: Lang = 'zh'): ExplanationLine[] {
  const words = WORDS[lang];
  const index = nodeIndex(scheme);
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
    for (const d of n.deductions ?? []) {
      if (d.count === 0) continue;
      lines.push({ code, kind: node.rule?.kind === 'veto' ? 'veto' : node.rule?.kind === 'bonus' ? 'bonus' : 'finding', text: findingText(code, node, d, lang) });
    }
    const pools = n.pools ?? [];
    if (n.deductedRaw > 0 && pools.length === 1 && pools[0] === code && n.deducted < n.deductedRaw) {
      lines.push({ code, kind: 'cap', text: words.cap(code, fp(n.deductedRaw), fp(n.deducted)) });
    }
    for (const p of pools) {
      if (lastItemOfPool.get(p) !== code || pools[0] === code) continue;
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
  }
  if (result.veto) lines.push({ code: result.veto.items[0]!, kind: 'veto', text: words.veto(result.veto.items.join(', ')) });
  return lines;
}

function findingText(code: string, node: SchemeNode, d: Deduction, lang: Lang): string {
  const words = WORDS[lang];
  const element = d.element ? node.checklist?.find((e) => e.code === d.element) : undefined;
  const what = element ? words.missing(textOf(element.title, lang)) : textOf(node.title, lang);
  const rule = node.rule;
  let effect: string;
  if (rule?.kind === 'veto') effect = '';
  else if (rule?.kind === 'bonus') effect = `: +${fp(d.amount)}`;
  else if (rule?.kind === 'allOrNothing') effect = d.amount > 0 ? `: −${fp(d.amount)}${words.allOrNothing}` : `: −0`;
  else effect = `: −${fp(d.amount)}`;
  const who = d.household ? (lang === 'zh' ? `［${d.household}］` : ` [${d.household}]`) : '';
  const note = d.note ? (lang === 'zh' ? `（${d.note}）` : ` (${d.note})`) : '';
  return `${code} ${what}${who} ×${d.count}${effect}${note}`;
}
