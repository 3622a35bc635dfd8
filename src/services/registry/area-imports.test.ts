/**
 * Imports by an office of an area (issue 11), on every database: a county's or a city's office
 * imports the records of its own villages; a row of another area's village or household, or one
 * that would change a record of another area, is a problem on its line, and nothing is written.
 * The division tree, the code lists and the poverty lines stay with the office of the whole
 * database.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A1, A2, B1, buildProvince, C1, C2, K1, officeOf, provinceServices } from '../../../test/area-fixtures.ts';
import { ACTORS } from '../../../test/campaign-fixtures.ts';
import { refused } from '../../../test/refused.ts';
import { H1, H2, idNumber, tempDir, TODAY, VALID, withCell, withRows, writeCsv, type Table } from '../../../test/registry-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Services } from '../../compose.ts';
import type { Store } from '../../store/db.ts';
import { importFile, importTuning, type ImportOptions } from '../import/import.service.ts';
import type { Actor } from '../policies.ts';

process.env.KAOHE_SCRYPT_LOG2N ??= '12';

const HOOK = 240_000;
/** A household of 七星关区 (city 毕节市, not 织金县). */
const HB = '5224011002010001';
const HB_HEAD = idNumber('522401', '19660606', '021');
const HB_MEMBER = idNumber('522401', '19900909', '022');
const H = VALID.households.headers;
const col = (header: string) => H.indexOf(header);
/** A households row like H2's, with another number, village and head. */
const household = (no: string, village: string, head: string): Table['rows'][number] => {
  const row = [...VALID.households.rows[1]!];
  row[col('户编号')] = no;
  row[col('村区划代码')] = village;
  row[col('户主身份证号')] = head;
  return row;
};

