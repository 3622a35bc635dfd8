/**
 * Registry sheets for the import, export and CLI tests: one small, consistent county (areas,
 * households, members, helpers, the work team and its records) as tables with the offices'
 * Chinese headers, and writers for them as CSV (UTF-8, with or without BOM) and .xlsx (with a
 * title row and a merged two-row header, as offices' sheets have).
 *
 * Run as a script it regenerates the committed fixtures under test/fixtures/registry/: the
 * households sheet in GBK and GB18030 (converted by the system's iconv, which tests do not need)
 * and the .xlsx sheets:
 *
 *     npx tsx test/registry-fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { checkCharacter } from '../src/core/ids/gb11643.ts';
import { importFile, type ImportReport } from '../src/services/import/import.service.ts';
import type { Store } from '../src/store/db.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'registry');

/** "Today" for the service tests: every date in the fixtures is before it. */
export const TODAY = '2021-06-30';

/** A valid ID number: area, birth date (YYYYMMDD), 3-digit sequence (odd = male); the check character computed. */
export function idNumber(area: string, birth: string, seq: string): string {
  const first17 = `${area}${birth}${seq}`;
  if (first17.length !== 17) throw new Error(`bad ID parts ${area}/${birth}/${seq}`);
  return first17 + checkCharacter(first17);
}

export const IDS = {
  wangDashan: idNumber('522425', '19680512', '001'),
  liXiuying: idNumber('522425', '19750815', '002'),
  zhangGuoqiang: idNumber('522425', '19520101', '011'),
  chenGuihua: idNumber('522425', '19700304', '002'),
  wangXiaojun: idNumber('522425', '20030101', '001'),
  liMing: idNumber('522425', '19800101', '001'),
  zhouHong: idNumber('522425', '19820611', '004'),
  zhangWei: idNumber('522425', '19850707', '003'),
  zhaoLei: idNumber('522425', '19900220', '005'),
  wuFang: idNumber('522425', '19881010', '006'),
} as const;

export const COUNTY = '522425000000';
export const TOWNSHIP = '522425100000';
export const VILLAGE = '522425100201';
export const VILLAGE2 = '522425100202';
export const H1 = '5224251002010001';
export const H2 = '5224251002010002';
export const H3 = '5224251002020001';

export type Value = string | number | boolean | Date | null;

/** A sheet: its header row and data rows (the first data row is row 2 of a plain CSV). */
export interface Table {
  headers: string[];
  rows: Value[][];
}

/** The kinds in the order they can be imported (later ones refer to earlier ones). */
export const ORDER = [
  'areas',
  'households',
  'members',
  'helpers',
  'team-members',
  'visits',
  'meetings',
  'duty-days',
  'meeting-attendance',
  'reports',
  'surveys',
  'students',
  'petitions',
  'publicity',
  'household-sources',
  'leader-duties',
  'code-lists',
  'poverty-lines',
] as const;
export type KindName = (typeof ORDER)[number];

