/**
 * Why a line of an imported scheme table (评分细则.xlsx) was not read: one catalogue, by stable
 * code, in both languages, as src/core/registry/problems.ts has it for the registry's sheets. A
 * problem carries its code and the values its sentence names; its `message` is the English
 * sentence, and `importProblemText(problem, lang)` says it in either language.
 */
import type { Lang } from './model.ts';

export type ImportProblemParams = Readonly<Record<string, string | number>>;

type Sentence = (p: ImportProblemParams) => string;

export const IMPORT_PROBLEM_TEXT = {
  // The wording of a 评分标准 cell (wording.ts).
  'empty-wording': { zh: () => '评分标准为空：请填写评分标准或选择规则', en: () => 'the scoring wording is empty: write one or pick a rule' },
  'unknown-wording': {
    zh: (p) => `未能识别评分标准“${p.text}”：请在表单中选择规则`,
    en: (p) => `the scoring wording "${p.text}" was not recognised: pick a rule in the form`,
  },
  'partly-read': {
    zh: (p) => `评分标准只识别了一部分，未识别“${p.rest}”：规则未设置，请在表单中选择`,
    en: (p) => `only part of the scoring wording was recognised, not "${p.rest}": no rule was set; pick one in the form`,
  },
  'unclear-wording': {
    zh: (p) => `评分标准中的“${p.rest}”含义不明确（${p.why_zh}）：规则未设置，请在表单中选择`,
    en: (p) => `"${p.rest}" in the scoring wording is unclear (${p.why_en}): no rule was set; pick one in the form`,
  },
  'rounding-unstated': {
    zh: () => '未说明不足一个百分点如何计算（按一个百分点计，或按实际差值计算）：规则未设置，请在表单中选择',
    en: () => 'the wording does not say how a part of a percentage point counts (as a whole point, or by the actual difference): no rule was set; pick one in the form',
  },
  'several-bonuses': {
    zh: () => '一行中有多个加分事项：请拆分为多项（同一事项按最高级别计分的，放在一个分组下）',
    en: () => 'several bonuses in one line: split them into items (a highest-only group where only the highest counts)',
  },
  'mixed-rules': {
    zh: () => '一行中有扣分、加分或一票否决等不同种类的规则：请拆分为多项',
    en: () => 'one line mixes deductions, bonuses or vetoes: split it into items',
  },
  'tiers-gap': {
    zh: (p) => `分档不连续：${p.at}处既不属于上一档也不属于下一档`,
    en: (p) => `the tiers leave a gap at ${p.at}: it is in neither the tier above nor the one below`,
  },
  'tiers-overlap': {
    zh: (p) => `分档重叠：${p.at}既属于上一档也属于下一档（“以上”“至”都包含本数）：请在一档上注明“（含）”，或在表单中选择`,
    en: (p) => `the tiers overlap: ${p.at} is in the tier above and the one below (以上 and 至 both include it): mark one bound （含）, or pick in the form`,
  },
  'tiers-unit': { zh: () => '各档的单位不一致', en: () => 'the tiers are not in one unit' },
  // The table (sheet-import.ts).
  'no-header': {
    zh: () => '未找到表头行（应有“考核内容”或“考核项目”及“评分标准”等列）',
    en: () => 'no header row found (columns such as 考核内容 or 考核项目, and 评分标准)',
  },
  'no-rows': { zh: () => '表头下没有考核内容', en: () => 'nothing under the header row' },
  'bad-points': { zh: (p) => `分值“${p.value}”不是数字`, en: (p) => `the points "${p.value}" are not a number` },
  'points-differ': {
    zh: (p) => `分值列为${p.column}分，标题中为${p.title}分：已取分值列`,
    en: (p) => `the points column says ${p.column}, the title says ${p.title}: the column was taken`,
  },
  'wording-points-differ': {
    zh: (p) => `评分标准满分为${p.wording}分，分值为${p.points}分：请核对`,
    en: (p) => `the wording gives at most ${p.wording} points, the item is worth ${p.points}: check which is right`,
  },
  'pool-not-found': {
    zh: (p) => `“扣完${p.points}分为止”：本项及其上级都不是${p.points}分：扣分池未设置`,
    en: (p) => `"扣完${p.points}分为止": neither the item nor a node above it has ${p.points} points: no pool was set`,
  },
  'pool-inferred': {
    zh: (p) => `本节的扣分项没有单独分值，已设为扣分池（共用本节${p.points}分）：请核对`,
    en: (p) => `the section's deductions have no points of their own: it was made a pool (sharing its ${p.points} points); check it`,
  },
  'note-unread': {
    zh: (p) => `说明中的“${p.text}”未能识别为规则（等次比例、排名、综合得分或折算）：请在表单中设置`,
    en: (p) => `"${p.text}" in the notes was not read as a rule (a grade quota, a tie-break, the combined score or a conversion): set it in the form`,
  },
  'grade-unknown': {
    zh: (p) => `等次“${p.grade}”：请在方案的等次中添加此等次，再在此选择`,
    en: (p) => `grade "${p.grade}": add it to the scheme's grades, then pick it here`,
  },
  'cap-without-points': {
    zh: () => '加分项未写明上限（最高加N分）：请填写本节分值',
    en: () => 'the bonus section states no cap (最高加N分): fill in its points',
  },
  'numbering-skipped': {
    zh: (p) => `编号“${p.number}”之前缺少上一级标题：已归入上一节`,
    en: (p) => `the numbering "${p.number}" has no heading of the level above: put under the section before`,
  },
  'no-title': { zh: () => '未填写考核内容', en: () => 'no 考核内容 (what is assessed)' },
} satisfies Record<string, { zh: Sentence; en: Sentence }>;

