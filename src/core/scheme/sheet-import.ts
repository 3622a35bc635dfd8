/**
 * From the table an office keeps its scheme in (评分细则.xlsx: a title row, a header row
 * 序号 | 考核内容 | 分值 | 评分标准, merged section rows 一、组织领导（20分）, sub-sections （一）,
 * items 1. / 1.1 / (1)) to the data of a scheme file, and every line it could not read, with its
 * row and column and the code the node would have. Pure: the grid of cell texts comes from
 * services/scheme-sheet.ts (or a test).
 *
 * Codes are made from the tree ("1", "1.1", "1.1.1", as the seed's), points come from the 分值
 * column or from "（20分）" in a title, and each item's 评分标准 is read by wording.ts. Nothing is
 * guessed: an item whose wording is not read whole keeps its wording and gets no rule, and the
 * office picks one in the form editor (where the missing rule is shown beside the node).
 */
import { toCents } from '../numbers.ts';
import type { RawScheme } from './build.ts';
import { importProblem, type ImportProblem, type ImportProblemCode, type ImportProblemParams } from './import-problems.ts';
import { applicabilityOf, conversionOf, noteRules, type NotePeriod } from './sheet-notes.ts';
import { chineseNumber, readWording, type RuleData } from './wording.ts';

export { gradesOf } from './sheet-notes.ts';

/** A sheet as cell texts, rows × columns (0 = the sheet's first row, column A), with its merged ranges. */
export interface SheetGrid {
  cells: string[][];
  /** Merged ranges, 0-based and inclusive. */
  merges?: Array<{ top: number; left: number; bottom: number; right: number }>;
}

/** A node of a scheme file as the importer writes it (points as decimals). */
export interface SchemeFileNode {
  code: string;
  title: string;
  text?: string;
  ruleText?: string;
  points?: number;
  pool?: boolean;
  bonus?: boolean;
  penalty?: boolean;
  penaltyCap?: number;
  highestOnly?: boolean;
  unevenChildren?: string;
  dataSource?: string;
  department?: string;
  note?: string;
  /** 仅对脱贫村考核: the attributes a unit needs for the node to apply. */
  appliesIf?: Record<string, boolean>;
  rule?: RuleData;
  children?: SchemeFileNode[];
}

/** The data of a scheme file (what `kaohe scheme import` writes as YAML). */
export interface SchemeFileData {
  id: string;
  version: number;
  title: string;
  source?: string;
  /** The 说明 lines under the table, as the office wrote them. */
  note?: string;
  /** 按实得分÷应得分×100折算 (from the notes or a section's wording): what does not apply leaves the maximum. */
  notApplicable?: 'exclude';
  convert?: number;
  /** Read from the notes under the table (考核结果分为好（90分及以上）、较好（80分—89.99分）…). */
  grades?: Array<{ code: string; title: string; min: number }>;
  /** 综合得分＝平时考核×30%＋年终考核×70%… (from the notes). */
  periods?: NotePeriod[];
  /** “好”等次不超过20%…; 综合得分相同的，年终考核得分高者排名在前 (from the notes). */
  ranking?: { quotas?: Array<{ grade: string; share: number; otherwise: string }>; tieBreak?: string[] };
  sections: SchemeFileNode[];
}

/** The importer's data is a scheme file's data (checked when compiling). */
export const asRawScheme = (data: SchemeFileData): RawScheme => data;

export interface SheetImportOptions {
  /** The scheme's id (default `imported`). */
  id?: string;
  /** The title where the sheet has no title row (e.g. the file's name). */
  title?: string;
  /** Where the scheme comes from (e.g. the file's name). */
  source?: string;
}

export interface SheetImportResult {
  scheme: SchemeFileData;
  /** Every line not read, or read with a doubt, in sheet order. */
  problems: ImportProblem[];
}

type Role = 'no' | 'group' | 'content' | 'points' | 'rule' | 'source' | 'department' | 'note';