/** Valid rows of every kind, with every column of the kind, as an office writes them. */
export const VALID: Record<KindName, Table> = {
  areas: {
    headers: ['区划代码', '名称', '级别', '上级区划代码', '是否贫困村', '计划出列年度', '出列年度', '人口数'],
    rows: [
      [COUNTY, '织金县', '县', '', '否', '', '', '830000'],
      [TOWNSHIP, '城关镇', '乡镇', COUNTY, '', '', '', '52000'],
      [VILLAGE, '石桥村', '村', TOWNSHIP, '是', '2019', '2019', '1860'],
      [VILLAGE2, '河坝村', '行政村', TOWNSHIP, '否', '', '', '1320'],
    ],
  },
  households: {
    headers: [
      '户编号',
      '村区划代码',
      '年度',
      '户主姓名',
      '户主身份证号',
      '家庭人口数',
      '劳动力人数',
      '识别标准',
      '贫困户属性',
      '主要致贫原因',
      '其他致贫原因',
      '贫困户状态',
      '识别年度',
      '计划脱贫年度',
      '脱贫年度',
      '人均纯收入（元）',
      '联系电话',
      '住房安全等级',
      '饮水安全',
      '通生活用电',
      '通硬化路',
    ],
    rows: [
      [
        H1,
        VILLAGE,
        '2020',
        '王大山',
        IDS.wangDashan,
        '4',
        '2',
        '国家标准',
        '一般贫困户',
        '因病',
        '缺技术、缺资金',
        '已脱贫',
        '2014',
        '2019',
        '2019',
        '5230.50',
        '13800000000',
        'B',
        '是',
        '是',
        '是',
      ],
      [H2, VILLAGE, '2020', '李秀英', IDS.liXiuying, '3', '1', '国家标准', '低保贫困户', '因残', '', '未脱贫', '2015', '2020', '', '3100', '', 'C级', '是', '是', '否'],
      [
        H3,
        VILLAGE2,
        '2020',
        '张国强',
        IDS.zhangGuoqiang,
        '1',
        '0',
        '省定标准',
        '特困供养贫困户',
        '缺劳力',
        '因病',
        '返贫',
        '2014',
        '2018',
        '2018',
        '2980.00',
        '0857-7712345',
        'A',
        '是',
        '否',
        '是',
      ],
    ],
  },
  members: {
    headers: [
      '户编号',
      '姓名',
      '身份证号',
      '性别',
      '与户主关系',
      '民族',
      '文化程度',
      '在校生状况',
      '健康状况',
      '劳动技能',
      '是否外出务工',
      '是否参加医疗保险',
      '是否享受低保',
      '是否特困供养',
    ],
    rows: [
      [H1, '王大山', IDS.wangDashan, '男', '户主', '汉族', '小学', '非在校生', '健康', '普通劳动力', '否', '是', '否', '否'],
      [H1, '陈桂花', IDS.chenGuihua, '女', '配偶', '苗族', '文盲或半文盲', '非在校生', '长期慢性病', '弱劳动力或半劳动力', '否', '是', '否', '否'],
      [H1, '王小军', IDS.wangXiaojun, '男', '之子', '汉族', '初中', '中职', '健康', '普通劳动力', '否', '是', '否', '否'],
      [H2, '李秀英', IDS.liXiuying, '女', '户主', '汉族', '小学', '非在校生', '残疾', '丧失劳动力', '否', '是', '是', '否'],
      [H3, '张国强', IDS.zhangGuoqiang, '男', '户主', '汉族', '文盲或半文盲', '非在校生', '患有大病', '无劳动力', '否', '是', '否', '是'],
    ],
  },
  helpers: {
    headers: ['帮扶责任人身份证号', '帮扶责任人姓名', '工作单位', '职务', '联系电话', '户编号', '帮扶开始日期', '帮扶结束日期'],
    rows: [
      [IDS.liMing, '李明', '县教育局', '科员', '13900000000', H1, '2018-03-01', ''],
      [IDS.liMing, '李明', '县教育局', '科员', '13900000000', H2, '2018-03-01', ''],
      [IDS.zhouHong, '周红', '县农业农村局', '副局长', '13900000001', H3, '2017-05-01', '2019-12-31'],
    ],
  },
  'team-members': {
    headers: ['村区划代码', '派出单位', '姓名', '身份证号', '职务', '联系电话', '驻村开始日期', '驻村结束日期'],
    rows: [
      [VILLAGE, '县教育局', '张伟', IDS.zhangWei, '队长兼第一书记', '13700000000', '2018-01-15', ''],
      [VILLAGE, '县教育局', '赵磊', IDS.zhaoLei, '队员', '', '2018-01-15', '2020-06-30'],
      [VILLAGE2, '县农业农村局', '吴芳', IDS.wuFang, '第一书记', '13700000002', '2019-03-01', ''],
    ],
  },
  visits: {
    headers: ['户编号', '走访人类型', '走访人姓名', '走访人身份证号', '走访日期', '走访内容'],
    rows: [
      [H1, '帮扶责任人', '李明', IDS.liMing, '2020-03-05', '宣讲教育资助政策'],
      [H2, '帮扶责任人', '李明', '', '2020-03-06', '了解低保落实情况'],
      [H1, '工作队长', '张伟', IDS.zhangWei, '2020-03-10', '核实收入, 填写"扶贫手册"'],
    ],
  },
  meetings: {
    headers: ['村区划代码', '会议类型', '会议日期', '有会议记录', '会议主题', '参会人数'],
    rows: [
      [VILLAGE, '扶贫专题会议', '2020-03-10', '是', '研究产业扶贫项目', '8'],
      [VILLAGE, '工作队长碰头会', '2020-03-16', '否', '', '3'],
    ],
  },
  'duty-days': {
    headers: ['村区划代码', '姓名', '身份证号', '月份', '在岗天数', '请假天数', '公差天数'],
    rows: [
      [VILLAGE, '张伟', IDS.zhangWei, '2020-02', '29', '', ''],
      [VILLAGE, '张伟', IDS.zhangWei, '2020-03', '22', '2', '1'],
      [VILLAGE, '赵磊', IDS.zhaoLei, '2020-03', '20', '0', '0'],
    ],
  },
  'meeting-attendance': {
    headers: ['村区划代码', '会议名称', '召开单位', '会议日期', '参会人', '出席情况'],
    rows: [
      [VILLAGE, '全县脱贫攻坚推进会', '县扶贫办', '2020-04-02', '张伟', '出席'],
      [VILLAGE, '全县脱贫攻坚推进会', '县扶贫办', '2020-04-02', '赵磊', '请假'],
      [VILLAGE2, '全县脱贫攻坚推进会', '县扶贫办', '2020-04-02', '吴芳', '缺席'],
    ],
  },
  reports: {
    headers: ['村区划代码', '材料名称', '报送时限', '报送日期', '报送情况', '备注'],
    rows: [
      [VILLAGE, '3月份扶贫月报', '2020-04-05', '2020-04-03', '按时', ''],
      [VILLAGE, '4月份扶贫月报', '2020-05-05', '2020-05-08', '延报', '晚3天'],
      [VILLAGE, '5月份扶贫月报', '2020-06-05', '', '未报', ''],
      [VILLAGE2, '3月份扶贫月报', '2020-04-05', '2020-04-01', '错报退回', '数据有误'],
    ],
  },
  surveys: {
    headers: ['户编号', '调查类型', '调查日期', '受访人', '调查内容', '回答'],
    rows: [
      [H1, '满意度', '2020-09-15', '王大山', '帮扶责任人', '满意'],
      [H1, '满意度', '2020-09-15', '王大山', '工作队长', '基本满意'],
      [H1, '政策知晓', '2020-09-15', '陈桂花', '教育资助政策', '知晓'],
      [H2, '政策知晓', '2020-09-16', '李秀英', '健康扶贫政策', '不知晓'],
    ],
  },
  students: {
    headers: ['户编号', '学生姓名', '学生身份证号', '学年', '就读学校', '符合条件', '已告知', '已申报'],
    rows: [
      [H1, '王小军', IDS.wangXiaojun, '2019', '县职业技术学校', '是', '是', '是'],
      [H1, '王小军', IDS.wangXiaojun, '2020', '县职业技术学校', '是', '是', '否'],
    ],
  },
  petitions: {
    headers: ['村区划代码', '户编号', '日期', '类型', '越级上访', '已妥善处理', '事由'],
    rows: [
      [VILLAGE, H2, '2020-06-18', '投诉', '否', '是', '对低保评定有异议'],
      [VILLAGE2, '', '2020-07-01', '上访', '是', '否', '修路占地补偿'],
    ],
  },
  publicity: {
    headers: ['户编号', '程序', '环节', '日期', '材料编号'],
    rows: [
      [H1, '识别', '申请', '2014-05-10', 'SQ-2014-001'],
      [H1, '退出', '第一次公示', '2019-11-20', 'GS-2019-031'],
      [H1, '退出', '公告', '2019-12-10', 'GG-2019-007'],
    ],
  },
  'household-sources': {
    headers: ['户编号', '来源', '户主姓名', '户主身份证号', '家庭人口数', '劳动力人数', '贫困户属性', '主要致贫原因', '贫困户状态', '人均纯收入（元）', '联系电话'],
    rows: [
      [H1, '扶贫手册', '王大山', IDS.wangDashan, '5', '2', '一般贫困户', '因病', '已脱贫', '5230.50', '13800000000'],
      [H1, '信息采集表', '王大山', '', '4', '', '一般贫困户', '因病', '', '', ''],
    ],
  },
  'leader-duties': {
    headers: ['村区划代码', '年度', '事项代码', '事项', '是否完成', '备注'],
    rows: [
      [VILLAGE, '2020', 'diary', '记好一本民情日记', '是', ''],
      [VILLAGE, '2020', 'survey', '写好一篇调研报告', '否', '未见调研报告'],
    ],
  },
  'code-lists': {
    headers: ['代码表', '代码', '中文名称', '英文名称', '起始年度', '截止年度'],
    rows: [
      ['cause', 'pandemic', '因疫', 'epidemic', '2020', ''],
      ['status', 'monitored', '监测户', 'monitored', '2021', ''],
      ['cause', 'illness', '因病', 'illness', '2014', ''], // already in the default lists
    ],
  },
  'poverty-lines': {
    headers: ['年度', '贫困线（元）'],
    rows: [
      ['2020', '4000'], // already in the defaults
      ['2021', '4100'],
    ],
  },
};

