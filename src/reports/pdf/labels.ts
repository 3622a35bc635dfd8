/**
 * The words printed on PDF reports, in Chinese and English. Titles of schemes, items, villages
 * and campaigns come from the data, already in the reader's language.
 */
import type { Lang } from '../../core/scheme/model.ts';

export interface Labels {
  /** Text in parentheses: full-width in Chinese, " (…)" in English. */
  paren: (s: string) => string;
  sheetTitle: (village: string) => string;
  continued: string;
  county: string;
  township: string;
  village: string;
  team: string;
  period: string;
  date: string;
  scheme: string;
  status: string;
  statuses: Record<string, string>;
  version: (v: number) => string;
  periodRange: (from: string, to: string) => string;
  code: string;
  item: string;
  points: string;
  deducted: string;
  score: string;
  reasons: string;
  notApplicable: string;
  base: string;
  bonus: string;
  total: string;
  percent: string;
  grade: string;
  rank: string;
  veto: string;
  converted: string;
  penalty: string;
  vetoText: (items: string, effect: 'zero' | 'grade' | 'ceiling', grade?: string) => string;
  outOf: (max: string) => string;
  bonusCap: (max: string) => string;
  rankText: (county: number, countyOf: number, township: number | null, townshipOf: number | null, townshipName: string | null) => string;
  noRank: string;
  /** The rank cell of a sheet printed before its result is published. */
  unranked: { unassessed: string; unpublished: string };
  /** The header line of a provisional ranking (a preview of unpublished results). */
  preview: string;
  /** The mark before a provisional ranking's title. */
  previewMark: string;
  missing: (what: string) => string;
  evidence: (refs: string) => string;
  /** The heading of the evidence photos under the scheme table. */
  photosTitle: string;
  notes: string;
  inspectorsSign: string;
  villageSign: string;
  signDate: string;
  page: (i: number, n: number) => string;
  overallPage: (i: number, n: number | null) => string;
  // The campaign summary
  summaryTitle: (campaign: string) => string;
  summaryPart: string;
  basis: (basis: string) => string;
  bases: Record<string, string>;
  villagesAssessed: string;
  townships: string;
  averageTotal: string;
  averageBase: string;
  averageBonus: string;
  highest: string;
  lowest: string;
  gradeCounts: string;
  villagesCount: string;
  byTownship: string;
  countyRow: string;
  top: (n: number) => string;
  bottom: (n: number) => string;
  countyRank: string;
  townshipRank: string;
  charts: string;
  produced: (date: string) => string;
  /** The audit log's head when the report was made (an anchor to check the log against later). */
  anchor: (anchor: string) => string;
  villagesOf: (n: number) => string;
}

const zh: Labels = {
  paren: (s) => `（${s}）`,
  sheetTitle: (village) => `${village}考核扣分明细表`,
  continued: '（续）',
  county: '县（市、区）',
  township: '乡镇',
  village: '村',
  team: '考核组',
  period: '考核期间',
  date: '制表日期',
  scheme: '考核细则',
  status: '状态',
  statuses: { draft: '草稿', submitted: '已提交', reviewed: '已审核', published: '已发布' },
  version: (v) => `第${v}版`,
  periodRange: (from, to) => `${from} 至 ${to}`,
  code: '编号',
  item: '考核项目',
  points: '分值',
  deducted: '扣分',
  score: '得分',
  reasons: '扣分原因及证据',
  notApplicable: '不适用',
  base: '基础分',
  bonus: '加分',
  total: '总分',
  percent: '得分率',
  grade: '等次',
  rank: '排名',
  veto: '一票否决',
  converted: '折算得分',
  penalty: '扣分项',
  vetoText: (items, effect, grade) => `${items}：${effect === 'zero' ? '总分计0分' : effect === 'ceiling' ? `不得评为高于${grade ?? ''}的等次` : `等次定为${grade ?? ''}`}`,
  outOf: (max) => `满分${max}`,
  bonusCap: (max) => `上限${max}`,
  rankText: (c, cOf, t, tOf, tName) => `全县第${c}名（共${cOf}个村）` + (t !== null ? `；${tName ?? '乡镇'}第${t}名${tOf !== null ? `（共${tOf}个村）` : ''}` : ''),
  noRank: '未排名',
  unranked: { unassessed: '未考核，暂无名次', unpublished: '未发布，暂无名次' },
  previewMark: '【内部预览】',
  preview: '内部预览：含未发布结果，名次为暂定，不得对外公布',
  missing: (what) => `缺少${what}`,
  evidence: (refs) => `证据${refs}`,
  photosTitle: '扣分证据照片',
  notes: '计分说明',
  inspectorsSign: '考核组成员签字：',
  villageSign: '村负责人签字：',
  signDate: '日期：        年      月      日',
  page: (i, n) => `第 ${i} 页 / 共 ${n} 页`,
  overallPage: (i, n) => (n === null ? `总第 ${i} 页` : `总第 ${i} 页 / 共 ${n} 页`),
  summaryTitle: (campaign) => `${campaign}结果汇总`,
  summaryPart: '汇总',
  basis: (b) => `统计范围：${b}`,
  bases: { all: '全部考核结果（含未发布）', published: '已发布的考核结果', 'published-and-own-township': '已发布结果及本乡镇结果', preview: '已提交、已审核及已发布的考核结果' },
  villagesAssessed: '考核村数',
  townships: '乡镇数',
  averageTotal: '平均总分',
  averageBase: '平均基础分',
  averageBonus: '平均加分',
  highest: '最高分',
  lowest: '最低分',
  gradeCounts: '各等次村数',
  villagesCount: '村数',
  byTownship: '各乡镇平均得分',
  countyRow: '全县',
  top: (n) => `得分最高的${n}个村`,
  bottom: (n) => `得分最低的${n}个村`,
  countyRank: '全县排名',
  townshipRank: '乡镇排名',
  charts: '统计图',
  produced: (date) => `制表日期：${date}`,
  anchor: (a) => `审计锚点：${a}（制表时审计日志的条数与校验值，可据此核验日志此后未被删改）`,
  villagesOf: (n) => `${n}个村`,
};

