#!/usr/bin/env node
/**
 * Lays out the built-in schemes as an office keeps them: an Excel table (考核细则表) with a
 * title row, the header 序号 | 考核内容 | 分值 | 评分标准 (and 数据来源, 责任单位 where the scheme
 * names them), section rows merged across numbered 一、二、, sub-sections （一）（二）, items
 * 1. 2., the scoring wording exactly as the scheme's ruleText, bonus and penalty sections as
 * offices title them (加分项（最高5分）, 扣分项), and the scheme's rules of grades, periods and
 * conversion as 说明 rows below the table. The sheets are what `kaohe scheme import` is tested
 * on: read back, each should give the same scheme. They are committed; run this again after a
 * scheme changes:
 *
 *   node scripts/make-scheme-sheets.mjs            # every scheme in SCHEMES
 *   node scripts/make-scheme-sheets.mjs seed-2020  # one
 *
 * Reads the YAML files directly (plain data, no checks: `kaohe scheme lint` checks them) and
 * writes src/schemes/sheets/<id>.xlsx.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
// JSZip comes with exceljs (which zips with it); only this script, run by hand, uses it directly.
import JSZip from 'jszip';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMES = ['seed-2020', 'village-team-2024', 'township-2024', 'village-monitoring-2024'];
/** A fixed date, so that the workbook's properties do not change from one run to the next. */
const FIXED_DATE = new Date('2024-01-01T00:00:00Z');
const FONT = '宋体';
const CN_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 12 → 十二, 20 → 二十. */
function chineseNumber(n) {
  if (n <= 10) return CN_DIGITS[n];
  if (n < 20) return `十${CN_DIGITS[n - 10]}`;
  return `${CN_DIGITS[Math.floor(n / 10)]}十${CN_DIGITS[n % 10]}`;
}

const zh = (t) => (t === undefined || t === null ? '' : typeof t === 'string' ? t : t.zh);
/** Points as an office writes them: 5, 2.5 (never 5.00). */
const pts = (p) => (p === undefined || p === null ? '' : String(Number(p)));

/** The section's title as an office writes it: 加分项（最高5分）, 扣分项, 其他奖惩办法（最高加10分）. */
function sectionTitle(s) {
  const title = zh(s.title);
  if (s.bonus && s.points !== undefined && !/最高/.test(title)) return /加分/.test(title) ? `${title}（最高${pts(s.points)}分）` : `${title}（最高加${pts(s.points)}分）`;
  return title;
}

/** What a penalty section says of itself (the scheme's note, else the usual sentence). */
function penaltyWording(s) {
  if (s.note) return zh(s.note);
  return s.penaltyCap !== undefined ? `扣分项从总分中扣除，最多扣${pts(s.penaltyCap)}分` : '扣分项从总分中扣除，不受单项分值限制';
}

/**
 * The 说明 lines below the table: the scheme's rules that are not in the table's rows (grades,
 * periods, conversion, ranking). A scheme that has such rules and a note says them in the
 * note, in the office's words, one sentence a line; otherwise they are written from the data.
 * The seed has none (its note is about its source, not a rule), so its sheet has no 说明.
 */
function explanations(scheme) {
  const hasRules = (scheme.grades ?? []).length > 0 || scheme.periods || scheme.convert !== undefined || scheme.ranking;
  if (!hasRules) return [];
  if (scheme.note) {
    return zh(scheme.note)
      .replace(/\s+/g, '')
      .split(/(?<=。)/)
      .filter((line) => line !== '');
  }
  return rulesFromData(scheme);
}

/** The 说明 lines written from the scheme's data, where it has no note. */
function rulesFromData(scheme) {
  const lines = [];
  if (scheme.periods) {
    const parts = scheme.periods.map((p) => `${zh(p.title)}×${pts(p.weight)}%`).join('＋');
    lines.push(`综合得分＝${parts}＋加分－扣分，保留两位小数（四舍五入）。`);
    for (const p of scheme.periods) {
      if (p.combine === 'average') lines.push(`${zh(p.title)}为各次督查得分的平均分。`);
    }
  }
  if (scheme.convert !== undefined) {
    // Nodes that apply only to some units say so in their note (仅对脱贫村考核…折算).
    const conditional = [];
    (function visit(nodes) {
      for (const n of nodes) {
        if (n.appliesIf) conditional.push(n.note ? `“${zh(n.title)}”${zh(n.note)}` : `“${zh(n.title)}”不参与考核的，按实得分÷应得分×${pts(scheme.convert)}折算`);
        if (n.children) visit(n.children);
      }
    })(scheme.sections);
    if (conditional.length === 0) conditional.push(`不参与考核的项目，按实得分÷应得分×${pts(scheme.convert)}折算`);
    lines.push(`${conditional.join('；')}，再计算加分和扣分。`);
  }
  const grades = scheme.grades ?? [];
  if (grades.length > 0) {
    const bands = grades.map((g, i) => {
      const min = Number(g.min);
      if (i === 0) return `${zh(g.title)}（${pts(min)}分及以上）`;
      const upper = Number(grades[i - 1].min);
      return min === 0 ? `${zh(g.title)}（${pts(upper)}分以下）` : `${zh(g.title)}（${pts(min)}分—${pts(upper - 0.01)}分）`;
    });
    lines.push(`考核结果分为${bands.join('、')}${chineseNumber(grades.length)}个等次${scheme.periods ? '，按综合得分确定' : '，按最终得分确定'}。`);
  }
  const titleOf = (code) => zh(grades.find((g) => g.code === code)?.title ?? code);
  for (const q of scheme.ranking?.quotas ?? []) {
    lines.push(`“${titleOf(q.grade)}”等次不超过参加考核单位总数的${pts(q.share)}%，按综合得分从高到低确定，超出比例的确定为“${titleOf(q.otherwise)}”。`);
  }
  const tie = scheme.ranking?.tieBreak ?? [];
  if (tie.length > 0) {
    const period = (t) => scheme.periods?.find((p) => p.code === t);
    const names = tie.map((t) => (period(t) ? `${zh(period(t).title)}得分高者` : ({ base: '基础分高者', bonus: '加分多者', penalty: '扣分少者' }[t] ?? `第${t}项得分高者`)));
    lines.push(`综合得分相同的，${names.join('；仍相同的，')}排名在前。`);
  }
  return lines;
}