/** Rows of a kind that are already in a store after the migrations (updated, not inserted, by VALID). */
export const PRESEEDED: Partial<Record<KindName, number>> = { 'code-lists': 1, 'poverty-lines': 1 };

/** A copy of a table. */
export function copy(table: Table): Table {
  return { headers: [...table.headers], rows: table.rows.map((r) => [...r]) };
}

/** A copy with one cell changed: data row `index` (0-based), column by header. */
export function withCell(table: Table, index: number, header: string, value: Value): Table {
  const t = copy(table);
  const at = t.headers.indexOf(header);
  if (at < 0) throw new Error(`no column ${header}`);
  t.rows[index]![at] = value;
  return t;
}

/** A copy with rows added at the end. */
export function withRows(table: Table, ...rows: Value[][]): Table {
  const t = copy(table);
  t.rows.push(...rows.map((r) => [...r]));
  return t;
}

/** A copy without some columns. */
export function withoutColumns(table: Table, ...headers: string[]): Table {
  const keep = table.headers.map((h, i) => (headers.includes(h) ? -1 : i)).filter((i) => i >= 0);
  return { headers: keep.map((i) => table.headers[i]!), rows: table.rows.map((r) => keep.map((i) => r[i] ?? null)) };
}

/** One row of a table as header → value. */
export function record(table: Table, index: number): Record<string, Value> {
  return Object.fromEntries(table.headers.map((h, i) => [h, table.rows[index]![i] ?? null]));
}

