/**
 * End-to-end tests of `kaohe import`, `kaohe template` and `kaohe export`: the real bin/kaohe as
 * a child process, its database a SQLite file under KAOHE_DATA_DIR in a temporary directory.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindSpec } from '../src/core/registry/kinds.ts';
import { openStore } from '../src/store/db.ts';
import { ACTORS, buildRegistry, harness, saver, setUpCampaign, V1, versionOf } from './campaign-fixtures.ts';
import { kaoheIn } from './kaohe-cli.ts';
import { count, FIXTURES, IDS, manyHouseholds, readXlsx, tempDir, VALID, withCell, withoutColumns, writeCsv } from './registry-fixtures.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'kaohe');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs bin/kaohe in `cwd` with its data (SQLite) under `dataDir`; never a DATABASE_URL from outside. */
function kaohe(args: string[], cwd: string, dataDir = join(cwd, 'data')): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, KAOHE_DATA_DIR: dataDir, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  return new Promise((done, fail) => {
    execFile(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return fail(error);
      done({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** Counts rows of tables in the SQLite file a data directory holds. */
async function counts(dataDir: string, ...tables: string[]): Promise<number[]> {
  const store = await openStore({ url: join(dataDir, 'kaohe.db') });
  try {
    return await Promise.all(tables.map((t) => count(store, t)));
  } finally {
    await store.close();
  }
}

const SLOW = { timeout: 120_000 };

describe('kaohe import / export on one database', SLOW, () => {
  const tmp = tempDir('kaohe-cli-');
  const cwd = tmp.dir;
  const data = join(cwd, 'data');
  afterAll(() => tmp.remove());

  beforeAll(() => {
    writeCsv(join(cwd, 'areas.csv'), VALID.areas);
    writeCsv(join(cwd, 'members.csv'), VALID.members);
    // Two bad rows: a sex against the ID number, a mistyped ID number (which must never be printed in full).
    const badId = `${IDS.liXiuying.slice(0, 17)}${IDS.liXiuying[17] === '0' ? '1' : '0'}`;
    writeCsv(join(cwd, 'members-bad.csv'), withCell(withCell(VALID.members, 1, '性别', '男'), 3, '身份证号', badId));
    writeCsv(join(cwd, 'households-no-id.csv'), withoutColumns(VALID.households, '户主身份证号'));
  });

  it('imports good files (exit 0, a summary on stdout), rejects a bad one whole (exit 1, problems on stderr), and exports', async () => {
    const areas = await kaohe(['import', 'areas', 'areas.csv'], cwd);
    expect(areas.stderr).toBe('');
    expect(areas.status).toBe(0);
    expect(areas.stdout).toMatch(/^areas\.csv \(csv, utf-8\): imported 4 areas rows: 4 new, 0 updated \(\d+\.\d s\)\n$/);

    const households = await kaohe(['import', 'households', join(FIXTURES, 'households.gbk.csv')], cwd);
    expect(households.stderr).toBe('');
    expect(households.status).toBe(0);
    expect(households.stdout).toMatch(/households\.gbk\.csv \(csv, gb18030\): imported 3 households rows: 3 new, 0 updated/);

    // A bad file: exit 1, every problem on stderr with row, column and (masked) value, nothing written.
    const bad = await kaohe(['import', 'members', 'members-bad.csv', '--errors', 'members-errors.xlsx'], cwd);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    const badId = `${IDS.liXiuying.slice(0, 17)}${IDS.liXiuying[17] === '0' ? '1' : '0'}`;
    expect(bad.stderr.split('\n')).toEqual([
      'members-bad.csv (csv, utf-8): 2 problems in 5 rows; nothing was imported',
      "  row 3, 性别 (D), 「男」: the ID number's 17th digit says female (even), the record says male",
      `  row 5, 身份证号 (C), 「522425********${badId.slice(-4)}」: the check character (last character) does not match: a digit is mistyped`,
      'wrote members-errors.xlsx: the file with an error column',
      '',
    ]);
    expect(bad.stderr).not.toContain(badId);
    expect(bad.stderr).not.toContain(IDS.chenGuihua);
    expect(await counts(data, 'members')).toEqual([0]);
    // The errors file: the rows of the file, 错误 beside the bad ones.
    const [sheet] = await readXlsx(join(cwd, 'members-errors.xlsx'));
    const width = VALID.members.headers.length;
    expect(sheet!.rows.get(1)).toEqual([...VALID.members.headers, '错误']);
    expect(sheet!.rows.get(2)![width] ?? null).toBeNull();
    expect(sheet!.rows.get(3)![width]).toBe('性别 (D): 「男」 身份证号第17位为女（偶数），记录的性别为男');
    expect(sheet!.rows.get(5)![width]).toMatch(/^身份证号 \(C\): 「522425\*{8}\d{3}[\dX]」 身份证号校验位/);
    expect(sheet!.rows.size).toBe(6);

    const dry = await kaohe(['import', 'members', 'members.csv', '--dry-run'], cwd);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^members\.csv \(csv, utf-8\): would import 5 members rows: 5 new, 0 updated \(\d+\.\d s\)\ndry run: nothing was written\n$/);
    expect(await counts(data, 'members')).toEqual([0]);

    const good = await kaohe(['import', 'members', 'members.csv'], cwd);
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/imported 5 members rows: 5 new, 0 updated/);
    const again = await kaohe(['import', 'members', 'members.csv'], cwd);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/imported 5 members rows: 0 new, 5 updated/);
    expect(await counts(data, 'areas', 'households', 'members')).toEqual([4, 3, 5]);
    // Each committed import is in the audit log (the refused file and the dry run are not).
    const store = await openStore({ url: join(data, 'kaohe.db') });
    try {
      const entries = await store.db.selectFrom('audit_log').select(['actor', 'entity_id', 'after']).where('action', '=', 'registry.import').orderBy('id').execute();
      expect(entries.map((e) => [e.actor, e.entity_id])).toEqual([
        ['cli', 'areas'],
        ['cli', 'households'],
        ['cli', 'members'],
        ['cli', 'members'],
      ]);
      expect(JSON.parse(entries[3]!.after!)).toEqual({ kind: 'members', file: 'members.csv', rows: 5, inserted: 0, updated: 5 });
    } finally {
      await store.close();
    }

    const [masked, full] = await Promise.all([
      kaohe(['export', 'members', '--format', 'csv', '-o', 'members-out.csv'], cwd),
      kaohe(['export', 'members', '--format', 'csv', '--show-ids', '-o', 'members-full.csv'], cwd),
    ]);
    expect(masked).toEqual({ status: 0, stdout: 'wrote members-out.csv: 5 rows\n', stderr: '' });
    expect(full).toEqual({ status: 0, stdout: 'wrote members-full.csv: 5 rows (ID numbers in full)\n', stderr: '' });
    const maskedText = readFileSync(join(cwd, 'members-out.csv'), 'utf8');
    for (const id of Object.values(IDS)) expect(maskedText).not.toContain(id);
    expect(maskedText).toContain('522425********0019');
    const fullText = readFileSync(join(cwd, 'members-full.csv'), 'utf8');
    expect(fullText).toContain(IDS.wangDashan);
    expect(fullText).toContain(IDS.chenGuihua);
  });

  it('refuses a file without a required column (exit 2, the columns named)', async () => {
    const r = await kaohe(['import', 'households', 'households-no-id.csv'], cwd, join(cwd, 'data-2'));
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^kaohe: households-no-id\.csv: row 1 lacks required column 「户主身份证号」 .*`kaohe template households` writes one\)\n$/);
  });
});

