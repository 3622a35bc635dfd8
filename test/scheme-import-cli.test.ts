/**
 * `kaohe scheme import` on real .xlsx files: the real bin/kaohe as a child process, in a folder
 * of the test's own, its exit status, output and the scheme file it writes checked.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScheme } from '../src/core/scheme/load.ts';
import { schemeSheet, seedShapeAsWorded, shape } from '../src/core/scheme/seed-sheet.ts';
import { builtinScheme } from '../src/schemes/index.ts';
import { writeSheet } from './scheme-sheets.ts';

const BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'bin', 'kaohe');
const dir = mkdtempSync(join(tmpdir(), 'kaohe-scheme-import-cli-'));

function kaohe(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return fail(error);
      done({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await writeSheet(schemeSheet(builtinScheme('seed-2020')), join(dir, '评分细则.xlsx'), { sheetName: '考核细则' });
  await writeSheet(
    {
      cells: [
        ['某村考核细则', '', '', ''],
        ['序号', '考核内容', '分值', '评分标准'],
        ['一、基础工作（15分）', '', '', ''],
        ['1', '台账', '10', '每缺少一项扣2分，扣完15分为止'],
        ['2', '宣传', '5', '由考核组综合评定'],
      ],
      merges: [
        { top: 0, left: 0, bottom: 0, right: 3 },
        { top: 2, left: 0, bottom: 2, right: 3 },
      ],
    },
    join(dir, 'part.xlsx'),
  );
}, 60_000);

describe('kaohe scheme import', () => {
  it('writes the seed scheme from the seed laid out as an office lays it', async () => {
    const r = await kaohe('scheme', 'import', '评分细则.xlsx', '--out', 'seed.yaml', '--id', 'seed-2020');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      '评分细则.xlsx: 请核对: 第28行，2.6：本节的扣分项没有单独分值，已设为扣分池（共用本节40分）：请核对\n' + '评分细则.xlsx（工作表“考核细则”）：30项；0处未识别，1处请核对\n',
    );
    const seed = builtinScheme('seed-2020');
    const imported = loadScheme(readFileSync(join(dir, 'seed.yaml'), 'utf8'), 'seed.yaml');
    expect(imported.id).toBe('seed-2020');
    expect(shape(imported)).toEqual(seedShapeAsWorded(seed));
    // And the file passes the linter.
    const lint = await kaohe('scheme', 'lint', 'seed.yaml');
    expect(lint.status).toBe(0);
  });

  it('prints every line not read with its row, in Chinese or English; the YAML on stdout without --out', async () => {
    const r = await kaohe('scheme', 'import', 'part.xlsx', '--lang', 'en');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^# Imported by kaohe scheme import from part\.xlsx; 1 line\(s\) not read/);
    expect(r.stdout).toContain('title: 某村考核细则');
    expect(r.stderr).toBe(
      'part.xlsx: not read: row 5, column D: node 1.2: the scoring wording "由考核组综合评定" was not recognised: pick a rule in the form\n' +
        'part.xlsx (worksheet "Sheet1"): 2 items; 1 not read, 0 to check; an item not read has no rule: add it in the form editor, or in the file and check it with kaohe scheme lint\n',
    );
    const zh = await kaohe('scheme', 'import', 'part.xlsx', '-o', 'part.yaml');
    expect(zh.stdout).toContain('part.xlsx: 未识别: 第5行D列，1.2：未能识别评分标准“由考核组综合评定”：请在表单中选择规则\n');
    const written = readFileSync(join(dir, 'part.yaml'), 'utf8');
    expect(written).toContain('ruleText: 由考核组综合评定');
    // Said again above the node, where the office edits it.
    expect(written).toContain('      # 未识别: 第5行D列，1.2：未能识别评分标准“由考核组综合评定”：请在表单中选择规则\n      - code: "1.2"\n');
  });

  it('a file it cannot read at all: a message naming it, exit status 2, nothing written', async () => {
    writeFileSync(join(dir, 'notes.xlsx'), 'not a workbook');
    const bad = await kaohe('scheme', 'import', 'notes.xlsx', '--out', 'never.yaml');
    expect(bad).toMatchObject({ status: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^kaohe: notes\.xlsx: not a \.xlsx workbook/);
    const none = await kaohe('scheme', 'import', 'none.xlsx');
    expect(none).toEqual({ status: 2, stdout: '', stderr: 'kaohe: cannot read none.xlsx: ENOENT\n' });
    await writeSheet({ cells: [['名单'], ['张三']] }, join(dir, 'names.xlsx'));
    const noHeader = await kaohe('scheme', 'import', 'names.xlsx');
    expect(noHeader.stderr).toMatch(/^kaohe: names\.xlsx: worksheet "Sheet1": no header row found/);
    expect(noHeader.status).toBe(2);
    const badId = await kaohe('scheme', 'import', 'part.xlsx', '--id', '某村');
    expect(badId.status).toBe(2);
    expect(() => readFileSync(join(dir, 'never.yaml'))).toThrow();
  });
});