function csvCell(v: Value): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as CSV text (CRLF line ends, as Excel writes them). */
export function csvText(table: Table, eol = '\r\n'): string {
  return [table.headers, ...table.rows].map((r) => r.map(csvCell).join(',')).join(eol) + eol;
}

/** Writes the table as UTF-8 CSV, with a BOM when asked (as Excel's "CSV UTF-8" does). */
export function writeCsv(path: string, table: Table, options: { bom?: boolean } = {}): string {
  writeFileSync(path, (options.bom ? '\uFEFF' : '') + csvText(table));
  return path;
}

export interface XlsxLayout {
  /** A title row (merged across the columns) above the header, as offices' printed sheets have. */
  title?: string;
  /** A two-row header: these groups span their columns in the first header row (merged), with the columns' headers below; other columns' headers are merged down over both rows. */
  groups?: Array<{ title: string; headers: string[] }>;
  /** Further sheets after the data sheet (e.g. a notes sheet). */
  notes?: string[][];
}

/** Writes the table as .xlsx; cells keep their types (numbers, Dates, booleans). Returns the row number of the last header row. */
export async function writeXlsx(path: string, table: Table, layout: XlsxLayout = {}): Promise<number> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('数据');
  const n = table.headers.length;
  let row = 1;
  if (layout.title) {
    sheet.getCell(row, 1).value = layout.title;
    sheet.mergeCells(row, 1, row, n);
    row++;
  }
  if (layout.groups) {
    const grouped = new Map<string, string>();
    for (const g of layout.groups) for (const h of g.headers) grouped.set(h, g.title);
    const done = new Set<string>();
    table.headers.forEach((h, i) => {
      const col = i + 1;
      const group = grouped.get(h);
      if (group === undefined) {
        sheet.getCell(row, col).value = h;
        sheet.mergeCells(row, col, row + 1, col);
        return;
      }
      sheet.getCell(row + 1, col).value = h;
      if (done.has(group)) return;
      done.add(group);
      const cols = table.headers.map((x, j) => (grouped.get(x) === group ? j + 1 : 0)).filter(Boolean);
      sheet.getCell(row, cols[0]!).value = group;
      if (cols.length > 1) sheet.mergeCells(row, cols[0]!, row, cols[cols.length - 1]!);
    });
    row += 2;
  } else {
    table.headers.forEach((h, i) => (sheet.getCell(row, i + 1).value = h));
    row++;
  }
  for (const r of table.rows) {
    r.forEach((v, i) => {
      if (v === null || v === '') return;
      const cell = sheet.getCell(row, i + 1);
      cell.value = v;
      if (v instanceof Date) cell.numFmt = 'yyyy-mm-dd';
    });
    row++;
  }
  if (layout.notes) {
    const notes = workbook.addWorksheet('说明');
    for (const r of layout.notes) notes.addRow(r);
  }
  await workbook.xlsx.writeFile(path);
  return row - table.rows.length - 1;
}

