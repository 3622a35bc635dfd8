/**
 * What each problem of a scheme file says, in Chinese and in English: one catalogue by stable
 * code, as the import problems have theirs (core/registry/problems.ts). A problem carries its
 * code and the values its sentence names; its `message` is the English sentence (what the CLI,
 * the logs and the API's `message` say), and every screen shows `schemeProblemText(p, lang)`.
 */
import type { Lang } from './model.ts';

export type SchemeProblemParams = Readonly<Record<string, string | number>>;

type Sentence = (p: SchemeProblemParams) => string;

/** The rule kinds as the office names them. */
const KIND_ZH: Record<string, string> = {
  perOccurrence: '按次扣分',
  fixedPenalty: '按项扣分',
  allOrNothing: '全项扣分',
  veto: '一票否决',
  bonus: '加分',
  range: '视情况扣分',
  measured: '按实测值计分',
  parts: '多项评分标准',
  shortfall: '每低…扣…',
  tiers: '按档次得分',
  rating: '按评价等次得分',
  proportional: '按比例得分',
  perUnit: '每…计…分',
};
/** Fields of the new rule kinds as the office names them. */
const FIELD_ZH: Record<string, string> = {
  min: '最低扣分',
  max: '最高扣分',
  step: '步长',
  measure: '计量方式',
  scoring: '计分方式',
  parts: '各项评分标准',
  terms: '分子各项',
  of: '分母',
  levels: '评价等次',
  unit: '单位',
  target: '目标值',
  amount: '分值',
  rounding: '不足部分的计法',
  floor: '不得分线',
  tiers: '档次',
  convert: '折算分',
};
const fieldZh = (f: unknown) => FIELD_ZH[String(f)] ?? String(f);
const kindZh = (k: unknown) => KIND_ZH[String(k)] ?? String(k);
const pts = (cents: unknown) => String(Number(cents) / 100);

/** A YAML reader's complaint, by its code (the `yaml` library's), in Chinese. */
const SYNTAX_ZH: Record<string, string> = {
  DUPLICATE_KEY: '同一层级中有重复的键',
  BAD_INDENT: '缩进不对',
  TAB_AS_INDENT: '用了制表符缩进，请改用空格',
  MISSING_CHAR: '缺少字符（如引号、括号未闭合）',
  BLOCK_AS_IMPLICIT_KEY: '此处的写法不能作为键',
  MULTILINE_IMPLICIT_KEY: '键不能跨行',
  UNEXPECTED_TOKEN: '此处有无法识别的字符',
  BAD_SCALAR_START: '值的开头字符不对（可加引号）',
  MULTIPLE_DOCS: '一个文件只能有一个文档',
  BAD_ALIAS: '引用（别名）写法不对',
  BAD_DIRECTIVE: '指令写法不对',
};

