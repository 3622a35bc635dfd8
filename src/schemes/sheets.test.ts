/**
 * The office sheets in sheets/ (made by scripts/make-scheme-sheets.mjs) say what the schemes
 * say: every node's scoring wording in the 评分标准 column, in scheme order, each item's points in
 * 分值; the layout an office uses (a merged title row, the header, numbered section rows). A
 * scheme changed without making its sheet again fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadScheme } from '../core/scheme/load.ts';
import type { Scheme } from '../core/scheme/model.ts';
import { importSchemeFile } from '../services/scheme-sheet.ts';
import { BUILTIN_DIR, builtinScheme } from './index.ts';

interface RawNode {
  code: string;
  title: string | { zh: string };
  ruleText?: string | { zh: string };
  points?: number;
  children?: RawNode[];
}

const zh = (t: string | { zh: string } | undefined) => (t === undefined ? '' : typeof t === 'string' ? t : t.zh);

async function rowsOf(id: string) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(join(BUILTIN_DIR, 'sheets', `${id}.xlsx`));
  const sheet = workbook.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) {
      const v = row.getCell(c).value;
      values.push(v === null || v === undefined ? '' : String(v));
    }
    rows.push(values);
  });
  return { sheet, rows };
}

describe.each(['seed-2020', 'village-team-2024', 'township-2024', 'village-monitoring-2024'])('sheets/%s.xlsx', (id) => {
  const scheme = parse(readFileSync(join(BUILTIN_DIR, `${id}.yaml`), 'utf8')) as { title: string | { zh: string }; sections: RawNode[] };
  const nodes: RawNode[] = [];
  const walk = (list: RawNode[]) => {
    for (const n of list) {
      nodes.push(n);
      walk(n.children ?? []);
    }
  };
  walk(scheme.sections);

  it('is laid out as an office lays it: a merged title row, 序号 | 考核内容 | 分值 | 评分标准, sections numbered 一、二、', async () => {
    const { sheet, rows } = await rowsOf(id);
    expect(rows[0]![0]).toBe(zh(scheme.title));
    expect(sheet.getCell('A1').isMerged).toBe(true);
    expect(rows[1]!.slice(0, 4)).toEqual(['序号', '考核内容', '分值', '评分标准']);
    const sectionRows = rows.filter((r) => /^[一二三四五六七八九十]+、/.test(r[0]!)).map((r) => r[0]);
    expect(sectionRows).toHaveLength(scheme.sections.length);
    expect(sectionRows[0]).toBe(`一、${zh(scheme.sections[0]!.title)}`);
  });

  it('carries every scoring wording exactly as the scheme, in scheme order, and each item’s points', async () => {
    const { rows } = await rowsOf(id);
    const wordings = rows.slice(2).map((r) => r[3]!);
    let at = 0;
    for (const n of nodes) {
      if (n.ruleText === undefined) continue;
      const found = wordings.indexOf(zh(n.ruleText), at);
      expect(found, `${n.code}: ${zh(n.ruleText)}`).toBeGreaterThanOrEqual(at);
      at = found + 1;
      if (!n.children && n.points !== undefined) expect(rows[found + 2]![2], `${n.code} 分值`).toBe(String(n.points));
    }
  });
});

/**
 * A scheme as its sheet can say it: without where it came from (the import names the file),
 * with its notes' whitespace as one line, `unmeasured` at its default, and without the labels
 * of a measure the wording does not name (a measure's title, what a rate is of: 抽查户数). These
 * label the inspector's input and change no score; the office adds them in the form editor.
 */
function sayable(scheme: Scheme): unknown {
  return JSON.parse(
    JSON.stringify({ ...scheme, source: undefined, sourceText: undefined, unmeasured: scheme.unmeasured ?? 'full' }, (key, value: unknown) => {
      if (key === 'note' && value && typeof value === 'object') return { zh: (value as { zh: string }).zh.replace(/\s+/g, '') };
      if (key === 'measure' && value && typeof value === 'object') {
        const { title: _title, of: _of, ...rest } = value as Record<string, unknown>;
        return rest;
      }
      return value;
    }),
  );
}

describe.each(['village-team-2024', 'township-2024', 'village-monitoring-2024'])('kaohe scheme import sheets/%s.xlsx', (id) => {
  it('reads every line and gives the same scheme: tree, points, rules, grades, vetoes, periods, ranking, conversion, applicability', async () => {
    const { scheme, problems } = await importSchemeFile(join(BUILTIN_DIR, 'sheets', `${id}.xlsx`), { id });
    expect(problems).toEqual([]);
    const imported = loadScheme(stringify(scheme));
    expect(sayable(imported)).toEqual(sayable(builtinScheme(id)));
  });
});