/** Reads every worksheet of an .xlsx file as arrays of cell values (1-based rows and columns as 0-based arrays). */
export async function readXlsx(path: string): Promise<Array<{ name: string; rows: Map<number, unknown[]> }>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook.worksheets.map((ws) => {
    const rows = new Map<number, unknown[]>();
    ws.eachRow({ includeEmpty: false }, (r, number) => {
      const values = r.values as unknown[];
      rows.set(
        number,
        Array.from(values.slice(1), (v) => v ?? null),
      );
    });
    return { name: ws.name, rows };
  });
}

/**
 * `n` valid households for the large-file tests, in the villages of the fixtures (one in three in
 * VILLAGE2): household numbers 5224251002000000nn…, unique head ID numbers born from 1950 on (none
 * of them a head in VALID). `spoil(i, row)` may change row i (a copy of a valid row).
 */
export function manyHouseholds(n: number, spoil: (i: number, row: Value[]) => void = () => {}): Table {
  const H = VALID.households.headers;
  const col = (h: string) => H.indexOf(h);
  const template = VALID.households.rows[1]!;
  const rows: Value[][] = [];
  for (let i = 0; i < n; i++) {
    const r = [...template];
    const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 900) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    r[col('户编号')] = `5224251002${String(i).padStart(8, '0')}`;
    r[col('村区划代码')] = i % 3 === 0 ? VILLAGE2 : VILLAGE;
    r[col('户主姓名')] = `户主${i}`;
    r[col('户主身份证号')] = idNumber('522425', birth, String(100 + (i % 900)).padStart(3, '0'));
    r[col('家庭人口数')] = String(1 + (i % 7));
    r[col('劳动力人数')] = String(i % 2);
    spoil(i, r);
    rows.push(r);
  }
  return { headers: H, rows };
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix = 'kaohe-registry-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Imports the valid rows of kinds (in ORDER) into a store from CSV files in `dir`; throws if one is not committed. */
export async function seed(store: Store, dir: string, kinds: readonly KindName[] = ORDER): Promise<ImportReport[]> {
  const reports: ImportReport[] = [];
  for (const kind of ORDER.filter((k) => kinds.includes(k))) {
    const file = writeCsv(join(dir, `seed-${kind}-${Math.random().toString(36).slice(2)}.csv`), VALID[kind]);
    const report = await importFile(store, kind, file, { today: TODAY });
    if (!report.committed) throw new Error(`seeding ${kind} failed: ${JSON.stringify(report.problems)}`);
    reports.push(report);
  }
  return reports;
}

/** The committed encodings fixtures: the households sheet, one of them with a name outside GBK. */
export const GB18030_NAME = '王𠮷';
export function householdsForEncoding(encoding: 'gbk' | 'gb18030'): Table {
  return encoding === 'gb18030' ? withCell(VALID.households, 0, '户主姓名', GB18030_NAME) : VALID.households;
}

/** The committed .xlsx fixtures and how they are laid out. */
export const XLSX_FIXTURES = {
  /** households: a title row, a two-row header with merged groups, numbers for numeric columns. */
  households: {
    file: 'households-title-merged.xlsx',
    headerRow: 3,
    layout: {
      title: '织金县2020年建档立卡贫困户花名册',
      groups: [
        { title: '户主信息', headers: ['户主姓名', '户主身份证号'] },
        { title: '贫困户属性与致贫原因', headers: ['贫困户属性', '主要致贫原因', '其他致贫原因'] },
        { title: '两不愁三保障', headers: ['住房安全等级', '饮水安全', '通生活用电', '通硬化路'] },
      ],
      notes: [['填表说明'], ['本表由村扶贫专职副书记核对后上报']],
    } satisfies XlsxLayout,
    table: (): Table => ({
      headers: VALID.households.headers,
      rows: VALID.households.rows.map((r) =>
        r.map((v, i) => {
          const h = VALID.households.headers[i]!;
          // Numbers where an office's sheet has numbers; codes and ID numbers stay text.
          if (['年度', '家庭人口数', '劳动力人数', '识别年度', '计划脱贫年度', '脱贫年度', '人均纯收入（元）'].includes(h) && v !== '') return Number(v);
          return v;
        }),
      ),
    }),
  },
  /** members: a title row above a plain header. */
  members: {
    file: 'members-title.xlsx',
    headerRow: 2,
    layout: { title: '家庭成员信息' } satisfies XlsxLayout,
    table: (): Table => VALID.members,
  },
  /** visits: Date cells, an Excel day serial, and a row with a two-row merged header. */
  visits: {
    file: 'visits-dates.xlsx',
    headerRow: 3,
    layout: {
      title: '入户走访记录',
      groups: [{ title: '走访人', headers: ['走访人类型', '走访人姓名', '走访人身份证号'] }],
    } satisfies XlsxLayout,
    table: (): Table => ({
      headers: VALID.visits.headers,
      rows: [
        [H1, '帮扶责任人', '李明', IDS.liMing, new Date(Date.UTC(2020, 2, 5)), '宣讲教育资助政策'],
        [H2, '帮扶责任人', '李明', '', 43896, '了解低保落实情况'], // 2020-03-06 as a day serial
        [H1, '工作队长', '张伟', IDS.zhangWei, '2020/3/10', '核实收入, 填写"扶贫手册"'],
      ],
    }),
  },
} as const;