export type ImportProblemCode = keyof typeof IMPORT_PROBLEM_TEXT;

/** A line of the table not read (or read with a doubt), where it is and what it would be. */
export interface ImportProblem {
  code: ImportProblemCode;
  params?: ImportProblemParams;
  /** The English sentence. */
  message: string;
  /** Row of the sheet as a person sees it (1 = the first row). */
  row?: number;
  /** Column letter (A, B, …). */
  column?: string;
  /** The code the node has (or would have) in the imported scheme. */
  node?: string;
  /** 'unread': not applied, the office must decide; 'check': applied, worth a look. */
  severity: 'unread' | 'check';
}

export function importProblem(code: ImportProblemCode, params?: ImportProblemParams): { code: ImportProblemCode; params?: ImportProblemParams; message: string } {
  return { code, ...(params ? { params } : {}), message: IMPORT_PROBLEM_TEXT[code].en(params ?? {}) };
}

/** A problem's sentence in a language; an unknown code gives its message. */
export function importProblemText(p: { code?: string; params?: ImportProblemParams; message: string }, lang: Lang): string {
  const entry = p.code === undefined ? undefined : (IMPORT_PROBLEM_TEXT as Record<string, { zh: Sentence; en: Sentence } | undefined>)[p.code];
  return entry ? entry[lang](p.params ?? {}) : p.message;
}

/** "row 12, column D: node 2.1.3: …" / "第12行D列：2.1.3：…" */
export function importProblemLine(p: ImportProblem, lang: Lang): string {
  const text = importProblemText(p, lang);
  if (lang === 'zh') {
    const place = p.row !== undefined ? `第${p.row}行${p.column ?? ''}${p.column ? '列' : ''}` : '';
    return `${place}${p.node ? `${place ? '，' : ''}${p.node}` : ''}${place || p.node ? '：' : ''}${text}`;
  }
  const place = [p.row !== undefined ? `row ${p.row}` : '', p.column ? `column ${p.column}` : ''].filter(Boolean).join(', ');
  return `${place}${p.node ? `${place ? ': ' : ''}node ${p.node}` : ''}${place || p.node ? ': ' : ''}${text}`;
}