describe.concurrent('kaohe template, and bad input', SLOW, () => {
  const tmp = tempDir('kaohe-cli-');
  afterAll(() => tmp.remove());

  it('template households writes an .xlsx: the headers, then a 说明 sheet', async () => {
    const cwd = join(tmp.dir);
    const r = await kaohe(['template', 'households', '-o', 'households-template.xlsx'], cwd, join(tmp.dir, 'data-t'));
    expect(r).toEqual({ status: 0, stdout: 'wrote households-template.xlsx\n', stderr: '' });
    const sheets = await readXlsx(join(cwd, 'households-template.xlsx'));
    expect(sheets.map((s) => s.name)).toEqual(['贫困户', '说明']);
    expect([...sheets[0]!.rows.keys()]).toEqual([1]);
    expect(sheets[0]!.rows.get(1)).toEqual(kindSpec('households')!.fields.map((f) => f.header));
    expect(sheets[0]!.rows.get(1)).toEqual(VALID.households.headers);
    expect(sheets[1]!.rows.get(2)!.slice(0, 2)).toEqual(['户编号', '是']);
    // The template needs no database.
    expect(existsSync(join(tmp.dir, 'data-t'))).toBe(false);
  });

  it('template without -o writes KIND-template.xlsx', async () => {
    const r = await kaohe(['template', 'visits'], tmp.dir, join(tmp.dir, 'data-t'));
    expect(r).toEqual({ status: 0, stdout: 'wrote visits-template.xlsx\n', stderr: '' });
    expect(existsSync(join(tmp.dir, 'visits-template.xlsx'))).toBe(true);
  });

  it('an unknown kind: exit 2 and the kinds listed, for import, template and export', async () => {
    const runs = await Promise.all([
      kaohe(['import', 'househods', 'x.csv'], tmp.dir, join(tmp.dir, 'data-u')),
      kaohe(['template', 'househods'], tmp.dir, join(tmp.dir, 'data-u')),
      kaohe(['export', 'househods'], tmp.dir, join(tmp.dir, 'data-u')),
    ]);
    for (const r of runs) {
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'kaohe: no record kind "househods"; kinds: areas, households, members, helpers, team-members, visits, meetings, duty-days, meeting-attendance, reports, surveys, students, petitions, publicity, household-sources, leader-duties, code-lists, poverty-lines\n',
      );
    }
  });

  it('an .xls file, and a missing file: exit 2 with the reason', async () => {
    writeFileSync(join(tmp.dir, 'old.xls'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
    const [xls, missing] = await Promise.all([
      kaohe(['import', 'households', 'old.xls'], tmp.dir, join(tmp.dir, 'data-x')),
      kaohe(['import', 'households', 'nowhere.csv'], tmp.dir, join(tmp.dir, 'data-y')),
    ]);
    expect(xls).toEqual({ status: 2, stdout: '', stderr: 'kaohe: old.xls: the old .xls format is not read; save it as .xlsx or .csv\n' });
    expect(missing).toEqual({ status: 2, stdout: '', stderr: 'kaohe: cannot read nowhere.csv: ENOENT\n' });
  });
});

describe('kaohe import beside the web’s saves (another process, the same SQLite file)', () => {
  const ROWS = 100_000;
  const tmp = tempDir('kaohe-cli-concurrent-');
  afterAll(() => tmp.remove());

  it(`imports ${ROWS.toLocaleString('en')} households (exit 0) while this process saves a finding every 100 ms: every save succeeds`, { timeout: 240_000 }, async () => {
    const data = join(tmp.dir, 'data');
    const store = await openStore({ url: join(data, 'kaohe.db') });
    const h = harness(store);
    try {
      await buildRegistry(store);
      const { assessments } = await setUpCampaign(h.service);
      const assessment = assessments[V1]!;
      const file = writeCsv(join(tmp.dir, 'households.csv'), manyHouseholds(ROWS));
      const saving = saver(async () => h.service.findings.addFinding(ACTORS.zhang, assessment, await versionOf(store, assessment), { item: '3.2.1', count: 1 }), 100);
      const { saves } = saving;
      const started = performance.now();
      const run = await kaoheIn(tmp.dir, data).kaohe('import', 'households', file);
      const ended = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await saving.stop();

      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`imported ${ROWS} households rows: ${ROWS} new, 0 updated`);
      expect(saves.filter((s) => s.error)).toEqual([]);
      const during = saves.filter((s) => s.at >= started && s.at <= ended);
      expect(during.length).toBeGreaterThanOrEqual(3);
      expect(await count(store, 'households')).toBe(ROWS + 3);
      console.log(
        `kaohe import of ${ROWS} households: ${(ended - started).toFixed(0)} ms (the process's start included); ${saves.length} findings saved ` +
          `(${during.length} begun during it), the longest ${Math.max(...saves.map((s) => s.ms)).toFixed(0)} ms`,
      );
    } finally {
      h.cleanup();
      await store.close();
    }
  });
});