const HEADERS: Array<[Role, RegExp]> = [
  ['no', /^(?:序号|编号|序|项目编号|顺序)$/],
  ['rule', /^(?:评分标准|评分细则|评分办法|评分方法|扣分标准|计分办法|计分方法|计分标准|考核标准|评分依据|赋分标准|考核评分标准|评分标准及办法|考核办法|评分规则)$/],
  ['points', /^(?:分值|分数|标准分|满分|权重分|分值分|分值\(分\)|分数\(分\)|考核分值|基础分值|赋分)$/],
  ['content', /^(?:考核内容|考核要点|工作内容|考核要求|内容|二级指标|三级指标|考核细则|工作任务|目标任务|具体内容|考核指标内容|考核内容及要求|工作要求)$/],
  ['group', /^(?:考核项目|项目|考核类别|类别|一级指标|考核指标|考核事项|指标|考核事项及分值)$/],
  ['source', /^(?:数据来源|考核方式|考核方法|评价方式|核查方式|考核依据|数据来源及方式)$/],
  ['department', /^(?:责任单位|牵头单位|责任部门|考核单位|评分单位|评价单位|考核责任单位)$/],
  ['note', /^(?:备注|说明)$/],
];

function headerRole(text: string): Role | undefined {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  return HEADERS.find(([, re]) => re.test(t))?.[0];
}

/** 0 → A, 26 → AA. */
function letter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

type Style = string;

interface Numbering {
  style: Style;
  number: string;
  rest: string;
}

const CN = '[一二三四五六七八九十]+';