/** Lays out one scheme as an office's table. */
async function makeSheet(id) {
  const scheme = parse(readFileSync(join(root, 'src/schemes', `${id}.yaml`), 'utf8'));
  const all = [];
  (function collect(nodes) {
    for (const n of nodes) {
      all.push(n);
      if (n.children) collect(n.children);
    }
  })(scheme.sections);
  const extra = [];
  if (all.some((n) => n.dataSource)) extra.push({ header: '数据来源', field: 'dataSource', width: 26 });
  if (all.some((n) => n.department)) extra.push({ header: '责任单位', field: 'department', width: 16 });
  const columns = [{ header: '序号', width: 8 }, { header: '考核内容', width: 40 }, { header: '分值', width: 8 }, { header: '评分标准', width: 52 }, ...extra];
  const last = columns.length;

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kaohe';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  const sheet = workbook.addWorksheet('考核细则', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.columns = columns.map((c) => ({ width: c.width }));
  const border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };

  const title = sheet.addRow([zh(scheme.title)]);
  sheet.mergeCells(title.number, 1, title.number, last);
  title.height = 32;
  title.getCell(1).font = { name: FONT, size: 16, bold: true };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };

  const header = sheet.addRow(columns.map((c) => c.header));
  header.eachCell((cell) => {
    cell.font = { name: FONT, size: 11, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = border;
  });

  const extraValues = (n) => extra.map((c) => zh(n[c.field]));
  const style = (row, bold) => {
    for (let c = 1; c <= last; c++) {
      const cell = row.getCell(c);
      cell.font = { name: FONT, size: 11, bold };
      cell.alignment = { vertical: 'middle', wrapText: true, horizontal: c === 1 || c === 3 ? 'center' : 'left' };
      cell.border = border;
    }
  };
  const content = (n) => (n.text ? `${zh(n.title)}：${zh(n.text)}` : zh(n.title));

  scheme.sections.forEach((s, i) => {
    // Section row: 一、组织建设 across 序号 and 考核内容, 15分 in 分值, its own wording (a penalty
    // section's rule, a section's ruleText) across the rest.
    const wording = s.penalty ? penaltyWording(s) : zh(s.ruleText) || (s.appliesIf ? zh(s.note) : '');
    const points = s.bonus || s.penalty || s.points === undefined ? '' : `${pts(s.points)}分`;
    const row = sheet.addRow([`${chineseNumber(i + 1)}、${sectionTitle(s)}`, '', points, wording, ...extra.map(() => '')]);
    sheet.mergeCells(row.number, 1, row.number, 2);
    sheet.mergeCells(row.number, 4, row.number, last);
    style(row, true);
    (s.children ?? []).forEach((child, j) => addNode(child, 2, j));
  });

  function addNode(n, depth, index) {
    const hasChildren = (n.children ?? []).length > 0;
    let number;
    if (depth === 2 && hasChildren) number = `（${chineseNumber(index + 1)}）`;
    else if (depth <= 3) number = `${index + 1}.`;
    else number = `（${index + 1}）`;
    if (hasChildren) {
      // A sub-section: （一）扶贫手册填写 | 30分 | its own wording, if any.
      const points = n.points === undefined ? '' : `${pts(n.points)}分`;
      const row = sheet.addRow([`${number}${zh(n.title)}`, '', points, zh(n.ruleText), ...extraValues(n)]);
      if (n.text) row.getCell(2).value = zh(n.text);
      else sheet.mergeCells(row.number, 1, row.number, 2);
      style(row, true);
      n.children.forEach((c, k) => addNode(c, depth + 1, k));
      return;
    }
    const row = sheet.addRow([number, content(n), n.points === undefined ? '' : Number(n.points), zh(n.ruleText), ...extraValues(n)]);
    style(row, false);
  }

  const notes = explanations(scheme);
  if (notes.length > 0) {
    sheet.addRow([]);
    notes.forEach((line, i) => {
      const row = sheet.addRow([i === 0 ? `说明：1. ${line}` : `${i + 1}. ${line}`]);
      sheet.mergeCells(row.number, 1, row.number, last);
      row.getCell(1).font = { name: FONT, size: 11 };
      row.getCell(1).alignment = { vertical: 'middle', wrapText: true, indent: i === 0 ? 0 : 3 };
      row.height = Math.max(18, 18 * Math.ceil(line.length / 70));
    });
  }

  const out = join(root, 'src/schemes/sheets', `${id}.xlsx`);
  mkdirSync(dirname(out), { recursive: true });
  // The zip's entries carry the time they were written: set them to a fixed date so that
  // making the sheets again changes no byte where the schemes did not change.
  // (Copied entry by entry: JSZip adds folder entries on reading, which an xlsx does not have.)
  const written = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
  const zip = new JSZip();
  for (const entry of Object.values(written.files)) {
    if (!entry.dir) zip.file(entry.name, await entry.async('uint8array'), { date: FIXED_DATE, createFolders: false });
  }
  writeFileSync(out, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return out;
}

const ids = process.argv.slice(2);
for (const id of ids.length > 0 ? ids : SCHEMES) {
  console.log(await makeSheet(id));
}
