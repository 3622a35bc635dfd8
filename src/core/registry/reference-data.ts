/**
 * Default reference data: versioned code lists (the national system's dictionaries changed
 * between years) and the poverty line per year. Data, not enums: an office edits them.
 */

export interface CodeListEntry {
  list: string;
  code: string;
  zh: string;
  en: string;
  validFrom: number;
  validTo?: number;
}

const FROM = 2014;

function list(name: string, entries: Array<[code: string, zh: string, en: string, validFrom?: number, validTo?: number]>): CodeListEntry[] {
  return entries.map(([code, zh, en, validFrom, validTo]) => ({ list: name, code, zh, en, validFrom: validFrom ?? FROM, ...(validTo ? { validTo } : {}) }));
}

export const CODE_LISTS: CodeListEntry[] = [
  ...list('cause', [
    ['illness', '因病', 'illness'],
    ['disability', '因残', 'disability'],
    ['schooling', '因学', 'school costs'],
    ['disaster', '因灾', 'disaster'],
    ['land', '缺土地', 'lack of land'],
    ['water', '缺水', 'lack of water'],
    ['skills', '缺技术', 'lack of skills'],
    ['labour', '缺劳力', 'lack of labour'],
    ['capital', '缺资金', 'lack of capital'],
    ['transport', '交通条件落后', 'poor transport'],
    ['motivation', '自身发展动力不足', 'lack of motivation'],
    ['other', '其他', 'other'],
  ]),
  ...list('attribute', [
    ['general', '一般贫困户', 'ordinary poor household'],
    ['dibao', '低保贫困户', 'minimum-living-allowance household'],
    ['wubao', '五保贫困户', '"five guarantees" household', FROM, 2015],
    ['tekun', '特困供养贫困户', 'extreme-poverty support household', 2016],
  ]),
  ...list('status', [
    ['not-exited', '未脱贫', 'not exited'],
    ['exited', '已脱贫', 'exited'],
    ['relapsed', '返贫', 'relapsed'],
  ]),
  ...list('standard', [
    ['national', '国家标准', 'national standard'],
    ['provincial', '省定标准', 'provincial standard'],
    ['city', '市定标准', 'city standard'],
  ]),
  ...list('relation', [
    ['head', '户主', 'head'],
    ['spouse', '配偶', 'spouse'],
    ['son', '之子', 'son'],
    ['daughter', '之女', 'daughter'],
    ['daughter-in-law', '之儿媳', 'daughter-in-law'],
    ['son-in-law', '之女婿', 'son-in-law'],
    ['grandson', '之孙子', 'grandson'],
    ['granddaughter', '之孙女', 'granddaughter'],
    ['father', '之父', 'father'],
    ['mother', '之母', 'mother'],
    ['sibling', '兄弟姐妹', 'sibling'],
    ['other', '其他', 'other'],
  ]),
  ...list('education', [
    ['illiterate', '文盲或半文盲', 'illiterate'],
    ['primary', '小学', 'primary school'],
    ['junior', '初中', 'junior secondary'],
    ['senior', '高中', 'senior secondary'],
    ['college', '大专及以上', 'college or above'],
    ['preschool', '学龄前儿童', 'preschool child'],
  ]),
  ...list('schooling', [
    ['none', '非在校生', 'not in school'],
    ['preschool', '学前教育', 'preschool'],
    ['primary', '小学', 'primary school'],
    ['junior', '初中', 'junior secondary'],
    ['senior', '普通高中', 'senior secondary'],
    ['vocational', '中职', 'secondary vocational'],
    ['higher-vocational', '高职', 'higher vocational'],
    ['university', '本科及以上', 'university'],
  ]),
  ...list('health', [
    ['healthy', '健康', 'healthy'],
    ['chronic', '长期慢性病', 'chronic illness'],
    ['serious', '患有大病', 'serious illness'],
    ['disabled', '残疾', 'disabled'],
  ]),
  ...list('labour', [
    ['ordinary', '普通劳动力', 'ordinary labour'],
    ['skilled', '技能劳动力', 'skilled labour'],
    ['weak', '弱劳动力或半劳动力', 'partial labour'],
    ['lost', '丧失劳动力', 'lost labour ability'],
    ['none', '无劳动力', 'no labour ability'],
  ]),
];

/** Poverty line in yuan per person per year (national figure; an office may set its own). */
export const POVERTY_LINES: Array<{ year: number; yuan: number }> = [
  { year: 2014, yuan: 2800 },
  { year: 2015, yuan: 2855 },
  { year: 2016, yuan: 2952 },
  { year: 2017, yuan: 3335 },
  { year: 2018, yuan: 3535 },
  { year: 2019, yuan: 3747 },
  { year: 2020, yuan: 4000 },
];
