import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScheme } from '../core/scheme/load.ts';
import { schemeSheet, seedShapeAsWorded, shape } from '../core/scheme/seed-sheet.ts';
import { BUILTIN_DIR, builtinScheme } from '../schemes/index.ts';
import type { Rule, Scheme, SchemeNode } from '../core/scheme/model.ts';
import { importSchemeFile, importSchemeUpload } from './scheme-sheet.ts';
import { writeSheet } from '../../test/scheme-sheets.ts';

const dir = mkdtempSync(join(tmpdir(), 'kaohe-scheme-sheet-test-'));

describe('a scheme table from its .xlsx file', () => {
  it('the seed laid out as an office lays it imports to the seed: structure, codes, points and rules', async () => {
    const seed = builtinScheme('seed-2020');
    const file = await writeSheet(schemeSheet(seed), join(dir, '评分细则.xlsx'), { sheetName: '考核细则', notesFirst: true });
    const { scheme, problems, sheet } = await importSchemeFile(file, { id: 'seed-2020' });
    expect(sheet).toBe('考核细则');
    expect(problems.filter((p) => p.severity === 'unread')).toEqual([]);
    const imported = loadScheme(stringify(scheme));
    expect(shape(imported)).toEqual(seedShapeAsWorded(seed));
    expect(imported.title.zh).toBe(seed.title.zh);
    expect(scheme.source).toBe('评分细则.xlsx');
  });

  it('an upload in memory, named as the office knows it', async () => {
    const file = await writeSheet(
      {
        cells: [
          ['序号', '考核内容', '分值', '评分标准'],
          ['1', '台账', '10', '没有不得分'],
        ],
      },
      join(dir, 'upload.xlsx'),
    );
    const { readFileSync } = await import('node:fs');
    const { scheme } = await importSchemeUpload(readFileSync(file), '我的细则.xlsx');
    expect(scheme.title).toBe('我的细则');
    expect(scheme.sections[0]).toMatchObject({ code: '1', title: '台账', points: 10, rule: { kind: 'allOrNothing' } });
  });

  it('refuses a file it cannot read, naming it', async () => {
    const text = join(dir, 'text.xlsx');
    writeFileSync(text, '序号,考核内容\n1,台账\n');
    await expect(importSchemeFile(text, { name: '细则.xlsx' })).rejects.toThrow(/^细则\.xlsx: not a \.xlsx workbook/);
    const empty = join(dir, 'empty.xlsx');
    writeFileSync(empty, '');
    await expect(importSchemeFile(empty)).rejects.toThrow('empty.xlsx: the file is empty (0 bytes)');
    await expect(importSchemeFile(join(dir, 'none.xlsx'))).rejects.toThrow('cannot read none.xlsx: ENOENT');
    const word = join(dir, '细则.docx');
    writeFileSync(word, 'PK');
    await expect(importSchemeFile(word)).rejects.toMatchObject({ code: 'unreadable-docx', message: expect.stringMatching(/^细则\.docx: not a readable Word document/) });
    const noHeader = await writeSheet({ cells: [['名单'], ['张三']] }, join(dir, 'names.xlsx'));
    await expect(importSchemeFile(noHeader)).rejects.toMatchObject({
      code: 'missing-header',
      message: expect.stringMatching(/^names\.xlsx: worksheet "Sheet1": no header row found/),
    });
    const blank = await writeSheet({ cells: [[''], ['']] }, join(dir, 'blank.xlsx'));
    await expect(importSchemeFile(blank)).rejects.toMatchObject({ code: 'empty-file' });
  });
});

/**
 * What a table can say of a scheme, to compare an imported scheme with the scheme its table was
 * made from: what the table does not hold is left out (a measure's name and denominator, a
 * range's steps, the parts' short names, grade codes, applicability, checklists, notes).
 */
function tableShape(scheme: Scheme): unknown {
  const gradeTitle = (code: string | undefined) => scheme.grades.find((g) => g.code === code)?.title.zh ?? code;
  const rule = (r: Rule | undefined): unknown => {
    if (!r) return undefined;
    switch (r.kind) {
      case 'range':
        return { kind: r.kind, min: r.min, max: r.max };
      case 'measured':
        return { kind: r.kind, measure: { kind: r.measure.kind, unit: r.measure.unit?.zh, terms: r.measure.terms, levels: r.measure.levels }, scoring: r.scoring };
      case 'parts':
        return { kind: r.kind, parts: r.parts.map((p) => rule(p.rule)) };
      case 'veto':
        return { ...r, grade: gradeTitle(r.grade) };
      default:
        return r;
    }
  };
  const node = (n: SchemeNode): unknown => ({
    code: n.code,
    title: n.title.zh,
    text: n.text?.zh,
    points: n.points,
    pool: n.pool,
    bonus: n.bonus,
    penalty: n.penalty ?? false,
    penaltyCap: n.penaltyCap,
    highestOnly: n.highestOnly ?? false,
    dataSource: n.dataSource?.zh,
    department: n.department?.zh,
    rule: rule(n.rule),
    children: n.children.map(node),
  });
  return { title: scheme.title.zh, grades: scheme.grades.map((g) => [g.title.zh, g.min]), sections: scheme.sections.map(node) };
}

describe.each(['township-2024', 'village-team-2024', 'village-monitoring-2024'])('the office sheet of %s (src/schemes/sheets)', (id) => {
  it('imports with every line read, to the scheme it was made from (all a table can say)', async () => {
    const { scheme, problems } = await importSchemeFile(join(BUILTIN_DIR, 'sheets', `${id}.xlsx`), { id });
    expect(problems).toEqual([]);
    const imported = loadScheme(stringify(scheme), `${id}.yaml`);
    // Grades are read from the notes under the table; their titles are their codes there.
    expect(tableShape(imported)).toEqual(tableShape(builtinScheme(id)));
  });
});