export const SCHEME_PROBLEM_TEXT = {
  syntax: {
    zh: (p) => `文件格式有误：${SYNTAX_ZH[String(p.yamlCode)] ?? '此处的写法无法读取'}`,
    en: (p) => String(p.detail),
  },
  shape: { zh: (p) => `${p.path || '文件顶层'}：${p.zh}`, en: (p) => `${p.path || '(top level)'}: ${p.en}` },
  unreadable: { zh: () => '无法读取此文本', en: (p) => String(p.detail ?? 'the text could not be read') },
  'bad-points': {
    zh: (p) => `${p.value} 不是分值（最多两位小数）`,
    en: (p) => `${p.value} is not a number of points (at most two decimals)`,
  },
  'negative-points': { zh: (p) => `分值和扣分额不能为负数（${p.value}）`, en: (p) => `points and amounts must not be negative (${p.value})` },
  'duplicate-grade': { zh: (p) => `等级 ${p.grade} 列了两次`, en: (p) => `grade ${p.grade} is listed twice` },
  'grade-order': {
    zh: (p) => `等级须按最低分从高到低排列：${p.grade} 的最低分不低于 ${p.previous}`,
    en: (p) => `grades must be listed from the highest minimum down: ${p.grade} is not below ${p.previous}`,
  },
  'duplicate-code': {
    zh: (p) => (p.firstLine ? `编号 ${p.code} 用了两次（首次在第${p.firstLine}行）` : `编号 ${p.code} 用了两次`),
    en: (p) => `code ${p.code} is used twice (first at ${p.first})`,
  },
  'duplicate-element': { zh: (p) => `要素 ${p.element} 列了两次`, en: (p) => `checklist element ${p.element} is listed twice` },
  'nested-bonus': { zh: () => '只有一级部分可以是加分项', en: () => 'only a top-level section can be a bonus section' },
  'bonus-without-cap': { zh: () => '加分项须有分值：即加分上限', en: () => 'a bonus section needs points: they are its cap' },
  'rule-on-section': {
    zh: () => '有下级的项目不能带扣分规则：请把规则放在最下一级的考核项目上',
    en: () => 'a node with children cannot carry a rule: put the rule on an item',
  },
  'missing-rule': { zh: () => '考核项目（没有下级的项）须有扣分规则', en: () => 'an item (a node without children) needs a rule' },
  'checklist-on-section': { zh: () => '只有考核项目可以列要素清单', en: () => 'only an item can have a checklist' },
  'uneven-children': {
    zh: (p) =>
      p.deliberate !== undefined
        ? `下级分值合计${pts(p.sum)}分，不等于${pts(p.points)}分（已说明：${p.deliberate}）`
        : `下级分值合计${pts(p.sum)}分，不等于${pts(p.points)}分：请改正分值，或在 unevenChildren 中说明原因`,
    en: (p) =>
      p.deliberate !== undefined
        ? `children add up to ${pts(p.sum)} points, not ${pts(p.points)} (deliberate: ${p.deliberate})`
        : `children add up to ${pts(p.sum)} points, not ${pts(p.points)}; fix the points, or say why with unevenChildren`,
  },
  'unknown-rule-kind': {
    zh: (p) => `不认识的规则类型“${p.kind}”（可用：${String(p.known).split(', ').map(kindZh).join('、')}）`,
    en: (p) => `unknown rule kind "${p.kind}" (known: ${p.known})`,
  },
  'missing-amount': { zh: (p) => `${kindZh(p.kind)}规则须有分值（amount）`, en: (p) => `a ${p.kind} rule needs an amount` },
  'zero-amount': { zh: () => '分值须大于0', en: () => 'the amount must be more than 0' },
  'unexpected-amount': { zh: (p) => `${kindZh(p.kind)}规则不填分值（amount）`, en: (p) => `a ${p.kind} rule takes no amount` },
  'bonus-outside-bonus-section': { zh: () => '加分规则只能放在加分项中', en: () => 'a bonus rule must sit in a bonus section' },
  'deduction-in-bonus-section': { zh: () => '加分项中只能有加分规则', en: () => 'a bonus section holds only bonus rules' },
  'unexpected-pool': { zh: (p) => `${kindZh(p.kind)}规则不计入扣分池`, en: (p) => `a ${p.kind} rule draws on no pool` },
  'all-or-nothing-without-points': { zh: () => '全项扣分的考核项目须有自己的分值', en: () => 'an all-or-nothing item needs points of its own to lose' },
  'veto-with-points': { zh: () => '一票否决项目不设分值', en: () => 'a veto item has no points' },
  'missing-effect': {
    zh: () => '一票否决规则须说明后果：得0分（zero）、定为某等级（grade）或不得评为高于某等级（ceiling）',
    en: () => 'a veto rule needs an effect: zero, grade or ceiling',
  },
  'missing-grade': { zh: () => '后果为定等级的一票否决须写明等级', en: () => 'a veto with effect "grade" names the grade it forces' },
  'unknown-grade': { zh: (p) => `等级 ${p.grade} 不在本细则的等级中`, en: (p) => `grade ${p.grade} is not among the scheme's grades` },
  'unexpected-effect': { zh: (p) => `${kindZh(p.kind)}规则不填后果或等级`, en: (p) => `a ${p.kind} rule takes no effect or grade` },
  'pool-not-ancestor': { zh: (p) => `扣分池 ${p.pool} 不是 ${p.code} 本身或其上级`, en: (p) => `pool ${p.pool} is not ${p.code} itself or a node above it` },
  'uncapped-penalty': {
    zh: () => '没有分值的考核项目须有上级扣分池（pool: true）可扣',
    en: () => 'an item without points needs a pool above it (pool: true) to draw on',
  },
  'pool-without-points': { zh: (p) => `扣分池 ${p.pool} 没有分值可扣`, en: (p) => `pool ${p.pool} has no points to draw on` },
  'bonus-pool': { zh: () => '加分项不能同时是扣分池', en: () => 'a bonus section cannot also be a deduction pool' },
  'missing-field': { zh: (p) => `须填写${fieldZh(p.field)}（${p.field}）`, en: (p) => `${p.field} is required here` },
  'zero-field': { zh: (p) => `${fieldZh(p.field)}须大于0`, en: (p) => `${p.field} must be more than 0` },
  'unexpected-field': {
    zh: (p) => `${kindZh(p.kind)}不填${fieldZh(p.field)}（${p.field}）`,
    en: (p) => `${p.field} does not belong to ${p.kind}`,
  },
  'nested-penalty': { zh: () => '只有一级部分可以是扣分项（从总分中扣除）', en: () => 'only a top-level section can be a penalty section' },
  'penalty-pool': { zh: () => '扣分项（从总分中扣除）不受扣分池限制，不能设扣分池', en: () => 'a penalty section and its items draw on no pool' },
  'penalty-with-points': {
    zh: () => '扣分项（从总分中扣除）不设分值；要限制扣分总额，请填扣分上限（penaltyCap）',
    en: () => 'a penalty section has no points; to cap its deductions, give penaltyCap',
  },
  'penalty-cap-outside-penalty': { zh: () => '只有扣分项（从总分中扣除）才有扣分上限', en: () => 'penaltyCap belongs to a penalty section' },
  'highest-only-outside-bonus': {
    zh: () => '“按最高级别计分，不重复加分”只用于加分项中',
    en: () => 'highestOnly belongs to a node in a bonus section',
  },
  'highest-only-on-item': { zh: () => '“按最高级别计分”须设在有下级的项目上', en: () => 'highestOnly belongs to a node with items under it' },
  'part-kind': {
    zh: (p) => `多项评分标准中的每一项只能是按次扣分、按项扣分、全项扣分或视情况扣分，不能是${kindZh(p.kind)}`,
    en: (p) => `a part's rule is perOccurrence, fixedPenalty, allOrNothing or range, not ${p.kind}`,
  },
  'part-pool': { zh: () => '扣分池设在整个考核项目上，不设在其中一项', en: () => 'the pool belongs to the whole item, not to one part' },
  'duplicate-part': { zh: (p) => `评分标准 ${p.part} 列了两次`, en: (p) => `part ${p.part} is listed twice` },
  'all-or-nothing-in-penalty': {
    zh: () => '扣分项（从总分中扣除）中的全项扣分须有分值：即扣除的分数',
    en: () => 'an all-or-nothing item in a penalty section needs points: what it deducts',
  },
  'range-order': { zh: (p) => `最低扣分${pts(p.min)}分高于最高扣分${pts(p.max)}分`, en: (p) => `min ${pts(p.min)} is above max ${pts(p.max)}` },
  'range-step': {
    zh: (p) => `${pts(p.min)}至${pts(p.max)}分之间不能按${pts(p.step)}分一档划分`,
    en: (p) => `${pts(p.min)} to ${pts(p.max)} is not divided by steps of ${pts(p.step)}`,
  },
  'range-above-points': {
    zh: (p) => `每处最多扣${pts(p.max)}分，高于本项分值${pts(p.points)}分（扣完为止）`,
    en: (p) => `up to ${pts(p.max)} per occurrence, more than the item's ${pts(p.points)} (it stops at them)`,
  },
  'unknown-measure-kind': {
    zh: (p) => `不认识的计量方式“${p.kind}”（可用：比率 rate、金额 amount、数量 count、评价 rating）`,
    en: (p) => `unknown measure kind "${p.kind}" (known: ${p.known})`,
  },
  'duplicate-term': { zh: (p) => `分子项 ${p.term} 列了两次`, en: (p) => `term ${p.term} is listed twice` },
  'duplicate-level': { zh: (p) => `评价等次 ${p.level} 列了两次`, en: (p) => `level ${p.level} is listed twice` },
  'unknown-scoring': {
    zh: (p) => `不认识的计分方式“${p.by}”（可用：${String(p.known).split(', ').map(kindZh).join('、')}）`,
    en: (p) => `unknown scoring "${p.by}" (known: ${p.known})`,
  },
  'earning-in-penalty': {
    zh: (p) => `扣分项（从总分中扣除）中不能${kindZh(p.by)}：只能扣分`,
    en: (p) => `a penalty section only deducts: ${p.by} earns points`,
  },
  'measured-without-points': { zh: (p) => `${kindZh(p.by)}的考核项目须有自己的分值`, en: (p) => `an item scored by ${p.by} needs points of its own` },
  'scoring-measure': {
    zh: (p) => `${kindZh(p.by)}不适用于计量方式 ${p.kind}（适用：${p.kinds}）`,
    en: (p) => `${p.by} does not apply to a ${p.kind} measure (it applies to ${p.kinds})`,
  },
  'unknown-rounding': {
    zh: (p) => `不认识的计法“${p.rounding}”（可用：${p.known}；up 为不足一档按一档计，exact 为按实际差值计算，down 为只计整档）`,
    en: (p) => `unknown rounding "${p.rounding}" (known: ${p.known})`,
  },
  'floor-above-target': {
    zh: (p) => `不得分线${pts(p.floor)}不低于目标值${pts(p.target)}`,
    en: (p) => `the floor ${pts(p.floor)} is not below the target ${pts(p.target)}`,
  },
  'floor-in-penalty': { zh: () => '扣分项（从总分中扣除）中不设不得分线', en: () => 'a penalty section has no floor: it only deducts' },
  'tier-order': {
    zh: (p) => `第${p.tier}档：各档须按下限从高到低排列`,
    en: (p) => `tier ${p.tier}: tiers are listed from the highest minimum down`,
  },
  'tier-above-points': {
    zh: (p) => `第${p.tier}档的得分高于本项分值${pts(p.points)}分`,
    en: (p) => `tier ${p.tier} earns more than the item's ${pts(p.points)} points`,
  },
  'duplicate-period': { zh: (p) => `考核阶段 ${p.period} 列了两次`, en: (p) => `period ${p.period} is listed twice` },
  'period-weights': {
    zh: (p) => `各考核阶段的权重合计${pts(p.sum)}%，应为100%`,
    en: (p) => `the periods' weights add up to ${pts(p.sum)}%, not 100%`,
  },
  'bad-share': { zh: (p) => `比例须大于0且不超过100%（${pts(p.share)}%）`, en: (p) => `a share is more than 0 and at most 100% (${pts(p.share)}%)` },
  'quota-otherwise': {
    zh: (p) => `超出“${p.grade}”比例的单位须定为更低的等级，${p.otherwise} 不低于 ${p.grade}`,
    en: (p) => `units beyond the quota of ${p.grade} go to a lower grade; ${p.otherwise} is not below it`,
  },
  'unknown-tie-break': {
    zh: (p) => `并列时的排序依据“${p.key}”不是 base、bonus、penalty、考核阶段或考核项目的编号`,
    en: (p) => `tie-break "${p.key}" is not base, bonus, penalty, a period or a node code`,
  },
  'grade-basis-without-grades': { zh: () => '设了等级依据（gradeBasis），但细则没有等级', en: () => 'gradeBasis is set but the scheme has no grades' },
} satisfies Record<string, { zh: Sentence; en: Sentence }>;

export type SchemeProblemCode = keyof typeof SCHEME_PROBLEM_TEXT;

/** A problem's sentence in a language; an unknown code (a newer server) gives its message. */
export function schemeProblemText(p: { code?: string; params?: SchemeProblemParams; message: string }, lang: Lang): string {
  const entry = p.code === undefined ? undefined : (SCHEME_PROBLEM_TEXT as Record<string, { zh: Sentence; en: Sentence } | undefined>)[p.code];
  return entry && p.params !== undefined ? entry[lang](p.params) : p.message;
}

/** A problem's code, values and English message. */
export function schemeProblemMessage(code: SchemeProblemCode, params: SchemeProblemParams = {}): { code: SchemeProblemCode; params: SchemeProblemParams; message: string } {
  return { code, params, message: SCHEME_PROBLEM_TEXT[code].en(params) };
}