/** The numbering a line starts with (一、 （一） 1. 1.1 (1) ①), and the text after it. */
export function numbering(text: string): Numbering | undefined {
  const t = text.trim();
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^第?(${CN})(?:部分|章|项|类)?\\s*[、.．，,:：]\\s*`).exec(t)) || (m = new RegExp(`^第(${CN})(?:部分|章)\\s*`).exec(t)))
    return { style: 'cn', number: m[1]!, rest: t.slice(m[0].length) };
  if ((m = new RegExp(`^[（(](${CN})[）)]\\s*[、.．]?\\s*`).exec(t))) return { style: 'cnParen', number: m[1]!, rest: t.slice(m[0].length) };
  if ((m = /^(\d+(?:[.．]\d+)+)[.．、]?\s*/.exec(t)) && !/^(?:\d|万|元|%|％|分|个|倍|亩|户|人)/.test(t.slice(m[0].length)))
    return { style: `dotted${m[1]!.split(/[.．]/).length}`, number: m[1]!, rest: t.slice(m[0].length) };
  if ((m = /^(\d+)\s*[、.．]\s*/.exec(t)) && !/^\d/.test(t.slice(m[0].length))) return { style: 'arabic', number: m[1]!, rest: t.slice(m[0].length) };
  if ((m = /^[（(](\d+)[）)]\s*[、.．]?\s*/.exec(t))) return { style: 'arabicParen', number: m[1]!, rest: t.slice(m[0].length) };
  if ((m = /^([①-⑳])\s*/.exec(t))) return { style: 'circled', number: m[1]!, rest: t.slice(m[0].length) };
  return undefined;
}

/** A 序号 cell alone: "1", "一", "1.1", "（一）". */
function numberCell(text: string): Numbering | undefined {
  const t = text.normalize('NFKC').trim();
  if (/^\d+$/.test(t)) return { style: 'arabic', number: t, rest: '' };
  if (new RegExp(`^${CN}$`).test(t) && chineseNumber(t) !== undefined) return { style: 'cn', number: t, rest: '' };
  return numbering(t);
}

/** The place a number gives in its list: 3 for 3. (3) 三 ③ 1.3; undefined when it has none. */
function ordinal(n: Numbering): number | undefined {
  if (n.style === 'cn' || n.style === 'cnParen') return chineseNumber(n.number);
  if (n.style === 'circled') return n.number.codePointAt(0)! - 0x2460 + 1;
  const last = n.number.split(/[.．]/).pop()!;
  return /^\d+$/.test(last) ? Number(last) : undefined;
}

/** "组织领导（20分）" → 20; also （最高加10分） and （加分上限10分） for a bonus section's cap. */
function titlePoints(title: string): { title: string; points?: number; cap?: number; penaltyCap?: number } {
  const t = title.trim();
  let m = /\s*[（(]\s*(?:共|满分)?(\d+(?:\.\d+)?)\s*分\s*[）)]\s*[。.]?\s*$/.exec(t.normalize('NFKC'));
  if (m) return { title: t.normalize('NFKC').slice(0, m.index).trim(), points: Number(m[1]) };
  m = /\s*[（(]\s*(?:(?:最高|最多|累计最高|上限)(?:加分上限|加)?|加分上限|加)(?:为)?(\d+(?:\.\d+)?)\s*分\s*[）)]\s*[。.]?\s*$/.exec(t.normalize('NFKC'));
  if (m) return { title: t.normalize('NFKC').slice(0, m.index).trim(), cap: Number(m[1]) };
  m = /\s*[（(]\s*(?:最高|最多|累计最高|累计最多)扣(\d+(?:\.\d+)?)\s*分\s*[）)]\s*[。.]?\s*$/.exec(t.normalize('NFKC'));
  if (m) return { title: t.normalize('NFKC').slice(0, m.index).trim(), penaltyCap: Number(m[1]) };
  return { title: t };
}

/** The 分值 cell: a number, "20分", or nothing ("—", "/"); `bad` when it is something else. */
function pointsCell(text: string): { points?: number; bad?: boolean } {
  const t = text.normalize('NFKC').replace(/\s+/g, '').replace(/分$/, '');
  if (t === '' || /^[-—/／\\]+$/.test(t)) return {};
  if (/^\d+(?:\.\d+)?$/.test(t) && toCents(t) !== null) return { points: Number(t) };
  const cn = chineseNumber(t);
  if (cn !== undefined) return { points: cn };
  return { bad: true };
}

const BONUS_TITLE = /加分|奖励|奖惩|表彰/;
const PENALTY_TITLE = /扣分项|减分项|扣分事项|从总分中?扣除|倒扣|问责扣分|扣分办法/;
const VETO_TITLE = /一票否决/;

interface Draft {
  row: number;
  title: string;
  text?: string;
  ruleText?: string;
  ruleColumn?: string;
  points?: number;
  pointsColumn?: string;
  cap?: number;
  penaltyCap?: number;
  penaltyWording?: boolean;
  dataSource?: string;
  department?: string;
  note?: string;
  /** A heading row (merged across, or without a wording): a section even without children. */
  heading: boolean;
  children: Draft[];
  parent?: Draft;
  code: string;
  out?: SchemeFileNode;
}

/** Reads a scheme table into the data of a scheme file, and every line it could not read. */
export function importSheet(grid: SheetGrid, options: SheetImportOptions = {}): SheetImportResult {
  const problems: ImportProblem[] = [];
  const say = (
    code: ImportProblemCode,
    params: ImportProblemParams | undefined,
    where: { row?: number; column?: string; node?: string },
    severity: 'unread' | 'check' = 'unread',
  ) => problems.push({ ...importProblem(code, params), ...where, severity });
  const cells = grid.cells.map((r) => r.map((c) => (c ?? '').toString().trim()));
  const merges = grid.merges ?? [];
  const mergeAt = (r: number, c: number) => merges.find((m) => r >= m.top && r <= m.bottom && c >= m.left && c <= m.right);
  const at = (r: number, c: number | undefined) => (c === undefined ? '' : (cells[r]?.[c] ?? ''));

  // The header row: the first with a wording column and a content (or item) column.
  let header = -1;
  const columns = new Map<Role, number>();
  for (let r = 0; r < Math.min(cells.length, 40) && header < 0; r++) {
    const roles = new Map<Role, number>();
    cells[r]!.forEach((text, c) => {
      const role = headerRole(text);
      if (role && !roles.has(role)) roles.set(role, c);
    });
    if (roles.has('rule') && (roles.has('content') || roles.has('group'))) {
      header = r;
      for (const [k, v] of roles) columns.set(k, v);
    }
  }
  const title =
    header > 0
      ? (cells
          .slice(0, header)
          .map((row) => row.filter(Boolean).join(' '))
          .filter((t) => t && !/^附件\s*\d*$/.test(t))
          .sort((a, b) => Number(/细则|方案|办法|标准|考核/.test(b)) - Number(/细则|方案|办法|标准|考核/.test(a)))[0] ?? '')
      : '';
  const scheme: SchemeFileData = {
    id: options.id ?? 'imported',
    version: 1,
    title: title.replace(/\s+/g, ' ') || options.title || '导入的考核细则',
    ...(options.source ? { source: options.source } : {}),
    sections: [],
  };
  if (header < 0) {
    say('no-header', undefined, {});
    return { scheme, problems };
  }
  if (!columns.has('content')) {
    columns.set('content', columns.get('group')!);
    columns.delete('group');
  }
  const col = (role: Role) => columns.get(role);
  const width = Math.max(...[...columns.values()]) + 1;

  // The wording, source and department of a vertically merged cell apply to every row it covers.
  const spread = (r: number, c: number | undefined): string => {
    if (c === undefined) return '';
    const own = at(r, c);
    if (own) return own;
    const m = mergeAt(r, c);
    return m && m.left === c ? at(m.top, c) : '';
  };

  const roots: Draft[] = [];
  const stack: Array<{ style: Style; draft: Draft; number?: string }> = [];
  let groupSection: { draft: Draft; bottom: number } | undefined;

  const attach = (d: Draft, parent: Draft | undefined) => {
    d.parent = parent;
    (parent ? parent.children : roots).push(d);
  };

  const notes: string[] = [];
  for (let r = header + 1; r < cells.length; r++) {
    const row = cells[r]!;
    if (row.slice(0, width).every((c) => !c)) continue;
    // 说明：… under the table: notes, not lines of the scheme (its grades are read from them).
    const first = row.find(Boolean)!;
    if (notes.length > 0 || /^(?:说明|备注|注)\s*[:：]/.test(first)) {
      notes.push(row.filter(Boolean).join(' '));
      continue;
    }
    const rowNo = r + 1;
    const merge = mergeAt(r, 0) ?? mergeAt(r, col('no') ?? 0) ?? mergeAt(r, col('content')!);
    const spansAcross = !!merge && merge.top === r && merge.bottom === r && merge.right - merge.left + 1 >= Math.min(3, width);
    const nonEmpty = row.slice(0, width).filter(Boolean);

    // A heading merged across the table (一、组织领导（20分））, or a line with one text only.
    const noText = at(r, col('no'));
    // A cell merged across from the 序号 column (一、组织建设 over 序号 and 考核内容) is the line's text.
    const contentMerge = mergeAt(r, col('content')!);
    const mergedFromNo = !!contentMerge && contentMerge.top === r && contentMerge.left < col('content')! && contentMerge.left === (col('no') ?? -1);
    const content = at(r, col('content')) || (contentMerge && contentMerge.top === r ? at(r, contentMerge.left) : '');
    const groupText = at(r, col('group'));
    const ruleText = spread(r, col('rule'));
    const pointsText = at(r, col('points'));

    // A 考核项目 cell merged down over several rows opens a section of those rows.
    const gc = col('group');
    if (gc !== undefined && groupText) {
      const gm = mergeAt(r, gc);
      if (gm && gm.top === r && gm.bottom > r && gm.left === gc) {
        const n = numbering(groupText);
        const tp = titlePoints(n ? n.rest : groupText);
        const section: Draft = { row: rowNo, title: tp.title, heading: true, children: [], code: '' };
        if (tp.points !== undefined) section.points = tp.points;
        if (tp.cap !== undefined) section.cap = tp.cap;
        attach(section, undefined);
        stack.length = 0;
        stack.push({ style: 'group', draft: section });
        groupSection = { draft: section, bottom: gm.bottom };
      }
    }
    if (groupSection && r > groupSection.bottom) {
      // Past the rows of a 考核项目 merged down: its section is closed.
      groupSection = undefined;
      stack.length = 0;
    }

    const heading = spansAcross || (nonEmpty.length === 1 && !ruleText && !pointsText);
    const lineText = spansAcross ? at(merge!.top, merge!.left) : content || (heading ? nonEmpty[0]! : '');
    let num = noText && !mergedFromNo ? numberCell(noText) : undefined;
    let text = lineText;
    if (!num || spansAcross) {
      const inText = numbering(lineText);
      if (inText) {
        num = inText;
        text = inText.rest;
      } else if (spansAcross && num) num = undefined;
    } else {
      // The number in its column; a second one at the start of the text is the same number.
      const inText = numbering(lineText);
      if (inText && inText.number === num.number) text = inText.rest;
    }
    const tp = titlePoints(text);
    const draft: Draft = { row: rowNo, title: tp.title, heading: heading || (!ruleText && !!num && /^cn/.test(num.style)), children: [], code: '' };
    if (!spansAcross && gc !== undefined && groupText && !(groupSection && groupSection.draft.row === rowNo)) {
      // A 考核项目 of this row alone: the item's name, the 考核内容 its requirement.
      const gn = numbering(groupText);
      draft.title = titlePoints(gn ? gn.rest : groupText).title;
      if (tp.title) draft.text = tp.title;
    }
    // 年度工作计划：结合村情实际制定… → the item's name, and its requirement.
    const named = !draft.heading && !draft.text ? /^([^：:，。,；;（）()]{1,16})[：:](.+)$/s.exec(draft.title) : null;
    if (named) {
      draft.title = named[1]!.trim();
      draft.text = named[2]!.trim();
    }
    if (!draft.title) {
      if (draft.text) {
        draft.title = draft.text;
        delete draft.text;
      } else say('no-title', undefined, { row: rowNo, column: letter(col('content')!) });
    }
    if (!spansAcross) {
      if (ruleText) {
        draft.ruleText = ruleText;
        draft.ruleColumn = letter(col('rule')!);
      }
      const source = spread(r, col('source'));
      if (source) draft.dataSource = source;
      const department = spread(r, col('department'));
      if (department) draft.department = department;
      const note = at(r, col('note'));
      if (note) draft.note = note;
    }
    const pc = pointsText ? pointsCell(pointsText) : {};
    if (pc.bad) say('bad-points', { value: pointsText }, { row: rowNo, column: letter(col('points')!) });
    if (pc.points !== undefined) {
      draft.points = pc.points;
      draft.pointsColumn = letter(col('points')!);
      if (tp.points !== undefined && tp.points !== pc.points) say('points-differ', { column: pc.points, title: tp.points }, { row: rowNo, column: draft.pointsColumn }, 'check');
    } else if (tp.points !== undefined) draft.points = tp.points;
    if (tp.cap !== undefined) draft.cap = tp.cap;
    if (tp.penaltyCap !== undefined) draft.penaltyCap = tp.penaltyCap;

    // Where it goes: a numbered line by its numbering's style (a style already open is a sibling
    // of that line; a new one goes under the line above); a line without a number under the
    // nearest heading, or at the top if it is a heading itself.
    if (num) {
      const open = stack.findIndex((s) => s.style === num.style);
      let parent: Draft | undefined;
      if (open >= 0) {
        // 1. 2. 3. under （一）, then 2.: the number goes on the list of the level above, not this one.
        const n = ordinal(num);
        const previous = ordinal({ ...num, number: stack[open]!.number ?? '' });
        const above = n !== undefined && previous !== undefined && n !== previous + 1 ? stack.slice(0, open).findLastIndex((e) => e.draft.children.length === n - 1) : -1;
        if (above >= 0) {
          stack.length = above + 1;
          parent = stack[above]!.draft;
        } else {
          stack.length = open;
          parent = stack[stack.length - 1]?.draft;
        }
      } else parent = stack[stack.length - 1]?.draft;
      attach(draft, parent);
      stack.push({ style: num.style, draft, number: num.number });
    } else if (draft.heading) {
      const top = groupSection && r <= groupSection.bottom ? groupSection.draft : undefined;
      stack.length = top ? 1 : 0;
      attach(draft, top);
      stack.push({ style: top ? 'heading-in-group' : 'heading', draft });
    } else {
      const parent = [...stack].reverse().find((s) => s.draft.heading || s.draft.children.length > 0 || !s.draft.ruleText)?.draft;
      attach(draft, parent);
    }
  }

  if (roots.length === 0) {
    say('no-rows', undefined, { row: header + 1 });
    return { scheme, problems };
  }

  const assignCodes = (list: Draft[], prefix: string) =>
    list.forEach((d, i) => {
      d.code = prefix ? `${prefix}.${i + 1}` : String(i + 1);
      assignCodes(d.children, d.code);
    });
  assignCodes(roots, '');

  // The nodes, and each item's wording read.
  const ancestors = (d: Draft): Draft[] => (d.parent ? [...ancestors(d.parent), d.parent] : []);
  const nodeOf = (d: Draft): SchemeFileNode => {
    const n: SchemeFileNode = { code: d.code, title: d.title };
    if (d.text) n.text = d.text;
    if (d.ruleText) n.ruleText = d.ruleText;
    if (d.points !== undefined) n.points = d.points;
    if (d.dataSource) n.dataSource = d.dataSource;
    if (d.department) n.department = d.department;
    if (d.note) n.note = d.note;
    d.out = n;
    if (d.children.length > 0) n.children = d.children.map(nodeOf);
    return n;
  };
  scheme.sections = roots.map(nodeOf);

  // What a section's own wording says of it: 扣分项从总分中扣除，最多扣10分 / 同一事项按最高级别计分 / 最高加5分.
  const containers = (list: Draft[]): Draft[] => list.flatMap((d) => (d.children.length ? [d, ...containers(d.children)] : []));
  for (const d of containers(roots)) {
    const w = (d.ruleText ?? '').normalize('NFKC');
    if (!w) continue;
    let said = false;
    if (!d.parent && /从总分中?扣除|倒扣/.test(w)) said = d.penaltyWording = true;
    const cap = /最多扣(\d+(?:\.\d+)?)分|扣分(?:不超过|最多)(\d+(?:\.\d+)?)分/.exec(w);
    if (!d.parent && cap) d.penaltyCap = Number(cap[1] ?? cap[2]);
    if (/按最高级别计分|不重复加分|只计最高/.test(w)) d.out!.highestOnly = true;
    const bonusCap = /最高加(\d+(?:\.\d+)?)分|加分(?:最高|上限为?|不超过)(\d+(?:\.\d+)?)分/.exec(w);
    if (!d.parent && bonusCap && d.cap === undefined) d.cap = Number(bonusCap[1] ?? bonusCap[2]);
    const applies = applicabilityOf(w);
    if (applies) {
      d.out!.appliesIf = applies;
      said = true;
    }
    if (conversionOf(w) !== undefined) said = true;
    // What the wording says of the section itself (扣分项从总分中扣除 / 仅对脱贫村考核) is its note, not an item's scoring.
    if (said && !d.out!.note) {
      d.out!.note = d.ruleText;
      delete d.out!.ruleText;
    }
  }
  for (const s of roots) {
    const n = s.out!;
    if (BONUS_TITLE.test(s.title) || s.cap !== undefined) {
      n.bonus = true;
      if (s.cap !== undefined) n.points = s.cap;
      if (n.points === undefined) say('cap-without-points', undefined, { row: s.row, node: s.code }, 'unread');
    }
    if (PENALTY_TITLE.test(s.title) || s.penaltyWording) {
      n.penalty = true;
      if (!n.bonus) delete n.points;
      if (s.penaltyCap !== undefined) n.penaltyCap = s.penaltyCap;
    }
  }

  // The rules the 说明 lines state; a sentence naming such a rule but not read is said.
  const notesText = notes.join('\n');
  const rules = noteRules(notesText);
  const grades = rules.grades;
  if (notes.length) scheme.note = notes.map((n) => n.replace(/^(?:说明|备注|注)\s*[:：]\s*/, '').replace(/^\d+[.．、]\s*/, '')).join('');
  if (grades.length) scheme.grades = grades;
  if (rules.periods) scheme.periods = rules.periods;
  if (rules.ranking) scheme.ranking = rules.ranking;
  const noteRow = header + 1 + cells.slice(header + 1).findIndex((row) => /^(?:说明|备注|注)\s*[:：]/.test(row.find(Boolean) ?? ''));
  for (const sentence of rules.unread) say('note-unread', { text: sentence }, { row: noteRow + 1 });
  const convert =
    rules.convert ??
    containers(roots)
      .map((d) => conversionOf(d.ruleText ?? ''))
      .find((c) => c !== undefined);
  if (convert !== undefined) {
    scheme.notApplicable = 'exclude';
    scheme.convert = convert;
  }

  const sectionOf = (d: Draft): Draft => (d.parent ? sectionOf(d.parent) : d);
  const itemPools: Array<{ d: Draft }> = [];
  const walk = (d: Draft) => {
    d.children.forEach(walk);
    if (d.children.length > 0) return;
    const n = d.out!;
    const section = sectionOf(d);
    const inVeto = VETO_TITLE.test(section.title) || ancestors(d).some((a) => VETO_TITLE.test(a.title));
    if (!d.ruleText) {
      if (inVeto) n.rule = { kind: 'veto', effect: 'zero' };
      else say('empty-wording', undefined, { row: d.row, column: letter(col('rule')!), node: d.code });
      return;
    }
    const result = readWording(d.ruleText);
    if (!result.ok) {
      problems.push({ ...result.problem, row: d.row, column: d.ruleColumn, node: d.code, severity: 'unread' });
      return;
    }
    const { rule, pool, cap, fullPoints } = result.read;
    if (rule.kind === 'veto' && rule.effect !== 'zero') {
      // 不得评为“好”等次: at most the grade below 好; 确定为“较差”等次: that grade. Both need the scheme's grades.
      const at = grades.findIndex((g) => g.title === rule.grade);
      const grade = rule.effect === 'ceiling' ? grades[at + 1] : grades[at];
      if (at < 0 || !grade) {
        say('grade-unknown', { grade: rule.grade }, { row: d.row, column: d.ruleColumn, node: d.code });
        return;
      }
      n.rule = { ...rule, grade: grade.code };
      return;
    }
    n.rule = rule;
    const own = cap ?? fullPoints;
    if (own !== undefined) {
      if (n.points === undefined) n.points = own;
      else if (toCents(n.points) !== toCents(own)) say('wording-points-differ', { wording: own, points: n.points }, { row: d.row, column: d.ruleColumn, node: d.code }, 'check');
    }
    if (pool) {
      if (pool.points === null) itemPools.push({ d });
      else {
        const want = toCents(pool.points);
        const holder =
          [...ancestors(d)].reverse().find((a) => a.out!.points !== undefined && toCents(a.out!.points) === want) ??
          (n.points !== undefined && toCents(n.points) === want ? d : undefined);
        if (holder) holder.out!.pool = true;
        else say('pool-not-found', { points: pool.points }, { row: d.row, column: d.ruleColumn, node: d.code });
      }
    }
  };
  roots.forEach(walk);
  // 扣完为止: the item's own points, where a pool above would let it lose more.
  for (const { d } of itemPools) if (d.out!.points !== undefined && ancestors(d).some((a) => a.out!.pool)) d.out!.pool = true;

  // Deductions without points of their own (村不得出列扣20分) share the points of the node above.
  const DEDUCTS = new Set(['perOccurrence', 'fixedPenalty', 'allOrNothing', 'range', 'parts']);
  const visit = (d: Draft) => {
    d.children.forEach(visit);
    const n = d.out!;
    if (d.children.length > 0 || !n.rule || !DEDUCTS.has(n.rule.kind) || n.points !== undefined) return;
    const line = ancestors(d);
    if (line.some((a) => a.out!.pool || a.out!.penalty)) return;
    const holder = [...line].reverse().find((a) => a.out!.points !== undefined && !a.out!.bonus);
    if (holder && !holder.out!.pool) {
      holder.out!.pool = true;
      say('pool-inferred', { points: holder.out!.points! }, { row: holder.row, node: holder.code }, 'check');
      // Children without points of their own do not add up to the node's: say why, as the seed does.
      holder.out!.unevenChildren = `扣分项没有单独分值，共用本节${holder.out!.points}分`;
    }
  };
  roots.forEach(visit);

  // A bonus section holding deductions deducts from the total too (其他奖惩办法).
  for (const s of roots) {
    const n = s.out!;
    if (!n.bonus) continue;
    const rules: RuleData[] = [];
    const collect = (x: SchemeFileNode) => (x.rule ? rules.push(x.rule) : x.children?.forEach(collect));
    collect(n);
    if (rules.some((r) => DEDUCTS.has(r.kind))) n.penalty = true;
  }

  // Fields in the order a scheme file has them (some were set after the children).
  const ORDER = [
    'code',
    'title',
    'text',
    'ruleText',
    'points',
    'pool',
    'bonus',
    'penalty',
    'penaltyCap',
    'highestOnly',
    'unevenChildren',
    'dataSource',
    'department',
    'note',
    'appliesIf',
    'rule',
    'children',
  ];
  const ordered = (n: SchemeFileNode): SchemeFileNode => {
    const out: Record<string, unknown> = {};
    for (const k of ORDER)
      if ((n as unknown as Record<string, unknown>)[k] !== undefined) out[k] = k === 'children' ? n.children!.map(ordered) : (n as unknown as Record<string, unknown>)[k];
    return out as unknown as SchemeFileNode;
  };
  scheme.sections = scheme.sections.map(ordered);
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { scheme, problems };
}
