/**
 * Why a cell or a row of an imported file is refused: one catalogue, by stable code, in both
 * languages. A problem carries its code and the values its sentence names; the English sentence
 * is also its `message` (what the CLI, the logs and the API's `message` say), and every screen or
 * file shows `problemText(problem, lang)`. The sentences never quote an ID number.
 */
import type { Lang } from '../scheme/model.ts';

export type ProblemParams = Readonly<Record<string, string | number>>;

type Sentence = (p: ProblemParams) => string;

const LEVEL_ZH: Record<string, string> = { province: '省', city: '市州', county: '县', township: '乡镇', village: '行政村' };

const plural = (n: number | string, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

/** The catalogue: each code's sentence in Chinese and English. */
export const PROBLEM_TEXT = {
  // A cell's value, by the field's type.
  required: { zh: () => '必填，但为空', en: () => 'required, but empty' },
  'too-long': { zh: (p) => `超过${p.max}个字符`, en: (p) => `longer than ${p.max} characters` },
  'line-break': { zh: (p) => `含换行（第${p.at}个字符）：此列只填一行`, en: (p) => `contains a line break (at character ${p.at}): this column takes one line` },
  tab: { zh: (p) => `含制表符（第${p.at}个字符）：此列只填一行文字`, en: (p) => `contains a tab (at character ${p.at}): this column takes one line of text` },
  nul: { zh: (p) => `含空字符（U+0000，第${p.at}个字符）：请删除`, en: (p) => `contains a NUL character (U+0000, at character ${p.at}): remove it` },
  'lost-character': {
    zh: (p) => `含 U+FFFD（第${p.at}个字符），即编码转换中丢失的字符：请重新输入该字`,
    en: (p) => `contains U+FFFD (at character ${p.at}), the mark of a character lost in an encoding conversion: type the character again`,
  },
  'control-character': { zh: (p) => `含控制字符（${p.char}，第${p.at}个字符）：请删除`, en: (p) => `contains a control character (${p.char}, at character ${p.at}): remove it` },
  'not-whole': { zh: () => '不是整数', en: () => 'not a whole number' },
  'not-a-year': { zh: () => '不是年份', en: () => 'not a year' },
  'less-than': { zh: (p) => `小于${p.min}`, en: (p) => `less than ${p.min}` },
  'more-than': { zh: (p) => `大于${p.max}`, en: (p) => `more than ${p.max}` },
  'year-in-future': { zh: (p) => `是将来的年份（今年是${p.thisYear}年）`, en: (p) => `in the future (this year is ${p.thisYear})` },
  'year-too-far': { zh: (p) => `晚于今年${p.ahead}年以上（今年是${p.thisYear}年）`, en: (p) => `more than ${plural(p.ahead!, 'year')} ahead (this year is ${p.thisYear})` },
  'not-a-date': { zh: () => '不是日期（请写作 2020-03-05）', en: () => 'not a date (write 2020-03-05)' },
  'date-in-future': { zh: () => '是将来的日期', en: () => 'a date in the future' },
  'not-a-month': { zh: () => '不是月份（请写作 2020-03）', en: () => 'not a month (write 2020-03)' },
  'month-in-future': { zh: (p) => `是将来的月份（本月是${p.thisMonth}）`, en: (p) => `in the future (this month is ${p.thisMonth})` },
  'not-yes-no': { zh: () => '请填“是”或“否”', en: () => 'write 是 or 否' },
  'not-an-amount': { zh: () => '不是以元为单位的金额（最多两位小数）', en: () => 'not an amount in yuan (at most two decimals)' },
  'not-a-phone': { zh: () => '不是电话号码', en: () => 'not a phone number' },
  'id-format': { zh: () => '身份证号应为18位：17位数字加1位数字或X', en: () => 'an ID number has 18 characters: 17 digits and a digit or X' },
  'id-birth-date': { zh: () => '身份证号中的出生日期（第7–14位）不是真实日期', en: () => 'the birth date in the ID number (characters 7–14) is not a real date' },
  'id-birth-future': { zh: () => '身份证号中的出生日期（第7–14位）是将来的日期', en: () => 'the birth date in the ID number (characters 7–14) is in the future' },
  'id-check-character': { zh: () => '身份证号校验位（最后一位）不符：有数字输错', en: () => 'the check character (last character) does not match: a digit is mistyped' },
  'id-sex': {
    zh: (p) => `身份证号第17位为${p.idSex === 'M' ? '男（奇数）' : '女（偶数）'}，记录的性别为${p.recordSex === 'M' ? '男' : '女'}`,
    en: (p) => `the ID number's 17th digit says ${p.idSex === 'M' ? 'male (odd)' : 'female (even)'}, the record says ${p.recordSex === 'M' ? 'male' : 'female'}`,
  },
  'not-a-division-code': { zh: () => '行政区划代码应为12位数字', en: () => 'a division code has 12 digits' },
  'not-one-of': { zh: (p) => `应为以下之一：${p.values}`, en: (p) => `not one of ${p.values}` },
  'not-in-code-list': { zh: (p) => `不在代码表中（${p.labels}）`, en: (p) => `not in the code list (${p.labels})` },
  'too-many': { zh: (p) => `最多${p.max}项`, en: (p) => `at most ${p.max}` },
  'part-not-in-code-list': { zh: (p) => `“${p.part}”不在代码表中（${p.labels}）`, en: (p) => `"${p.part}" is not in the code list (${p.labels})` },
  // A row's values together.
  'not-a-village': { zh: (p) => `${p.value}是${LEVEL_ZH[p.level!] ?? p.level}，不是行政村`, en: (p) => `${p.value} is a ${p.level}, not a village` },
  'no-such-village': { zh: () => '基础数据中没有这个行政村（请先导入行政区划）', en: () => 'no such village in the registry (import areas first)' },
  'no-such-area': { zh: () => '基础数据和本文件上面各行中都没有这个区划', en: () => 'no such area in the registry or in the rows above' },
  'wrong-parent-level': {
    zh: (p) => `${LEVEL_ZH[p.own!] ?? p.own}的上级应为${LEVEL_ZH[p.want!] ?? p.want}，不是${LEVEL_ZH[p.level!] ?? p.level}`,
    en: (p) => `the parent of a ${p.own} must be a ${p.want}, not a ${p.level}`,
  },
  'province-no-parent': { zh: () => '省级区划没有上级，此处不填', en: () => 'a province has no parent here' },
  'no-such-household': { zh: () => '基础数据中没有这户（请先导入贫困户）', en: () => 'no such household in the registry (import households first)' },
  // An office of an area imports its own villages' rows only.
  'village-outside-area': {
    zh: (p) => `该村不在${p.area}范围内：${p.area}的办公室只能导入本区域各村的记录`,
    en: (p) => `the village is not in ${p.area}: an office of ${p.area} imports only its own villages' rows`,
  },
  'household-outside-area': {
    zh: (p) => `${p.area}的基础数据中没有这户：${p.area}的办公室只能导入本区域贫困户的记录`,
    en: (p) => `no such household in ${p.area}'s registry: an office of ${p.area} imports only its own households' records`,
  },
  'record-outside-area': {
    zh: (p) => `基础数据中已有这一记录，属于${p.area}以外的村：${p.area}的办公室不能修改`,
    en: (p) => `the registry has this record in a village outside ${p.area}: an office of ${p.area} cannot change it`,
  },
  'same-head-as-row': { zh: (p) => `户主身份证号与第${p.row}行相同`, en: (p) => `the same head ID number as row ${p.row}` },
  'head-of-other-household': { zh: (p) => `已是基础数据中户 ${p.household} 的户主`, en: (p) => `already the head of household ${p.household} in the registry` },
  'duplicate-row': { zh: (p) => `与第${p.first}行重复`, en: (p) => `duplicate of row ${p.first}` },
  'before-start': { zh: (p) => `早于开始日期（${p.start}）`, en: (p) => `earlier than the start (${p.start})` },
  'parent-needed': { zh: () => '乡镇或行政村须填上级区划', en: () => 'a township or village needs its parent' },
  'poverty-village-only-village': { zh: () => '只有行政村可以是贫困村', en: () => 'only a village can be a poverty village' },
  'exit-poverty-village-only': { zh: () => '只有贫困村才有出列年度', en: () => 'only a poverty village exits' },
  'more-than-household-size': { zh: (p) => `大于家庭人口数（${p.size}）`, en: (p) => `more than the household size (${p.size})` },
  'exit-year-needed': { zh: () => '已脱贫户须填脱贫年度', en: () => 'an exited household needs its exit year' },
  'exit-year-not-exited': { zh: () => '未脱贫户不应有脱贫年度', en: () => 'a household that has not exited has no exit year' },
  'repeats-main-cause': { zh: () => '与主要致贫原因重复', en: () => 'repeats the main cause' },
  'before-identified-year': { zh: (p) => `早于识别年度（${p.year}）`, en: (p) => `before the year identified (${p.year})` },
  'more-than-days-in-month': { zh: (p) => `超过${p.month}的${p.days}天`, en: (p) => `more than the ${p.days} days of ${p.month}` },
  'duty-over-month': {
    zh: (p) => `在岗、请假和公差合计${p.all}天，超过${p.month}的${p.days}天`,
    en: (p) => `days on duty, leave and trips add up to ${p.all}, more than the ${p.days} days of ${p.month}`,
  },
  'missing-has-date': { zh: () => '标为未报，却有报送日期', en: () => 'marked 未报 but has a submission date' },
  'submitted-needs-date': { zh: () => '已报送的须填报送日期', en: () => 'a submitted report needs its date' },
  'on-time-but-late': { zh: (p) => `标为按时，却在截止日期（${p.deadline}）之后报送`, en: (p) => `marked 按时 but submitted after the deadline (${p.deadline})` },
  'late-but-on-time': { zh: (p) => `标为延报，却在截止日期（${p.deadline}）之前报送`, en: (p) => `marked 延报 but submitted by the deadline (${p.deadline})` },
  'awareness-answer': { zh: () => '政策知晓的回答应为“知晓”或“不知晓”', en: () => 'a policy-awareness answer is 知晓 or 不知晓' },
  'satisfaction-answer': { zh: () => '满意度的回答应为“满意”“基本满意”或“不满意”', en: () => 'a satisfaction answer is 满意, 基本满意 or 不满意' },
  'before-start-year': { zh: () => '早于起始年度', en: () => 'before the start year' },
} satisfies Record<string, { zh: Sentence; en: Sentence }>;

export type ProblemCode = keyof typeof PROBLEM_TEXT;

/** A problem by its code: its values and its English sentence (`message`). */
export interface Problem {
  code: ProblemCode;
  params?: ProblemParams;
  message: string;
}

export function problem(code: ProblemCode, params?: ProblemParams): Problem {
  return { code, ...(params ? { params } : {}), message: PROBLEM_TEXT[code].en(params ?? {}) };
}

/** A problem's sentence in a language; an unknown code (a newer server) gives its message. */
export function problemText(p: { code?: string; params?: ProblemParams; message: string }, lang: Lang): string {
  const entry = p.code === undefined ? undefined : (PROBLEM_TEXT as Record<string, { zh: Sentence; en: Sentence } | undefined>)[p.code];
  return entry ? entry[lang](p.params ?? {}) : p.message;
}
