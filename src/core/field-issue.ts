/**
 * What is wrong with one field of a request, in the office's words, in Chinese and in English.
 * The API checks every request with zod; zod's own sentences are English and technical
 * ("Too small: expected string to have >=1 characters"), and its Chinese ones too ("期望 string
 * >=1 字符"). Each issue is said here by its kind, with the limits it names; the few sentences
 * the routes give their checks themselves ("a 12-digit division code") have their Chinese below.
 * A sentence never quotes the value sent (it may be an ID number).
 */
import type { z } from 'zod';

export interface IssueText {
  zh: string;
  en: string;
}

/** The sentences routes give their own checks, in Chinese. An unknown one is said generally. */
const OWN_SENTENCES_ZH: Record<string, string> = {
  'a 12-digit division code': '应为12位行政区划代码',
  'a village is named by its 12-digit division code': '行政村应以12位行政区划代码表示',
  'a date as YYYY-MM-DD': '日期应写作 2020-03-05',
  'a day as YYYY-MM-DD': '日期应写作 2020-03-05',
  'true or false': '应为是或否',
  'before from': '结束日期早于开始日期',
  'the first day is after the last': '开始日期晚于结束日期',
  'say why the suggestions are dismissed': '驳回建议扣分须填写理由',
  'an adjustment gives the new count (a whole number ≥ 0)': '调整扣分须填写新的次数（不小于0的整数）',
  'a built-in scheme id such as seed-2020': '应为内置考核细则的编号，如 seed-2020',
  'a token from an import': '应为导入时给出的凭据',
  'letters, digits, dot, dash or underscore': '只能包含字母、数字、点、连字符或下划线',
  'after and q go with a page: give limit (1 to 1000) too': '翻页和搜索须同时给出每页条数（1至1000）',
  "the previous page's next (rank.id, e.g. 0.17)": '应为上一页给出的翻页位置（如 0.17）',
};

const TYPE_ZH: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: '是或否',
  array: '列表',
  object: '一组字段',
  date: '日期',
  bigint: '整数',
};

type Issue = z.core.$ZodIssue;

const limit = (v: unknown) => (typeof v === 'bigint' ? v.toString() : String(v));

/** An issue's sentence in both languages. */
export function issueText(issue: Issue): IssueText {
  const own = OWN_SENTENCES_ZH[issue.message];
  if (own) return { zh: own, en: issue.message };
  if (issue.message.startsWith('one of ')) return { zh: `应为以下之一：${issue.message.slice('one of '.length)}`, en: issue.message };
  switch (issue.code) {
    case 'invalid_type': {
      // zod says "received undefined" when the field is not there at all.
      if (/received undefined$/.test(issue.message)) return { zh: '必填，但未填写', en: 'required, but missing' };
      const expected = String(issue.expected);
      return { zh: `类型不对：应为${TYPE_ZH[expected] ?? expected}`, en: `not of the right type: ${expected} expected` };
    }
    case 'too_small': {
      const min = limit(issue.minimum);
      const at = issue.inclusive === false ? { zh: '应大于', en: 'more than' } : { zh: '不能小于', en: 'at least' };
      if (issue.origin === 'string') return min === '1' ? { zh: '不能为空', en: 'must not be empty' } : { zh: `至少${min}个字符`, en: `at least ${min} characters` };
      if (issue.origin === 'array' || issue.origin === 'set') return { zh: `至少${min}项`, en: `at least ${min} ${min === '1' ? 'entry' : 'entries'}` };
      return { zh: `${at.zh}${min}`, en: `${at.en} ${min}` };
    }
    case 'too_big': {
      const max = limit(issue.maximum);
      const at = issue.inclusive === false ? { zh: '应小于', en: 'less than' } : { zh: '不能大于', en: 'at most' };
      if (issue.origin === 'string') return { zh: `最多${max}个字符`, en: `at most ${max} characters` };
      if (issue.origin === 'array' || issue.origin === 'set') return { zh: `最多${max}项`, en: `at most ${max} entries` };
      return { zh: `${at.zh}${max}`, en: `${at.en} ${max}` };
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? v : String(v))).join('、');
      return { zh: `应为以下之一：${values}`, en: `one of ${issue.values.map(String).join(', ')}` };
    }
    case 'invalid_format':
      // A route's own sentence (not zod's "Invalid string: …") says what the format is.
      return { zh: '格式不对', en: issue.message.startsWith('Invalid') ? `not in the expected format (${issue.format})` : issue.message };
    case 'not_multiple_of':
      return { zh: `应为${limit(issue.divisor)}的倍数`, en: `a multiple of ${limit(issue.divisor)}` };
    case 'unrecognized_keys':
      return {
        zh: `不认识的字段：${issue.keys.map((k) => `“${k}”`).join('、')}`,
        en: `unknown field${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      };
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return { zh: '填写的值不符合要求', en: 'not a value accepted here' };
    default:
      // A check of a route's own ("custom") without a Chinese sentence above.
      return { zh: '填写的值不符合要求', en: issue.message };
  }
}