/** visits-dates.xlsx with xl/sharedStrings.xml before the worksheet and xl/workbook.xml last. */
export const LATE_WORKBOOK_FIXTURE = 'visits-late-workbook.xlsx';

/** Regenerates the committed fixture files. */
async function main(): Promise<void> {
  const out = resolve(FIXTURES);
  for (const encoding of ['gbk', 'gb18030'] as const) {
    const utf8 = csvText(householdsForEncoding(encoding));
    const bytes = execFileSync('/usr/bin/iconv', ['-f', 'UTF-8', '-t', encoding.toUpperCase()], { input: utf8 });
    writeFileSync(join(out, `households.${encoding}.csv`), bytes);
  }
  for (const f of Object.values(XLSX_FIXTURES)) await writeXlsx(join(out, f.file), f.table(), f.layout);
  // The visits workbook with its parts reordered: shared strings before the sheet, xl/workbook.xml
  // last (exceljs's own writer sometimes stores them so). Python's zipfile does the reordering.
  const reorder = [
    'import sys, zipfile',
    'src, dst = sys.argv[1], sys.argv[2]',
    'z = zipfile.ZipFile(src)',
    'names = [i.filename for i in z.infolist() if not i.filename.endswith("/")]',
    'first = ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"]',
    'order = first + [n for n in names if n not in first and n != "xl/workbook.xml"] + ["xl/workbook.xml"]',
    'with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as o:',
    '    for n in order: o.writestr(zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0)), z.read(n), zipfile.ZIP_DEFLATED)',
  ].join('\n');
  execFileSync('python3', ['-c', reorder, join(out, XLSX_FIXTURES.visits.file), join(out, LATE_WORKBOOK_FIXTURE)]);
  process.stdout.write(`wrote fixtures in ${out}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();

/** Rows in a table of the store. */
export async function count(store: Store, table: string): Promise<number> {
  const db = store.db as unknown as import('kysely').Kysely<any>;
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * A table's rows as stored, in insertion order (by id, else by key), with surrogate ids replaced
 * by natural keys: `household_id` → `household` (户编号), `helper_id` → `helper` (ID number),
 * `team_id` → `team` ("village/unit"). Columns not asked for are dropped.
 */
export async function stored(store: Store, table: string, columns?: string[]): Promise<Array<Record<string, unknown>>> {
  const db = store.db as unknown as import('kysely').Kysely<any>;
  const households = new Map((await db.selectFrom('households').select(['id', 'household_no']).execute()).map((h) => [h.id, h.household_no]));
  const helpers = new Map((await db.selectFrom('helpers').select(['id', 'id_number']).execute()).map((h) => [h.id, h.id_number]));
  const teams = new Map((await db.selectFrom('work_teams').select(['id', 'village_code', 'sending_unit']).execute()).map((t) => [t.id, `${t.village_code}/${t.sending_unit}`]));
  const order: Record<string, string[]> = { areas: ['code'], code_lists: ['list', 'code', 'valid_from'], poverty_lines: ['year'] };
  let q = db.selectFrom(table).selectAll();
  for (const c of order[table] ?? ['id']) q = q.orderBy(c);
  const rows = await q.execute();
  return rows.map((r: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (k === 'id') continue;
      if (k === 'household_id') out.household = v === null ? null : households.get(v as number);
      else if (k === 'helper_id') out.helper = helpers.get(v as number);
      else if (k === 'team_id') out.team = teams.get(v as number);
      else out[k] = v;
    }
    if (!columns) return out;
    return Object.fromEntries(columns.map((c) => [c, out[c]]));
  });
}