const en: Labels = {
  paren: (s) => ` (${s})`,
  sheetTitle: (village) => `${village}: score sheet and deductions`,
  continued: ' (continued)',
  county: 'County',
  township: 'Township',
  village: 'Village',
  team: 'Inspection team',
  period: 'Period',
  date: 'Date',
  scheme: 'Scheme',
  status: 'Status',
  statuses: { draft: 'Draft', submitted: 'Submitted', reviewed: 'Reviewed', published: 'Published' },
  version: (v) => `version ${v}`,
  periodRange: (from, to) => `${from} to ${to}`,
  code: 'Code',
  item: 'Item',
  points: 'Points',
  deducted: 'Deducted',
  score: 'Score',
  reasons: 'Reasons and evidence',
  notApplicable: 'n/a',
  base: 'Base',
  bonus: 'Bonus',
  total: 'Total',
  percent: 'Share of points',
  grade: 'Grade',
  rank: 'Rank',
  veto: 'Veto',
  converted: 'Converted base',
  penalty: 'Penalties',
  vetoText: (items, effect, grade) => `${items}: ${effect === 'zero' ? 'total set to 0' : effect === 'ceiling' ? `grade at most ${grade ?? ''}` : `grade set to ${grade ?? ''}`}`,
  outOf: (max) => `out of ${max}`,
  bonusCap: (max) => `cap ${max}`,
  rankText: (c, cOf, t, tOf, tName) => `${c} of ${cOf} in the county` + (t !== null ? `; ${t}${tOf !== null ? ` of ${tOf}` : ''} in ${tName ?? 'the township'}` : ''),
  noRank: 'not ranked',
  unranked: { unassessed: 'not assessed: no rank', unpublished: 'not published: no rank' },
  previewMark: '[Internal preview] ',
  preview: 'Internal preview: includes unpublished results; ranks are provisional and not for release',
  missing: (what) => `missing ${what}`,
  evidence: (refs) => `evidence ${refs}`,
  photosTitle: 'Evidence photos',
  notes: 'Notes on the score',
  inspectorsSign: 'Inspectors’ signatures:',
  villageSign: 'Village head’s signature:',
  signDate: 'Date:',
  page: (i, n) => `Page ${i} of ${n}`,
  overallPage: (i, n) => (n === null ? `page ${i} overall` : `page ${i} of ${n} overall`),
  summaryTitle: (campaign) => `${campaign}: results summary`,
  summaryPart: 'Summary',
  basis: (b) => `Counted: ${b}`,
  bases: {
    all: 'every result, published or not',
    published: 'published results',
    'published-and-own-township': 'published results and your township’s',
    preview: 'submitted, reviewed and published results',
  },
  villagesAssessed: 'Villages assessed',
  townships: 'Townships',
  averageTotal: 'Average total',
  averageBase: 'Average base',
  averageBonus: 'Average bonus',
  highest: 'Highest',
  lowest: 'Lowest',
  gradeCounts: 'Villages by grade',
  villagesCount: 'Villages',
  byTownship: 'Averages by township',
  countyRow: 'County',
  top: (n) => `Top ${n} villages`,
  bottom: (n) => `Bottom ${n} villages`,
  countyRank: 'County rank',
  townshipRank: 'Township rank',
  charts: 'Charts',
  produced: (date) => `Produced ${date}`,
  anchor: (a) => `Audit anchor: ${a} (the audit log's entries and hash when this was made; kaohe audit verify --anchor ${a} checks the log was not cut or rewritten since)`,
  villagesOf: (n) => `${n} villages`,
};

export function labels(lang: Lang): Labels {
  return lang === 'en' ? en : zh;
}

/** Points as the data has them (up to two decimals), without trailing zeros: 18.5, 20, 0.25. */
export function points(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 100) / 100);
}