describe.each(storeTargets())('imports by an office of an area ($dialect)', (target) => {
  let store: Store;
  let services: Services;
  let cleanup: () => void;
  let county: Actor;
  let otherCity: Actor;
  const dir = tempDir('kaohe-area-imports-');
  const K1_AREA = { code: K1, name: '织金县' };
  let n = 0;
  const file = (table: Table) => writeCsv(join(dir.dir, `sheet-${++n}.csv`), table);
  const run = (kind: string, table: Table, options: ImportOptions = {}) => importFile(store, kind, file(table), { today: TODAY, ...options });
  const count = async (table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.db)).rows[0]!.n);
  const villageOf = async (no: string) => (await store.db.selectFrom('households').select('village_code').where('household_no', '=', no).executeTakeFirst())?.village_code;

  beforeAll(async () => {
    store = await target.open();
    await buildProvince(store);
    ({ services, cleanup } = provinceServices(store));
    county = await officeOf(services.users, 'zhijin', 'admin', K1);
    otherCity = await officeOf(services.users, 'guiyang', 'admin', C2);
    // The office of the whole database: 织金县's households (H1, H2 in 石桥村, H3 in 青龙村) and one of 七星关区's, with a member.
    const whole = await run('households', withRows(VALID.households, household(HB, B1, HB_HEAD)));
    expect(whole.committed, JSON.stringify(whole.problems)).toBe(true);
    const members = await run('members', withRows(VALID.members, [HB, '杨春', HB_MEMBER, '女', '之女', '汉族', '初中', '非在校生', '健康', '普通劳动力', '否', '是', '否', '否']));
    expect(members.committed, JSON.stringify(members.problems)).toBe(true);
  }, HOOK);

  afterAll(async () => {
    await store?.close();
    cleanup?.();
    dir.remove();
  });

  it("imports its own villages' households, and refuses a row of another area's village on its line", async () => {
    const before = await count('households');
    const own = household('5224251002020009', A2, idNumber('522425', '19770707', '031'));
    const elsewhere = household('5224011002010009', B1, idNumber('522401', '19780808', '032'));
    const bad = await run('households', withRows(withCell(VALID.households, 0, '家庭人口数', '5'), own, elsewhere), { area: K1_AREA });
    expect(bad.committed).toBe(false);
    expect(bad.problems).toEqual([expect.objectContaining({ row: 6, column: '村区划代码 (B)', value: B1, reason: { code: 'village-outside-area', params: { area: '织金县' } } })]);
    expect(bad.problems[0]!.message).toMatch(/not in 织金县/);
    expect(await count('households')).toBe(before);

    // Another city's office: none of these villages is its own.
    const theirs = await run('households', VALID.households, { area: { code: C2, name: '贵阳市' } });
    expect(theirs.problems.map((p) => [p.row, p.reason?.code])).toEqual([
      [2, 'village-outside-area'],
      [3, 'village-outside-area'],
      [4, 'village-outside-area'],
    ]);

    const good = await run('households', withRows(withCell(VALID.households, 0, '家庭人口数', '5'), own), { area: K1_AREA });
    expect(good.committed, JSON.stringify(good.problems)).toBe(true);
    expect([good.inserted, good.updated]).toEqual([1, 3]);
    expect(await count('households')).toBe(before + 1);
  });

  it("refuses a row that would change another area's household, in a dry run too, and writes nothing", async () => {
    // 七星关区's household number, with a village of 织金县: it would move HB into 织金县.
    const moved = household(HB, A1, HB_HEAD);
    for (const dryRun of [true, false]) {
      const r = await run('households', withRows(VALID.households, moved), { area: K1_AREA, dryRun });
      expect(r.committed).toBe(false);
      expect(r.problems).toEqual([expect.objectContaining({ row: 5, column: '户编号', value: HB, reason: { code: 'record-outside-area', params: { area: '织金县' } } })]);
    }
    expect(await villageOf(HB)).toBe(B1);
    // Without an area (the office of the whole database) the same file moves it.
    expect((await run('households', withRows(VALID.households, moved), { dryRun: true })).problems).toEqual([]);
  });

  it("refuses another area's household in a member's row, and a member of another area's household", async () => {
    const ofB = [HB, '杨秋', idNumber('522401', '19920202', '024'), '女', '之女', '汉族', '初中', '非在校生', '健康', '普通劳动力', '否', '是', '否', '否'];
    const r1 = await run('members', withRows(VALID.members, ofB), { area: K1_AREA });
    expect(r1.problems).toEqual([expect.objectContaining({ row: 7, column: '户编号 (A)', value: HB, reason: { code: 'household-outside-area', params: { area: '织金县' } } })]);
    // HB's member, named as a member of H2: the member is 七星关区's.
    const taken = [H2, '杨春', HB_MEMBER, '女', '之女', '汉族', '初中', '非在校生', '健康', '普通劳动力', '否', '是', '否', '否'];
    const r2 = await run('members', withRows(VALID.members, taken), { area: K1_AREA });
    expect(r2.problems).toHaveLength(1);
    expect(r2.problems[0]).toMatchObject({ row: 7, column: '身份证号', reason: { code: 'record-outside-area' } });
    // The ID number is masked.
    expect(r2.problems[0]!.value).not.toContain(HB_MEMBER);
    expect(r2.problems[0]!.value).toMatch(/^522401\*+/);
    const memberHousehold = await store.db
      .selectFrom('members')
      .innerJoin('households', 'households.id', 'members.household_id')
      .select('households.household_no')
      .where('members.id_number', '=', HB_MEMBER)
      .executeTakeFirst();
    expect(memberHousehold?.household_no).toBe(HB);
    // Its own households' members go in.
    const own = await run('members', VALID.members, { area: K1_AREA });
    expect(own.committed, JSON.stringify(own.problems)).toBe(true);
  });

  it('finds the same rows on the worker thread a large file is read on', async () => {
    const was = importTuning.workerMinBytes;
    importTuning.workerMinBytes = 0;
    try {
      const r = await run('households', withRows(VALID.households, household(HB, A1, HB_HEAD)), { area: K1_AREA });
      expect(r.problems.map((p) => [p.row, p.reason?.code])).toEqual([[5, 'record-outside-area']]);
      const v = await run('households', withRows(VALID.households, household('5224011002010010', B1, idNumber('522401', '19790909', '033'))), { area: K1_AREA });
      expect(v.problems.map((p) => [p.row, p.reason?.code])).toEqual([[5, 'village-outside-area']]);
    } finally {
      importTuning.workerMinBytes = was;
    }
  });

  it("keeps the division tree, the code lists and the poverty lines with the whole database's office", async () => {
    for (const kind of ['areas', 'code-lists', 'poverty-lines']) {
      await refused(services.registry.files.importUpload(county, kind, '/nonexistent.csv', `${kind}.csv`, true), 'forbidden', new RegExp(`may not import ${kind}`));
      await refused(run(kind, VALID.areas, { area: K1_AREA }), 'forbidden', /does not import this kind/);
    }
  });

  it("imports an upload through the file service, the errors file the importer's alone", async () => {
    const path = file(withRows(VALID.households, household('5224011002010011', B1, idNumber('522401', '19800101', '034'))));
    const r = await services.registry.files.importUpload(county, 'households', path, '户表.csv', false);
    expect(r.committed).toBe(false);
    expect(r.problems.map((p) => [p.row, p.reason?.code])).toEqual([[5, 'village-outside-area']]);
    expect(r.errorsFile).toBeTruthy();
    expect(services.registry.files.errorsFile(county, r.errorsFile!).filename).toBe('户表-错误.xlsx');
    expect(() => services.registry.files.errorsFile(otherCity, r.errorsFile!)).toThrow(/errors file/);
    const ok = await services.registry.files.importUpload(county, 'households', file(VALID.households), '户表.csv', false);
    expect(ok.committed, JSON.stringify(ok.problems)).toBe(true);
    // Who imported what into whose villages: in the audit log (the refused file is not).
    const entries = (await services.campaigns.audit.auditLog(ACTORS.admin as Actor)).filter((x) => x.action === 'registry.import');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'zhijin', entity: 'registry', entityId: 'households' });
    expect(entries[0]!.after).toMatchObject({ kind: 'households', file: '户表.csv', rows: 3, inserted: 0, updated: 3, area: K1, areaName: '织金县' });
    expect(await villageOf(H1)).toBe(A1);
  });

  it('writes an import and its audit entry in one transaction: when the entry cannot be written, no row is', async () => {
    const entry = services.registry.files.importAudit(county, 'households', '户表.csv');
    const moved = household('5224251002020008', A2, idNumber('522425', '19760606', '035'));
    const file1 = withRows(withCell(VALID.households, 0, '家庭人口数', '6'), moved);
    const entries = async () => Number((await sql<{ n: number }>`select count(*) as n from audit_log where action = 'registry.import'`.execute(store.db)).rows[0]!.n);
    const before = { households: await count('households'), entries: await entries() };
    const head = await store.db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    // The log's head gone: appending to the log fails, after the rows were merged in the same transaction.
    await store.db.deleteFrom('audit_head').execute();
    try {
      await expect(run('households', file1, { area: K1_AREA, audit: entry })).rejects.toThrow(/audit log has no head row/);
    } finally {
      await store.db.insertInto('audit_head').values(head).execute();
    }
    expect(await count('households')).toBe(before.households);
    expect(await entries()).toBe(before.entries);
    const sizeOfH1 = async () => (await store.db.selectFrom('households').select('size').where('household_no', '=', H1).executeTakeFirst())?.size;
    expect(await sizeOfH1()).not.toBe(6);
    // With the head back, both go in; the entry counts the rows.
    const ok = await run('households', file1, { area: K1_AREA, audit: entry });
    expect(ok.committed, JSON.stringify(ok.problems)).toBe(true);
    expect(await count('households')).toBe(before.households + 1);
    expect(await sizeOfH1()).toBe(6);
    const last = await store.db.selectFrom('audit_log').select(['actor', 'after']).where('action', '=', 'registry.import').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last.actor).toBe('zhijin');
    expect(JSON.parse(last.after!)).toEqual({ kind: 'households', file: '户表.csv', rows: 4, inserted: 1, updated: 3, area: K1, areaName: '织金县' });
    // A refused file (a record of another area, found inside the merge's transaction) writes neither.
    const refusedFile = await run('households', withRows(VALID.households, household(HB, A1, HB_HEAD)), { area: K1_AREA, audit: entry });
    expect(refusedFile.problems.map((p) => [p.row, p.reason?.code])).toEqual([[5, 'record-outside-area']]);
    expect(await entries()).toBe(before.entries + 1);
    expect(await services.campaigns.audit.verifyAudit()).toMatchObject({ ok: true });
  });

  it("lists the imports so far: an office of an area its own and its areas' offices', the whole database's office every one", async () => {
    const city = await officeOf(services.users, 'bijie', 'admin', C1);
    const entry = (actor: Actor, file: string) => services.registry.files.importAudit(actor, 'households', file);
    // 织金县's office, then 毕节市's (织金县's city: none of its villages here but those of 织金县), then the whole database's.
    expect((await run('households', VALID.households, { area: K1_AREA, audit: entry(county, '织金.csv') })).committed).toBe(true);
    expect((await run('households', VALID.households, { area: { code: C1, name: '毕节市' }, audit: entry(city, '毕节.csv') })).committed).toBe(true);
    expect((await run('households', VALID.households, { audit: entry(ACTORS.admin as Actor, '全部.csv') })).committed).toBe(true);
    const files = async (actor: Actor) => (await services.registry.read.importHistory(actor, { limit: 100 })).items.map((e) => e.file);
    const whole = await files(ACTORS.admin as Actor);
    expect(whole.slice(0, 3)).toEqual(['全部.csv', '毕节.csv', '织金.csv']);
    // 织金县 sees its own office's imports only; 毕节市 its own and 织金县's (under it); 贵阳市 none of them.
    expect((await files(county)).slice(0, 1)).toEqual(['织金.csv']);
    expect(await files(county)).not.toContain('毕节.csv');
    expect(await files(county)).not.toContain('全部.csv');
    expect((await files(city)).slice(0, 2)).toEqual(['毕节.csv', '织金.csv']);
    expect(await files(city)).not.toContain('全部.csv');
    expect(await files(otherCity)).toEqual([]);
    const mine = (await services.registry.read.importHistory(county, { limit: 1 })).items[0]!;
    expect(mine).toMatchObject({ actor: 'zhijin', kind: 'households', rows: 3, inserted: 0, updated: 3, area: K1, areaName: '织金县' });
    expect(mine.actorName).toBeUndefined();
    // Who imported, by their display name once they have one.
    await store.db.updateTable('users').set({ display_name: '王织金' }).where('username', '=', 'zhijin').execute();
    expect((await services.registry.read.importHistory(county, { limit: 1 })).items[0]).toMatchObject({ actor: 'zhijin', actorName: '王织金' });
    // A page at a time, newest first, to the end.
    const pages: string[] = [];
    for (let after: number | undefined, n = 0; n < 50; n++) {
      const page = await services.registry.read.importHistory(ACTORS.admin as Actor, { limit: 2, ...(after !== undefined ? { after } : {}) });
      pages.push(...page.items.map((e) => e.file));
      if (page.next === null) break;
      after = Number(page.next);
    }
    expect(pages).toEqual(whole);
    await refused(services.registry.read.importHistory(ACTORS.viewer as Actor), 'forbidden');
  });

  it("exports its own villages' records, named with its area, and not the division tree", async () => {
    const out = await services.registry.files.exportFile(county, 'households', 'csv', false);
    try {
      expect(out.filename).toBe('贫困户（织金县）.csv');
      const text = readFileSync(out.path, 'utf8');
      expect(text).toContain(H1);
      expect(text).toContain(H2);
      expect(text).not.toContain(HB);
      // The whole database's office exports every household.
      const whole = await services.registry.files.exportFile(ACTORS.admin as Actor, 'households', 'csv', false);
      expect(readFileSync(whole.path, 'utf8')).toContain(HB);
      rmSync(whole.path, { force: true });
    } finally {
      rmSync(out.path, { force: true });
    }
    // A kind placed by its household: 织金县's households' members only.
    const members = await services.registry.files.exportFile(county, 'members', 'csv', false);
    try {
      const text = readFileSync(members.path, 'utf8');
      expect(text).toContain('王大山');
      expect(text).not.toContain('杨春');
    } finally {
      rmSync(members.path, { force: true });
    }
    await refused(services.registry.files.exportFile(otherCity, 'areas', 'xlsx', false), 'forbidden', /may not export areas/);
  });
});
