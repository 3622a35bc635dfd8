/**
 * What each problem of a derivation configuration says, in Chinese and in English, by code with
 * its values (as scheme problems: core/scheme/problem-text.ts, whose syntax and shape sentences
 * these share). The English is the problem's `message`.
 */
import type { Lang } from '../scheme/model.ts';
import { SCHEME_PROBLEM_TEXT, type SchemeProblemParams } from '../scheme/problem-text.ts';

type Sentence = (p: SchemeProblemParams) => string;

export const DERIVE_PROBLEM_TEXT = {
  syntax: SCHEME_PROBLEM_TEXT.syntax,
  shape: {
    zh: (p) => `${SCHEME_PROBLEM_TEXT.shape.zh(p)}${p.known ? `（可用的规则：${p.known}）` : ''}`,
    en: (p) => `${p.path || '(top level)'}: ${p.en}${p.known ? ` (known rules: ${p.known})` : ''}`,
  },
  'duplicate-value': { zh: (p) => `${p.path}：${p.value} 列了两次`, en: (p) => `${p.path}: ${p.value} is listed twice` },
  'scheme-mismatch': { zh: (p) => `此配置属于考核细则 ${p.config}，不是 ${p.scheme}`, en: (p) => `the configuration is for scheme ${p.config}, not ${p.scheme}` },
  'unknown-item': { zh: (p) => `${p.rule}：考核细则 ${p.scheme} 中没有 ${p.item}`, en: (p) => `${p.rule}: scheme ${p.scheme} has no node ${p.item}` },
  'not-an-item': {
    zh: (p) => `${p.rule}：${p.item} 是考核项目的上级，不是考核项目：请写带扣分规则的考核项目`,
    en: (p) => `${p.rule}: ${p.item} is a section, not an item: name an item (a node with a rule)`,
  },
  // Without codes: the item has no checklist at all.
  'unknown-element': {
    zh: (p) => (p.codes ? `${p.rule}：考核项目 ${p.item} 的要素清单中没有 ${p.element}（现有：${p.codes}）` : `${p.rule}：考核项目 ${p.item} 没有要素清单，没有要素 ${p.element}`),
    en: (p) =>
      p.codes ? `${p.rule}: item ${p.item} has no checklist element ${p.element} (it has: ${p.codes})` : `${p.rule}: item ${p.item} has no checklist, so no element ${p.element}`,
  },
  'not-all-or-nothing': {
    zh: (p) => `${p.rule} 对整个考核期只给一条建议扣分，适用于全项扣分的考核项目；${p.item} 的规则是 ${p.kind}`,
    en: (p) => `${p.rule} gives one suggestion for the whole period, meant for an all-or-nothing item; ${p.item} is ${p.kind}`,
  },
  'not-a-rate': {
    zh: (p) => `${p.rule} 给出实测的比率，适用于按比率计分的考核项目；${p.item} 的规则是 ${p.kind}`,
    en: (p) => `${p.rule} gives a measured rate, for an item scored by a rate; ${p.item} is ${p.kind}`,
  },
  'rate-terms': {
    zh: (p) =>
      p.terms
        ? `${p.rule}：考核项目 ${p.item} 的比率按 ${p.terms} 计：terms 须为每一项写明对应的回答（${p.answers}），不写 numerator`
        : `${p.rule}：考核项目 ${p.item} 的比率不分项：用 numerator 列出计入分子的回答（${p.answers}），不写 terms`,
    en: (p) =>
      p.terms
        ? `${p.rule}: item ${p.item}'s rate counts ${p.terms}: map each of them to an answer (${p.answers}) under terms, without numerator`
        : `${p.rule}: item ${p.item}'s rate has no terms: list the answers that count under numerator (${p.answers}), without terms`,
  },
} satisfies Record<string, { zh: Sentence; en: Sentence }>;

export type DeriveProblemCode = keyof typeof DERIVE_PROBLEM_TEXT;

export function deriveProblemMessage(code: DeriveProblemCode, params: SchemeProblemParams = {}): { code: DeriveProblemCode; params: SchemeProblemParams; message: string } {
  return { code, params, message: DERIVE_PROBLEM_TEXT[code].en(params) };
}

/** A problem's sentence in a language; an unknown code (a newer server) gives its message. */
export function deriveProblemText(p: { code?: string; params?: SchemeProblemParams; message: string }, lang: Lang): string {
  const entry = p.code === undefined ? undefined : (DERIVE_PROBLEM_TEXT as Record<string, { zh: Sentence; en: Sentence } | undefined>)[p.code];
  return entry && p.params !== undefined ? entry[lang](p.params) : p.message;
}
