/**
 * Importing registry sheets on every store target: each of the 18 kinds from CSV, households,
 * members and visits from .xlsx (title rows, merged two-row headers, number and Date cells),
 * every encoding, every reason a row is rejected (with its row, column and masked value), the
 * file-level refusals, all-or-nothing, dry runs, idempotent re-imports, and the errors file.
 */
import ExcelJS from 'exceljs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KaoheError } from '../../core/errors.ts';
import { kindSpec } from '../../core/registry/kinds.ts';
import { inEnglish } from '../../../test/import-problems.ts';
import type { Store } from '../../store/db.ts';
import { storeTargets } from '../../../test/stores.ts';
import {
  COUNTY,
  count,
  csvText,
  FIXTURES,
  GB18030_NAME,
  H1,
  H2,
  H3,
  householdsForEncoding,
  idNumber,
  IDS,
  LATE_WORKBOOK_FIXTURE,
  ORDER,
  PRESEEDED,
  readXlsx,
  record,
  seed,
  stored,
  tempDir,
  TODAY,
  TOWNSHIP,
  VALID,
  VILLAGE,
  VILLAGE2,
  withCell,
  withoutColumns,
  withRows,
  writeCsv,
  writeXlsx,
  XLSX_FIXTURES,
  type KindName,
  type Table,
} from '../../../test/registry-fixtures.ts';
import { BAD_FILL, writeErrorsFile } from './errors-file.ts';
import { importFile, importTuning, type ImportReport } from './import.service.ts';
import { existingKeysTuning } from '../../store/import-lookups.ts';

/** What each kind's valid rows look like once stored (surrogate ids as natural keys, see `stored`). */
const STORED: Record<KindName, { table: string; rows: Array<Record<string, unknown>> }> = {
  areas: {
    table: 'areas',
    rows: [
      { code: COUNTY, level: 'county', name: '织金县', parent_code: null, poverty_village: 0, planned_exit_year: null, exit_year: null, population: 830000 },
      { code: TOWNSHIP, level: 'township', name: '城关镇', parent_code: COUNTY, poverty_village: 0, planned_exit_year: null, exit_year: null, population: 52000 },
      { code: VILLAGE, level: 'village', name: '石桥村', parent_code: TOWNSHIP, poverty_village: 1, planned_exit_year: 2019, exit_year: 2019, population: 1860 },
      { code: VILLAGE2, level: 'village', name: '河坝村', parent_code: TOWNSHIP, poverty_village: 0, planned_exit_year: null, exit_year: null, population: 1320 },
    ],
  },
  households: {
    table: 'households',
    rows: [
      {
        household_no: H1,
        village_code: VILLAGE,
        year: 2020,
        head_name: '王大山',
        head_id_number: IDS.wangDashan,
        size: 4,
        workers: 2,
        standard: 'national',
        attribute: 'general',
        main_cause: 'illness',
        other_causes: 'skills,capital',
        status: 'exited',
        identified_year: 2014,
        planned_exit_year: 2019,
        exit_year: 2019,
        income_fen: 523050,
        phone: '13800000000',
        housing_grade: 'B',
        safe_water: 1,
        electricity: 1,
        road: 1,
      },
      {
        household_no: H2,
        village_code: VILLAGE,
        year: 2020,
        head_name: '李秀英',
        head_id_number: IDS.liXiuying,
        size: 3,
        workers: 1,
        standard: 'national',
        attribute: 'dibao',
        main_cause: 'disability',
        other_causes: null,
        status: 'not-exited',
        identified_year: 2015,
        planned_exit_year: 2020,
        exit_year: null,
        income_fen: 310000,
        phone: null,
        housing_grade: 'C',
        safe_water: 1,
        electricity: 1,
        road: 0,
      },
      {
        household_no: H3,
        village_code: VILLAGE2,
        year: 2020,
        head_name: '张国强',
        head_id_number: IDS.zhangGuoqiang,
        size: 1,
        workers: 0,
        standard: 'provincial',
        attribute: 'tekun',
        main_cause: 'labour',
        other_causes: 'illness',
        status: 'relapsed',
        identified_year: 2014,
        planned_exit_year: 2018,
        exit_year: 2018,
        income_fen: 298000,
        phone: '0857-7712345',
        housing_grade: 'A',
        safe_water: 1,
        electricity: 0,
        road: 1,
      },
    ],
  },
  members: {
    table: 'members',
    rows: [
      {
        household: H1,
        name: '王大山',
        id_number: IDS.wangDashan,
        sex: 'M',
        relation: 'head',
        ethnicity: '汉族',
        education: 'primary',
        schooling: 'none',
        health: 'healthy',
        labour_ability: 'ordinary',
        migrant_work: 0,
        insured: 1,
        dibao: 0,
        wubao: 0,
      },
      {
        household: H1,
        name: '陈桂花',
        id_number: IDS.chenGuihua,
        sex: 'F',
        relation: 'spouse',
        ethnicity: '苗族',
        education: 'illiterate',
        schooling: 'none',
        health: 'chronic',
        labour_ability: 'weak',
        migrant_work: 0,
        insured: 1,
        dibao: 0,
        wubao: 0,
      },
      {
        household: H1,
        name: '王小军',
        id_number: IDS.wangXiaojun,
        sex: 'M',
        relation: 'son',
        ethnicity: '汉族',
        education: 'junior',
        schooling: 'vocational',
        health: 'healthy',
        labour_ability: 'ordinary',
        migrant_work: 0,
        insured: 1,
        dibao: 0,
        wubao: 0,
      },
      {
        household: H2,
        name: '李秀英',
        id_number: IDS.liXiuying,
        sex: 'F',
        relation: 'head',
        ethnicity: '汉族',
        education: 'primary',
        schooling: 'none',
        health: 'disabled',
        labour_ability: 'lost',
        migrant_work: 0,
        insured: 1,
        dibao: 1,
        wubao: 0,
      },
      {
        household: H3,
        name: '张国强',
        id_number: IDS.zhangGuoqiang,
        sex: 'M',
        relation: 'head',
        ethnicity: '汉族',
        education: 'illiterate',
        schooling: 'none',
        health: 'serious',
        labour_ability: 'none',
        migrant_work: 0,
        insured: 1,
        dibao: 0,
        wubao: 1,
      },
    ],
  },
  helpers: {
    table: 'helper_assignments',
    rows: [
      { helper: IDS.liMing, household: H1, start_date: '2018-03-01', end_date: null },
      { helper: IDS.liMing, household: H2, start_date: '2018-03-01', end_date: null },
      { helper: IDS.zhouHong, household: H3, start_date: '2017-05-01', end_date: '2019-12-31' },
    ],
  },
  'team-members': {
    table: 'team_members',
    rows: [
      { team: `${VILLAGE}/县教育局`, name: '张伟', id_number: IDS.zhangWei, is_leader: 1, is_first_secretary: 1, phone: '13700000000', start_date: '2018-01-15', end_date: null },
      { team: `${VILLAGE}/县教育局`, name: '赵磊', id_number: IDS.zhaoLei, is_leader: 0, is_first_secretary: 0, phone: null, start_date: '2018-01-15', end_date: '2020-06-30' },
      {
        team: `${VILLAGE2}/县农业农村局`,
        name: '吴芳',
        id_number: IDS.wuFang,
        is_leader: 0,
        is_first_secretary: 1,
        phone: '13700000002',
        start_date: '2019-03-01',
        end_date: null,
      },
    ],
  },
  visits: {
    table: 'visits',
    rows: [
      { household: H1, visitor_role: 'helper', visitor_name: '李明', visitor_id_number: IDS.liMing, date: '2020-03-05', content: '宣讲教育资助政策' },
      { household: H2, visitor_role: 'helper', visitor_name: '李明', visitor_id_number: null, date: '2020-03-06', content: '了解低保落实情况' },
      { household: H1, visitor_role: 'leader', visitor_name: '张伟', visitor_id_number: IDS.zhangWei, date: '2020-03-10', content: '核实收入, 填写"扶贫手册"' },
    ],
  },
  meetings: {
    table: 'meetings',
    rows: [
      { village_code: VILLAGE, kind: 'topic', date: '2020-03-10', has_minutes: 1, topic: '研究产业扶贫项目', attendees: 8 },
      { village_code: VILLAGE, kind: 'leader', date: '2020-03-16', has_minutes: 0, topic: null, attendees: 3 },
    ],
  },
  'duty-days': {
    table: 'duty_days',
    rows: [
      { village_code: VILLAGE, person_name: '张伟', person_id_number: IDS.zhangWei, month: '2020-02', days: 29, leave_days: null, trip_days: null },
      { village_code: VILLAGE, person_name: '张伟', person_id_number: IDS.zhangWei, month: '2020-03', days: 22, leave_days: 2, trip_days: 1 },
      { village_code: VILLAGE, person_name: '赵磊', person_id_number: IDS.zhaoLei, month: '2020-03', days: 20, leave_days: 0, trip_days: 0 },
    ],
  },
  'meeting-attendance': {
    table: 'meeting_attendance',
    rows: [
      { village_code: VILLAGE, meeting: '全县脱贫攻坚推进会', organiser: '县扶贫办', date: '2020-04-02', person_name: '张伟', status: 'attended' },
      { village_code: VILLAGE, meeting: '全县脱贫攻坚推进会', organiser: '县扶贫办', date: '2020-04-02', person_name: '赵磊', status: 'leave' },
      { village_code: VILLAGE2, meeting: '全县脱贫攻坚推进会', organiser: '县扶贫办', date: '2020-04-02', person_name: '吴芳', status: 'absent' },
    ],
  },
  reports: {
    table: 'reports',
    rows: [
      { village_code: VILLAGE, title: '3月份扶贫月报', deadline: '2020-04-05', submitted_date: '2020-04-03', status: 'on-time', note: null },
      { village_code: VILLAGE, title: '4月份扶贫月报', deadline: '2020-05-05', submitted_date: '2020-05-08', status: 'late', note: '晚3天' },
      { village_code: VILLAGE, title: '5月份扶贫月报', deadline: '2020-06-05', submitted_date: null, status: 'missing', note: null },
      { village_code: VILLAGE2, title: '3月份扶贫月报', deadline: '2020-04-05', submitted_date: '2020-04-01', status: 'returned', note: '数据有误' },
    ],
  },
  surveys: {
    table: 'surveys',
    rows: [
      { household: H1, kind: 'satisfaction', date: '2020-09-15', respondent: '王大山', topic: '帮扶责任人', answer: 'satisfied' },
      { household: H1, kind: 'satisfaction', date: '2020-09-15', respondent: '王大山', topic: '工作队长', answer: 'basic' },
      { household: H1, kind: 'awareness', date: '2020-09-15', respondent: '陈桂花', topic: '教育资助政策', answer: 'aware' },
      { household: H2, kind: 'awareness', date: '2020-09-16', respondent: '李秀英', topic: '健康扶贫政策', answer: 'unaware' },
    ],
  },
  students: {
    table: 'students',
    rows: [
      { household: H1, name: '王小军', id_number: IDS.wangXiaojun, school_year: 2019, school: '县职业技术学校', eligible: 1, notified: 1, applied: 1 },
      { household: H1, name: '王小军', id_number: IDS.wangXiaojun, school_year: 2020, school: '县职业技术学校', eligible: 1, notified: 1, applied: 0 },
    ],
  },
  petitions: {
    table: 'petitions',
    rows: [
      { village_code: VILLAGE, household: H2, date: '2020-06-18', kind: 'complaint', over_county: 0, handled: 1, summary: '对低保评定有异议' },
      { village_code: VILLAGE2, household: null, date: '2020-07-01', kind: 'petition', over_county: 1, handled: 0, summary: '修路占地补偿' },
    ],
  },
  publicity: {
    table: 'publicity',
    rows: [
      { household: H1, procedure: 'entry', stage: 'application', date: '2014-05-10', reference: 'SQ-2014-001' },
      { household: H1, procedure: 'exit', stage: 'first-publication', date: '2019-11-20', reference: 'GS-2019-031' },
      { household: H1, procedure: 'exit', stage: 'announcement', date: '2019-12-10', reference: 'GG-2019-007' },
    ],
  },
  'household-sources': {
    table: 'household_sources',
    rows: [
      {
        household: H1,
        source: 'handbook',
        head_name: '王大山',
        head_id_number: IDS.wangDashan,
        size: 5,
        workers: 2,
        attribute: 'general',
        main_cause: 'illness',
        status: 'exited',
        income_fen: 523050,
        phone: '13800000000',
      },
      {
        household: H1,
        source: 'collection-form',
        head_name: '王大山',
        head_id_number: null,
        size: 4,
        workers: null,
        attribute: 'general',
        main_cause: 'illness',
        status: null,
        income_fen: null,
        phone: null,
      },
    ],
  },
  'leader-duties': {
    table: 'leader_duties',
    rows: [
      { village_code: VILLAGE, year: 2020, element: 'diary', title: '记好一本民情日记', done: 1, note: null },
      { village_code: VILLAGE, year: 2020, element: 'survey', title: '写好一篇调研报告', done: 0, note: '未见调研报告' },
    ],
  },
  'code-lists': { table: 'code_lists', rows: [] }, // checked on their own below
  'poverty-lines': {
    table: 'poverty_lines',
    rows: [
      { year: 2014, amount_fen: 280000 },
      { year: 2015, amount_fen: 285500 },
      { year: 2016, amount_fen: 295200 },
      { year: 2017, amount_fen: 333500 },
      { year: 2018, amount_fen: 353500 },
      { year: 2019, amount_fen: 374700 },
      { year: 2020, amount_fen: 400000 },
      { year: 2021, amount_fen: 410000 },
    ],
  },
};

const TABLE: Record<KindName, string> = Object.fromEntries(ORDER.map((k) => [k, kindSpec(k)!.table])) as Record<KindName, string>;

/** A 20,000-row households sheet (all new households of VILLAGE), optionally with its last row broken. */
function bigHouseholds(rows: number, lastBad: boolean): Table {
  const out: Table = { headers: VALID.households.headers, rows: [] };
  const template = VALID.households.rows[1]!; // not exited, no exit year
  const col = (h: string) => VALID.households.headers.indexOf(h);
  for (let i = 0; i < rows; i++) {
    const r = [...template];
    const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 800) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    r[col('户编号')] = `52242510020190${String(i).padStart(5, '0')}`;
    r[col('户主姓名')] = `户主${i}`;
    r[col('户主身份证号')] = idNumber('522425', birth, String(100 + (i % 800)).padStart(3, '0'));
    out.rows.push(r);
  }
  if (lastBad) out.rows[rows - 1]![col('家庭人口数')] = '0';
  return out;
}

const targets = storeTargets();

for (const target of targets) {
  describe(`importFile on ${target.dialect}`, () => {
    const tmp = tempDir();
    let n = 0;
    /** Writes a table as a CSV file of its own. */
    const csv = (table: Table, options: { bom?: boolean } = {}) => writeCsv(join(tmp.dir, `f${n++}.csv`), table, options);
    const open = async (kinds: readonly KindName[] = []): Promise<Store> => {
      const store = await target.open();
      if (kinds.length) await seed(store, tmp.dir, kinds);
      return store;
    };
    const stores: Store[] = [];
    afterAll(async () => {
      for (const s of stores) await s.close();
      tmp.remove();
    });

    it('asks the registry for the households a file names, or the heads it has, a batch of rows at a time: the same reports and rows as read whole, on this thread and on the worker', async () => {
      const saved = { ...importTuning };
      const members = withCell(withCell(VALID.members, 1, '户编号', '522425100201999999'), 2, '户编号', '522425100201999999'); // no such household, twice
      const households = withCell(VALID.households, 2, '户主身份证号', record(VALID.households, 0)['户主身份证号']!); // the head of the first
      const outcome = async (tuning: Partial<typeof importTuning>) => {
        const store = await open(['areas', 'households']);
        stores.push(store);
        Object.assign(importTuning, tuning);
        try {
          const report = async (kind: KindName, table: Table) => {
            const { elapsedMs: _, file: __, ...r } = await importFile(store, kind, csv(table), { today: TODAY });
            return r;
          };
          const bad = [await report('members', members), await report('households', households)];
          const good = [await report('members', VALID.members), await report('households', withCell(VALID.households, 1, '联系电话', '13912345678'))];
          return { bad, good, members: await stored(store, 'members'), households: await stored(store, 'households') };
        } finally {
          Object.assign(importTuning, saved);
        }
      };
      const whole = await outcome({ readWholePerByte: Infinity, workerMinBytes: Infinity });
      expect(whole.bad.map((r) => r.problems.map((p) => [p.row, p.reason?.code]))).toEqual([
        [
          [3, 'no-such-household'],
          [4, 'no-such-household'],
        ],
        [[4, 'same-head-as-row']],
      ]);
      expect(whole.good.map((r) => [r.committed, r.inserted, r.updated])).toEqual([
        [true, VALID.members.rows.length, 0],
        [true, 0, 3],
      ]);
      for (const tuning of [
        { readWholePerByte: 0, workerMinBytes: Infinity },
        { readWholePerByte: 0, workerMinBytes: 0, batch: 2 },
        { readWholePerByte: Infinity, workerMinBytes: 0, batch: 2 },
      ])
        expect(await outcome(tuning), JSON.stringify(tuning)).toEqual(whole);
    });

    describe('every kind, from CSV, in order', () => {
      let store: Store;
      beforeAll(async () => {
        store = await open();
        stores.push(store);
      });

      for (const kind of ORDER) {
        it(`imports ${kind}`, async () => {
          const rows = VALID[kind].rows.length;
          const report = await importFile(store, kind, csv(VALID[kind]), { today: TODAY });
          expect(report.problems).toEqual([]);
          expect(report).toMatchObject({
            kind,
            format: 'csv',
            encoding: 'utf-8',
            rows,
            inserted: rows - (PRESEEDED[kind] ?? 0),
            updated: PRESEEDED[kind] ?? 0,
            truncated: false,
            ignoredColumns: [],
            dryRun: false,
            committed: true,
          });
          if (kind !== 'code-lists') expect(await stored(store, STORED[kind].table)).toEqual(STORED[kind].rows);
        });
      }

      it('stored the helpers and work teams (the parents) once each', async () => {
        expect(await stored(store, 'helpers')).toEqual([
          { id_number: IDS.liMing, name: '李明', unit: '县教育局', position: '科员', phone: '13900000000' },
          { id_number: IDS.zhouHong, name: '周红', unit: '县农业农村局', position: '副局长', phone: '13900000001' },
        ]);
        expect(await stored(store, 'work_teams')).toEqual([
          { village_code: VILLAGE, sending_unit: '县教育局', start_date: null, end_date: null },
          { village_code: VILLAGE2, sending_unit: '县农业农村局', start_date: null, end_date: null },
        ]);
      });

      it('stored the code lists: new entries added, an existing one updated in place', async () => {
        const rows = await stored(store, 'code_lists', ['list', 'code', 'label_zh', 'label_en', 'valid_from', 'valid_to']);
        expect(rows).toContainEqual({ list: 'cause', code: 'pandemic', label_zh: '因疫', label_en: 'epidemic', valid_from: 2020, valid_to: null });
        expect(rows).toContainEqual({ list: 'status', code: 'monitored', label_zh: '监测户', label_en: 'monitored', valid_from: 2021, valid_to: null });
        expect(rows.filter((r) => r.list === 'cause' && r.code === 'illness')).toEqual([
          { list: 'cause', code: 'illness', label_zh: '因病', label_en: 'illness', valid_from: 2014, valid_to: null },
        ]);
        // The new code is usable right away, in its years only.
        const h = withCell(withCell(VALID.households, 0, '主要致贫原因', '因疫'), 1, '主要致贫原因', 'pandemic');
        const ok = await importFile(store, 'households', csv(h), { today: TODAY, dryRun: true });
        expect(ok.problems).toEqual([]);
        const early = await importFile(store, 'households', csv(withCell(h, 0, '年度', '2019')), { today: TODAY, dryRun: true });
        expect(early.problems.map(inEnglish)).toMatchObject([{ row: 2, column: '主要致贫原因 (J)', value: '因疫', message: expect.stringMatching(/^not in the code list/) }]);
      });
    });

    describe('encodings', () => {
      let store: Store;
      beforeAll(async () => {
        store = await open(['areas']);
        stores.push(store);
      });
      const heads = async () => (await stored(store, 'households', ['head_name'])).map((r) => r.head_name);

      it('reads UTF-8 without a BOM', async () => {
        const r = await importFile(store, 'households', csv(VALID.households), { today: TODAY });
        expect(r).toMatchObject({ encoding: 'utf-8', rows: 3, inserted: 3, committed: true });
        expect(await heads()).toEqual(['王大山', '李秀英', '张国强']);
      });

      it('reads UTF-8 with a BOM (the first header is found, not "\\uFEFF户编号")', async () => {
        const file = csv(withCell(VALID.households, 0, '户主姓名', '王大三'), { bom: true });
        expect(readFileSync(file).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        const r = await importFile(store, 'households', file, { today: TODAY });
        expect(r).toMatchObject({ encoding: 'utf-8', rows: 3, inserted: 0, updated: 3, committed: true, ignoredColumns: [] });
        expect(await heads()).toEqual(['王大三', '李秀英', '张国强']);
      });

      it('the committed GBK and GB18030 files are what the fixture builder writes, and not UTF-8', () => {
        for (const encoding of ['gbk', 'gb18030'] as const) {
          const bytes = readFileSync(join(FIXTURES, `households.${encoding}.csv`));
          expect(new TextDecoder('gb18030').decode(bytes)).toBe(csvText(householdsForEncoding(encoding)));
          expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
        }
        // The GB18030 one has a character outside GBK: four bytes (0x95 0x34 0xB2 0x35 for U+20BB7).
        expect(readFileSync(join(FIXTURES, 'households.gb18030.csv')).includes(Buffer.from([0x95, 0x34, 0xb2, 0x35]))).toBe(true);
      });

      it('reads GBK (as GB18030, its superset)', async () => {
        const r = await importFile(store, 'households', join(FIXTURES, 'households.gbk.csv'), { today: TODAY });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ encoding: 'gb18030', rows: 3, updated: 3, committed: true });
        expect(await heads()).toEqual(['王大山', '李秀英', '张国强']);
        expect(await stored(store, 'households')).toEqual(STORED.households.rows);
      });

      it('reads GB18030, four-byte characters included', async () => {
        const r = await importFile(store, 'households', join(FIXTURES, 'households.gb18030.csv'), { today: TODAY });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ encoding: 'gb18030', rows: 3, updated: 3, committed: true });
        expect(await heads()).toEqual([GB18030_NAME, '李秀英', '张国强']);
      });

      it('reads a UTF-8 file longer than the detection sample, with a character cut at its end', async () => {
        const t: Table = { headers: VALID.households.headers, rows: [] };
        const base = VALID.households.rows[1]!;
        for (let i = 0; i < 700; i++) {
          const r = [...base];
          r[0] = `52242510020180${String(i).padStart(5, '0')}`;
          r[3] = '李秀英'.repeat(1 + (i % 5));
          r[4] = idNumber('522425', '19600101', String(100 + i).padStart(3, '0'));
          t.rows.push(r);
        }
        // Pad the first name until byte 65536 (the first after the sample) is inside a character.
        let file = '';
        for (let pad = 0; pad < 40; pad++) {
          file = csv(withCell(t, 0, '户主姓名', `${'a'.repeat(pad)}李秀英`));
          const byte = readFileSync(file)[65536]!;
          if (byte >= 0x80 && byte < 0xc0) break;
        }
        const bytes = readFileSync(file);
        expect(bytes[65536]! >= 0x80 && bytes[65536]! < 0xc0).toBe(true);
        const r = await importFile(store, 'households', file, { today: TODAY, dryRun: true });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ encoding: 'utf-8', rows: 700, inserted: 700 });
      });
    });

    describe('.xlsx', () => {
      let store: Store;
      beforeAll(async () => {
        store = await open(['areas']);
        stores.push(store);
      });

      it('reads households under a title row and a merged two-row header, with number cells', async () => {
        const r = await importFile(store, 'households', join(FIXTURES, XLSX_FIXTURES.households.file), { today: TODAY });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ format: 'xlsx', rows: 3, inserted: 3, updated: 0, committed: true, ignoredColumns: [] });
        expect(r.encoding).toBeUndefined();
        expect(await stored(store, 'households')).toEqual(STORED.households.rows);
      });

      it('reads members under a title row', async () => {
        const r = await importFile(store, 'members', join(FIXTURES, XLSX_FIXTURES.members.file), { today: TODAY });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ format: 'xlsx', rows: 5, inserted: 5, committed: true });
        expect(await stored(store, 'members')).toEqual(STORED.members.rows);
      });

      it('reads visits with Date cells, a day serial and a text date, under a group header that is also an alias ("走访人")', async () => {
        const r = await importFile(store, 'visits', join(FIXTURES, XLSX_FIXTURES.visits.file), { today: TODAY });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ format: 'xlsx', rows: 3, inserted: 3, committed: true });
        expect(await stored(store, 'visits')).toEqual(STORED.visits.rows);
      });

      it('reads a workbook whose xl/workbook.xml comes after its shared strings and sheet', async () => {
        const store2 = await open(['areas', 'households']);
        stores.push(store2);
        const r = await importFile(store2, 'visits', join(FIXTURES, LATE_WORKBOOK_FIXTURE), { today: TODAY });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ format: 'xlsx', rows: 3, inserted: 3, committed: true, headerRow: 3 });
        expect(await stored(store2, 'visits')).toEqual(STORED.visits.rows);
      });

      it('reads a two-row header whose upper row alone names few columns', async () => {
        const t = XLSX_FIXTURES.households.table();
        const file = join(tmp.dir, 'households-all-grouped.xlsx');
        const groups = [
          { title: '基本情况', headers: t.headers.slice(1, 8) },
          { title: '致贫原因与状态', headers: t.headers.slice(8, 16) },
          { title: '其他', headers: t.headers.slice(16) },
        ];
        expect(await writeXlsx(file, t, { groups })).toBe(2);
        const r = await importFile(store, 'households', file, { today: TODAY, dryRun: true });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ rows: 3, headerRow: 2, ignoredColumns: [] });
        // A header that is complete in one row is not combined with the row below it.
        const plain = join(tmp.dir, 'households-plain.xlsx');
        expect(await writeXlsx(plain, t)).toBe(1);
        expect(await importFile(store, 'households', plain, { today: TODAY, dryRun: true })).toMatchObject({ rows: 3, headerRow: 1, problems: [] });
        // Nor is a header with optional columns missing, when the next row is data.
        const partial = join(tmp.dir, 'households-partial.xlsx');
        await writeXlsx(partial, withoutColumns(t, '联系电话', '识别标准'));
        expect(await importFile(store, 'households', partial, { today: TODAY, dryRun: true })).toMatchObject({ rows: 3, headerRow: 1, problems: [] });
      });

      it('the committed .xlsx fixtures match the builder', async () => {
        for (const f of Object.values(XLSX_FIXTURES)) {
          const [data] = await readXlsx(join(FIXTURES, f.file));
          const table = f.table();
          const rows = [...data!.rows.entries()].filter(([row]) => row > f.headerRow);
          expect(rows.map(([, cells]) => cells.map((c) => (c === undefined ? null : c)))).toEqual(
            table.rows.map((r) => {
              const cells = r.map((c) => (c === '' ? null : c));
              while (cells.length && cells[cells.length - 1] === null) cells.pop();
              return cells;
            }),
          );
        }
      });

      it('reports problems by worksheet row and column letter', async () => {
        const t = withCell(withCell(XLSX_FIXTURES.households.table(), 1, '家庭人口数', 31), 2, '户主身份证号', `${IDS.zhangGuoqiang.slice(0, 17)}0`);
        const file = join(tmp.dir, 'bad-households.xlsx');
        const headerRow = await writeXlsx(file, t, XLSX_FIXTURES.households.layout);
        expect(headerRow).toBe(3);
        const before = await stored(store, 'households');
        const r = await importFile(store, 'households', file, { today: TODAY });
        expect(r.problems.map(inEnglish)).toEqual([
          { row: 5, column: '家庭人口数 (F)', value: '31', message: 'more than 30' },
          { row: 6, column: '户主身份证号 (E)', value: '522425********0110', message: expect.stringMatching(/check character/) },
        ]);
        expect(r.committed).toBe(false);
        expect(await stored(store, 'households')).toEqual(before);
      });

      it('reads only the first worksheet', async () => {
        const file = join(tmp.dir, 'with-notes.xlsx');
        await writeXlsx(file, VALID.meetings, {
          notes: [
            ['村区划代码', '会议类型', '会议日期'],
            [VILLAGE, '专题会', 'bad date'],
          ],
        });
        const r = await importFile(store, 'meetings', file, { today: TODAY, dryRun: true });
        expect(r.problems).toEqual([]);
        expect(r.rows).toBe(2);
      });
    });

    describe('rejected rows', () => {
      let store: Store;
      beforeAll(async () => {
        store = await open(ORDER);
        stores.push(store);
      });

      /** Imports a file that must be rejected: nothing changes, and the problems are returned. */
      const rejected = async (kind: KindName, table: Table, options: { today?: string; maxProblems?: number } = {}) => {
        const before = await stored(store, TABLE[kind]);
        const report = await importFile(store, kind, csv(table), { today: TODAY, ...options });
        expect(report.committed).toBe(false);
        expect(report.problems.length).toBeGreaterThan(0);
        expect(await stored(store, TABLE[kind])).toEqual(before);
        return report;
      };
      const problems = async (kind: KindName, table: Table, options: { today?: string } = {}) => (await rejected(kind, table, options)).problems.map(inEnglish);

      it('a required cell that is empty', async () => {
        expect(await problems('households', withCell(VALID.households, 1, '户主姓名', ''))).toEqual([
          { row: 3, column: '户主姓名 (D)', value: '', message: 'required, but empty' },
        ]);
        expect(await problems('visits', withCell(VALID.visits, 2, '走访日期', '  '))).toEqual([{ row: 4, column: '走访日期 (E)', value: '  ', message: 'required, but empty' }]);
      });

      it('a bad ID number, shown masked and never in full anywhere in the report', async () => {
        const bad = `${IDS.wangDashan.slice(0, 17)}X`;
        const report = await rejected('households', withCell(VALID.households, 0, '户主身份证号', bad));
        expect(report.problems.map(inEnglish)).toEqual([
          { row: 2, column: '户主身份证号 (E)', value: '522425********001X', message: 'the check character (last character) does not match: a digit is mistyped' },
        ]);
        const impossible = idNumber('522425', '19990229', '001');
        const report2 = await rejected('members', withCell(VALID.members, 2, '身份证号', impossible));
        expect(report2.problems.map(inEnglish)).toEqual([
          { row: 4, column: '身份证号 (C)', value: `522425********${impossible.slice(-4)}`, message: expect.stringMatching(/birth date.*not a real date/) },
        ]);
        const future = idNumber('522425', '20210701', '001');
        const report3 = await rejected('members', withCell(VALID.members, 2, '身份证号', future));
        expect(report3.problems.map(inEnglish)).toEqual([
          { row: 4, column: '身份证号 (C)', value: `522425********${future.slice(-4)}`, message: expect.stringMatching(/birth date.*future/) },
        ]);
        for (const [r, id] of [
          [report, bad],
          [report2, impossible],
          [report3, future],
        ] as const) {
          const text = JSON.stringify(r);
          expect(text).not.toContain(id);
          expect(text).not.toContain(id.slice(6, 14)); // the birth date digits the mask hides
          expect(text).not.toContain(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
        }
        // A short one is all stars.
        expect(await problems('visits', withCell(VALID.visits, 0, '走访人身份证号', '5224251980'))).toEqual([
          { row: 2, column: '走访人身份证号 (D)', value: '**********', message: expect.stringMatching(/18 characters/) },
        ]);
      });

      it("a sex that contradicts the ID number's 17th digit", async () => {
        expect(await problems('members', withCell(VALID.members, 1, '性别', '男'))).toEqual([
          { row: 3, column: '性别 (D)', value: '男', message: "the ID number's 17th digit says female (even), the record says male" },
        ]);
        expect(await problems('members', withCell(VALID.members, 0, '性别', 'F'))).toEqual([
          { row: 2, column: '性别 (D)', value: 'F', message: "the ID number's 17th digit says male (odd), the record says female" },
        ]);
      });

      it('a bad date, and a date in the future', async () => {
        expect(await problems('visits', withCell(VALID.visits, 0, '走访日期', '2020-02-30'))).toEqual([
          { row: 2, column: '走访日期 (E)', value: '2020-02-30', message: 'not a date (write 2020-03-05)' },
        ]);
        expect(await problems('helpers', withCell(VALID.helpers, 2, '帮扶结束日期', '2019年13月1日'))).toEqual([
          { row: 4, column: '帮扶结束日期 (H)', value: '2019年13月1日', message: 'not a date (write 2020-03-05)' },
        ]);
        expect(await problems('visits', withCell(VALID.visits, 1, '走访日期', '2021-07-01'))).toEqual([
          { row: 3, column: '走访日期 (E)', value: '2021-07-01', message: 'a date in the future' },
        ]);
        // "today" decides: the same file is fine a day later
        const file = withCell(VALID.visits, 1, '走访日期', '2021-07-01');
        expect((await importFile(store, 'visits', csv(file), { today: '2021-07-01', dryRun: true })).problems).toEqual([]);
      });

      it('not a whole number, and out of range', async () => {
        expect(await problems('households', withCell(VALID.households, 2, '家庭人口数', '1.5'))).toEqual([
          { row: 4, column: '家庭人口数 (F)', value: '1.5', message: 'not a whole number' },
        ]);
        expect(await problems('meetings', withCell(VALID.meetings, 0, '参会人数', '八'))).toEqual([{ row: 2, column: '参会人数 (F)', value: '八', message: 'not a whole number' }]);
        expect(await problems('households', withCell(VALID.households, 0, '家庭人口数', '31'))).toEqual([
          { row: 2, column: '家庭人口数 (F)', value: '31', message: 'more than 30' },
        ]);
        expect(await problems('households', withCell(VALID.households, 2, '劳动力人数', '-1'))).toEqual([
          { row: 4, column: '劳动力人数 (G)', value: '-1', message: 'less than 0' },
        ]);
        expect(await problems('duty-days', withCell(VALID['duty-days'], 1, '在岗天数', '32'))).toEqual([{ row: 3, column: '在岗天数 (E)', value: '32', message: 'more than 31' }]);
        expect(await problems('households', withCell(VALID.households, 0, '年度', '1900'))).toEqual([{ row: 2, column: '年度 (C)', value: '1900', message: 'not a year' }]);
      });

      it('a value not in the code list, versioned by the record year', async () => {
        expect(await problems('households', withCell(VALID.households, 0, '主要致贫原因', '因穷'))).toEqual([
          {
            row: 2,
            column: '主要致贫原因 (J)',
            value: '因穷',
            message: 'not in the code list (因病、因残、因学、因灾、缺土地、缺水、缺技术、缺劳力、缺资金、交通条件落后、自身发展动力不足、其他、因疫)',
          },
        ]);
        expect(await problems('households', withCell(VALID.households, 1, '贫困户属性', '五保贫困户'))).toEqual([
          { row: 3, column: '贫困户属性 (I)', value: '五保贫困户', message: 'not in the code list (一般贫困户、低保贫困户、特困供养贫困户)' },
        ]);
        expect(await problems('households', withCell(withCell(VALID.households, 2, '年度', '2015'), 2, '脱贫年度', ''))).toEqual([
          { row: 4, column: '贫困户属性 (I)', value: '特困供养贫困户', message: 'not in the code list (一般贫困户、低保贫困户、五保贫困户)' },
        ]);
        // 五保贫困户 in a 2015 record is right.
        const ok2015 = withCell(withCell(VALID.households, 1, '年度', '2015'), 1, '贫困户属性', '五保贫困户');
        expect((await importFile(store, 'households', csv(ok2015), { today: TODAY, dryRun: true })).problems).toEqual([]);
        expect(await problems('households', withCell(VALID.households, 0, '其他致贫原因', '缺技术、缺钱'))).toEqual([
          { row: 2, column: '其他致贫原因 (K)', value: '缺技术、缺钱', message: expect.stringMatching(/^"缺钱" is not in the code list/) },
        ]);
        expect(await problems('members', withCell(VALID.members, 1, '与户主关系', '老伴'))).toEqual([
          { row: 3, column: '与户主关系 (E)', value: '老伴', message: expect.stringMatching(/^not in the code list \(户主、配偶、/) },
        ]);
        expect(await problems('reports', withCell(VALID.reports, 0, '报送情况', '已报'))).toEqual([
          { row: 2, column: '报送情况 (E)', value: '已报', message: 'not one of 按时、延报、错报、未报' },
        ]);
      });

      it('an unknown village, or an area that is not a village', async () => {
        expect(await problems('households', withCell(VALID.households, 0, '村区划代码', '522425100299'))).toEqual([
          { row: 2, column: '村区划代码 (B)', value: '522425100299', message: 'no such village in the registry (import areas first)' },
        ]);
        expect(await problems('meetings', withCell(VALID.meetings, 1, '村区划代码', TOWNSHIP))).toEqual([
          { row: 3, column: '村区划代码 (A)', value: TOWNSHIP, message: `${TOWNSHIP} is a township, not a village` },
        ]);
      });

      it('an unknown household', async () => {
        expect(await problems('members', withCell(VALID.members, 3, '户编号', '5224251002019999'))).toEqual([
          { row: 5, column: '户编号 (A)', value: '5224251002019999', message: 'no such household in the registry (import households first)' },
        ]);
        expect(await problems('petitions', withCell(VALID.petitions, 1, '户编号', 'X1'))).toEqual([
          { row: 3, column: '户编号 (B)', value: 'X1', message: 'no such household in the registry (import households first)' },
        ]);
      });

      it('an area whose parent is missing, below it, or of the wrong level', async () => {
        const t = VALID.areas;
        const newVillage = [...t.rows[2]!];
        newVillage[0] = '522425100203';
        expect(await problems('areas', withRows(t, withCell({ headers: t.headers, rows: [newVillage] }, 0, '上级区划代码', '522425200000').rows[0]!))).toEqual([
          { row: 6, column: '上级区划代码 (D)', value: '522425200000', message: 'no such area in the registry or in the rows above' },
        ]);
        expect(await problems('areas', withRows(t, withCell({ headers: t.headers, rows: [newVillage] }, 0, '上级区划代码', COUNTY).rows[0]!))).toEqual([
          { row: 6, column: '上级区划代码 (D)', value: COUNTY, message: 'the parent of a village must be a township, not a county' },
        ]);
        // A township and its village in one file: the township must come first.
        const township = ['522425101000', '新店镇', '乡镇', COUNTY, '', '', '', ''];
        const village = ['522425101201', '新店村', '村', '522425101000', '是', '2020', '', ''];
        expect((await importFile(store, 'areas', csv({ headers: t.headers, rows: [township, village] }), { today: TODAY, dryRun: true })).problems).toEqual([]);
        expect(await problems('areas', { headers: t.headers, rows: [village, township] })).toEqual([
          { row: 2, column: '上级区划代码 (D)', value: '522425101000', message: 'no such area in the registry or in the rows above' },
        ]);
        expect(await problems('areas', withCell(t, 1, '上级区划代码', ''))).toEqual([
          { row: 3, column: '上级区划代码 (D)', value: '', message: 'a township or village needs its parent' },
        ]);
      });

      it('a duplicate key within the file', async () => {
        const again = withCell(VALID.households, 0, '家庭人口数', '5').rows[0]!;
        expect(await problems('households', withRows(VALID.households, again))).toEqual([{ row: 5, column: '户编号 (A)', value: H1, message: 'duplicate of row 2' }]);
        expect(await problems('visits', withRows(VALID.visits, [H1, '帮扶责任人', '李明', '', '2020/3/5', '又一次']))).toEqual([
          { row: 5, column: '户编号 (A) + 走访人姓名 (C) + 走访日期 (E)', value: `${H1} / 李明 / 2020-03-05`, message: 'duplicate of row 2' },
        ]);
        // A key with an ID number: masked; a lower-case x is the same number.
        const dupMember = withRows(VALID.members, withCell(VALID.members, 1, '身份证号', IDS.chenGuihua.toLowerCase()).rows[1]!);
        expect(await problems('members', dupMember)).toEqual([
          { row: 7, column: '身份证号 (C)', value: `522425********${IDS.chenGuihua.slice(-4)}`, message: 'duplicate of row 3' },
        ]);
      });

      it('a head ID number that is already the head of another household', async () => {
        const h4 = withCell(withCell(VALID.households, 1, '户编号', '5224251002010004'), 1, '户主身份证号', IDS.wangDashan).rows[1]!;
        expect(await problems('households', { headers: VALID.households.headers, rows: [h4] })).toEqual([
          { row: 2, column: '户主身份证号 (E)', value: `522425********${IDS.wangDashan.slice(-4)}`, message: `already the head of household ${H1} in the registry` },
        ]);
        const h5 = withCell(withCell(VALID.households, 1, '户编号', '5224251002010005'), 1, '户主身份证号', IDS.chenGuihua).rows[1]!;
        const h6 = withCell(withCell(VALID.households, 1, '户编号', '5224251002010006'), 1, '户主身份证号', IDS.chenGuihua).rows[1]!;
        expect(await problems('households', { headers: VALID.households.headers, rows: [h5, h6] })).toEqual([
          { row: 3, column: '户主身份证号 (E)', value: `522425********${IDS.chenGuihua.slice(-4)}`, message: 'the same head ID number as row 2' },
        ]);
      });

      it('checks across the fields of a record', async () => {
        expect(await problems('households', withCell(VALID.households, 1, '劳动力人数', '5'))).toEqual([
          { row: 3, column: '劳动力人数 (G)', value: '5', message: 'more than the household size (3)' },
        ]);
        expect(await problems('households', withCell(VALID.households, 0, '脱贫年度', ''))).toEqual([
          { row: 2, column: '脱贫年度 (O)', value: '', message: 'an exited household needs its exit year' },
        ]);
        expect(await problems('households', withCell(VALID.households, 1, '脱贫年度', '2020'))).toEqual([
          { row: 3, column: '脱贫年度 (O)', value: '2020', message: 'a household that has not exited has no exit year' },
        ]);
        expect(await problems('households', withCell(VALID.households, 2, '其他致贫原因', '缺劳力'))).toEqual([
          { row: 4, column: '其他致贫原因 (K)', value: '缺劳力', message: 'repeats the main cause' },
        ]);
        expect(await problems('households', withCell(VALID.households, 0, '脱贫年度', '2013'))).toEqual([
          { row: 2, column: '脱贫年度 (O)', value: '2013', message: 'before the year identified (2014)' },
        ]);
        expect(await problems('reports', withCell(VALID.reports, 0, '报送日期', '2020-04-06'))).toEqual([
          { row: 2, column: '报送情况 (E)', value: '按时', message: 'marked 按时 but submitted after the deadline (2020-04-05)' },
        ]);
        expect(await problems('reports', withCell(VALID.reports, 1, '报送日期', '2020-05-05'))).toEqual([
          { row: 3, column: '报送情况 (E)', value: '延报', message: 'marked 延报 but submitted by the deadline (2020-05-05)' },
        ]);
        expect(await problems('reports', withCell(VALID.reports, 2, '报送日期', '2020-06-01'))).toEqual([
          { row: 4, column: '报送情况 (E)', value: '未报', message: 'marked 未报 but has a submission date' },
        ]);
        expect(await problems('reports', withCell(VALID.reports, 3, '报送日期', ''))).toEqual([
          { row: 5, column: '报送日期 (D)', value: '', message: 'a submitted report needs its date' },
        ]);
        expect(await problems('surveys', withCell(VALID.surveys, 2, '回答', '满意'))).toEqual([
          { row: 4, column: '回答 (F)', value: '满意', message: 'a policy-awareness answer is 知晓 or 不知晓' },
        ]);
        expect(await problems('surveys', withCell(VALID.surveys, 0, '回答', '知道'))).toEqual([
          { row: 2, column: '回答 (F)', value: '知道', message: 'a satisfaction answer is 满意, 基本满意 or 不满意' },
        ]);
        expect(await problems('duty-days', withCell(VALID['duty-days'], 0, '月份', '2019-02'))).toEqual([
          { row: 2, column: '在岗天数 (E)', value: '29', message: 'more than the 28 days of 2019-02' },
        ]);
        expect(await problems('duty-days', withCell(withCell(VALID['duty-days'], 2, '月份', '2020-04'), 2, '在岗天数', '31'))).toEqual([
          { row: 4, column: '在岗天数 (E)', value: '31', message: 'more than the 30 days of 2020-04' },
        ]);
        // Approved leave and official trips count as on duty, within the month's days.
        expect(await problems('duty-days', withCell(VALID['duty-days'], 1, '请假天数', '9'))).toEqual([
          { row: 3, column: '请假天数 (F)', value: '9', message: 'days on duty, leave and trips add up to 32, more than the 31 days of 2020-03' },
        ]);
        expect(await problems('helpers', withCell(VALID.helpers, 2, '帮扶结束日期', '2017-04-30'))).toEqual([
          { row: 4, column: '帮扶结束日期 (H)', value: '2017-04-30', message: 'earlier than the start (2017-05-01)' },
        ]);
        expect(await problems('areas', withCell(VALID.areas, 3, '出列年度', '2020'))).toEqual([
          { row: 5, column: '出列年度 (G)', value: '2020', message: 'only a poverty village exits' },
        ]);
        expect(await problems('code-lists', withCell(VALID['code-lists'], 0, '截止年度', '2019'))).toEqual([
          { row: 2, column: '截止年度 (F)', value: '2019', message: 'before the start year' },
        ]);
      });

      it('names a column the check needs that the file does not have', async () => {
        expect(await problems('households', withoutColumns(VALID.households, '脱贫年度'))).toEqual([
          { row: 2, column: '脱贫年度 (not in the file)', value: '', message: 'an exited household needs its exit year' },
        ]);
      });

      it('reports every problem of the file, row by row, and stops after maxProblems', async () => {
        const t = withCell(withCell(withCell(VALID.households, 0, '户主姓名', ''), 0, '家庭人口数', 'x'), 2, '村区划代码', '522425100299');
        expect(await problems('households', t)).toEqual([
          { row: 2, column: '户主姓名 (D)', value: '', message: 'required, but empty' },
          { row: 2, column: '家庭人口数 (F)', value: 'x', message: 'not a whole number' },
          { row: 4, column: '村区划代码 (B)', value: '522425100299', message: 'no such village in the registry (import areas first)' },
        ]);
        const many = bigHouseholds(50, false);
        many.rows.forEach((r) => (r[5] = '0'));
        const report = await rejected('households', many, { maxProblems: 10 });
        expect(report.problems).toHaveLength(10);
        expect(report.truncated).toBe(true);
        expect(report.rows).toBe(50);
        expect(report.problems.map((p) => p.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      });
    });

    describe('the file as a whole', () => {
      let store: Store;
      beforeAll(async () => {
        store = await open(['areas', 'households']);
        stores.push(store);
      });

      const refused = async (kind: string, file: string, code: string, message?: RegExp) => {
        const before = await count(store, 'households');
        const error = await importFile(store, kind, file, { today: TODAY }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(KaoheError);
        expect((error as KaoheError).code).toBe(code);
        if (message) expect((error as KaoheError).message).toMatch(message);
        expect(await count(store, 'households')).toBe(before);
        return error as KaoheError;
      };

      it('a missing required column', async () => {
        const e = await refused('households', csv(withoutColumns(VALID.households, '户主身份证号')), 'missing-columns', /row 1 lacks required column 「户主身份证号」/);
        expect(e.message).toContain('kaohe template households');
        await refused(
          'households',
          csv(withoutColumns(VALID.households, '户主身份证号', '贫困户属性')),
          'missing-columns',
          /lacks required columns 「户主身份证号」、「贫困户属性」/,
        );
      });

      it('no header row at all', async () => {
        await refused('households', csv({ headers: ['a', 'b', 'c'], rows: [['1', '2', '3']] }), 'missing-header', /no header row/);
        const empty = join(tmp.dir, 'empty.csv');
        writeFileSync(empty, '');
        await refused('households', empty, 'empty-file', /empty\.csv: the file is empty: it has no rows$/);
        // A members sheet is not a households sheet.
        await refused('households', csv(VALID.visits), 'missing-header');
      });

      it('the old .xls format, and other extensions', async () => {
        const xls = join(tmp.dir, 'households.xls');
        writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
        await refused('households', xls, 'unsupported-format', /\.xls format is not read; save it as \.xlsx or \.csv/);
        const ods = join(tmp.dir, 'households.ods');
        writeFileSync(ods, 'x');
        await refused('households', ods, 'unsupported-format');
      });

      it('a file that cannot be read', async () => {
        await refused('households', join(tmp.dir, 'no-such-file.csv'), 'unreadable-file', /ENOENT/);
        const corrupt = join(tmp.dir, 'corrupt.xlsx');
        writeFileSync(corrupt, 'this is not a zip file at all');
        await refused('households', corrupt, 'unreadable-xlsx');
        const unclosed = join(tmp.dir, 'unclosed.csv');
        writeFileSync(unclosed, `${VALID.households.headers.join(',')}\n${H1},"${VILLAGE},2020\n`);
        await refused('households', unclosed, 'unreadable-csv');
      });

      it('an unknown kind', async () => {
        await refused('hosueholds', csv(VALID.households), 'unknown-kind', /no record kind "hosueholds"/);
      });

      it('ignores columns it does not know, and reads headers loosely (spaces, brackets, *, aliases)', async () => {
        const t: Table = {
          headers: ['序号', '*户编号', '村 代 码', '年度', '户主', '身份证号码', '家庭人口', '贫困户属性', '致贫原因', '脱贫状态', '人均纯收入(元)', '备注'],
          rows: [['1', H2, VILLAGE, '2020', '李秀英', IDS.liXiuying, '3', '低保贫困户', '因残', '未脱贫', '3,100.00', '无']],
        };
        const r = await importFile(store, 'households', csv(t), { today: TODAY, dryRun: true });
        expect(r.problems).toEqual([]);
        expect(r).toMatchObject({ rows: 1, updated: 1, inserted: 0, ignoredColumns: ['序号', '备注'] });
      });

      it('numbers a record by the line it starts on, when quoted cells hold line breaks', async () => {
        const file = join(tmp.dir, 'multiline.csv');
        writeFileSync(
          file,
          [
            VALID.visits.headers.join(','),
            `${H1},帮扶责任人,李明,,2020-03-05,"第一行\r\n第二行"`,
            `${H2},帮扶责任人,李明,,2020-02-30,x`,
            '',
            `${H1},工作队长,张伟,,2020-13-01,"a\nb\nc"`,
            `${H2},工作队长,张伟,,2020-03-99,y`,
          ].join('\r\n') + '\r\n',
        );
        const r = await importFile(store, 'visits', file, { today: TODAY });
        expect(r.rows).toBe(4);
        expect(r.problems.map(inEnglish)).toEqual([
          { row: 4, column: '走访日期 (E)', value: '2020-02-30', message: 'not a date (write 2020-03-05)' },
          { row: 6, column: '走访日期 (E)', value: '2020-13-01', message: 'not a date (write 2020-03-05)' },
          { row: 9, column: '走访日期 (E)', value: '2020-03-99', message: 'not a date (write 2020-03-05)' },
        ]);
      });

      it('skips empty lines and rows, counting rows as the file numbers them', async () => {
        const text = `${csvText(VALID.visits).replace(/\r\n/g, '\n').trim().split('\n').join('\n\n,,,,,\n')}\n`;
        const file = join(tmp.dir, 'gaps.csv');
        writeFileSync(file, text.replace(`${H1},工作队长`, `${H1},队长`).replace('2020-03-10', '2020-03-99'));
        const r = await importFile(store, 'visits', file, { today: TODAY });
        expect(r.rows).toBe(3);
        expect(r.problems.map(inEnglish)).toEqual([{ row: 10, column: '走访日期 (E)', value: '2020-03-99', message: 'not a date (write 2020-03-05)' }]);
      });
    });

    describe('writing', () => {
      it('is all or nothing: 20,000 rows whose last is bad change nothing', async () => {
        const store = await open(['areas', 'households']);
        stores.push(store);
        const before = await stored(store, 'households');
        const file = csv(bigHouseholds(20_000, true));
        const progress: number[] = [];
        const r = await importFile(store, 'households', file, { today: TODAY, onProgress: (p) => progress.push(p.rows) });
        expect(r).toMatchObject({ rows: 20_000, committed: false, inserted: 0, updated: 0 });
        expect(r.problems.map(inEnglish)).toEqual([{ row: 20_001, column: '家庭人口数 (F)', value: '0', message: 'less than 1' }]);
        expect(await count(store, 'households')).toBe(3);
        expect(await stored(store, 'households')).toEqual(before);
        expect(progress).toEqual([10_000, 20_000, 20_000]);

        // The same file without the bad row goes in whole.
        const good = csv(bigHouseholds(20_000, false));
        const ok = await importFile(store, 'households', good, { today: TODAY });
        expect(ok).toMatchObject({ rows: 20_000, committed: true, inserted: 20_000, updated: 0 });
        expect(await count(store, 'households')).toBe(20_003);
      });

      it('a dry run validates and counts, and writes nothing', async () => {
        const store = await open(['areas']);
        stores.push(store);
        const dry = await importFile(store, 'households', csv(VALID.households), { today: TODAY, dryRun: true });
        expect(dry).toMatchObject({ rows: 3, inserted: 3, updated: 0, problems: [], dryRun: true, committed: false });
        expect(await count(store, 'households')).toBe(0);
        // Parents of a dry run are not written either.
        await seed(store, tmp.dir, ['households']);
        const dryHelpers = await importFile(store, 'helpers', csv(VALID.helpers), { today: TODAY, dryRun: true });
        expect(dryHelpers).toMatchObject({ rows: 3, inserted: 3, committed: false });
        expect(await count(store, 'helpers')).toBe(0);
        expect(await count(store, 'helper_assignments')).toBe(0);
        // A dry run of a file already imported counts updates.
        const again = await importFile(store, 'households', csv(withRows(VALID.households, bigHouseholds(1, false).rows[0]!)), { today: TODAY, dryRun: true });
        expect(again).toMatchObject({ rows: 4, inserted: 1, updated: 3, committed: false });
        expect(await count(store, 'households')).toBe(3);
        // A dry run reports problems the same way.
        const bad = await importFile(store, 'households', csv(withCell(VALID.households, 0, '年度', '20')), { today: TODAY, dryRun: true });
        expect(bad.problems.map(inEnglish)).toEqual([{ row: 2, column: '年度 (C)', value: '20', message: 'not a year' }]);
      });

      it('re-importing the same file inserts nothing and updates every row; a changed value is updated', async () => {
        const store = await open(ORDER);
        stores.push(store);
        for (const kind of ORDER) {
          const table = TABLE[kind];
          const before = await stored(store, table);
          const parents = kind === 'helpers' ? await count(store, 'helpers') : kind === 'team-members' ? await count(store, 'work_teams') : 0;
          // Each row's key found in the table (a key of several columns, of dates and ids): an update; a dry run counts the same,
          // the table's keys read whole or the file's asked for.
          for (const wholeTableAt of [4, 0]) {
            existingKeysTuning.wholeTableAt = wholeTableAt;
            try {
              const dry = await importFile(store, kind, csv(VALID[kind]), { today: TODAY, dryRun: true });
              expect(dry, `${kind}, ${wholeTableAt}`).toMatchObject({ rows: VALID[kind].rows.length, inserted: 0, updated: VALID[kind].rows.length, committed: false });
            } finally {
              existingKeysTuning.wholeTableAt = 4;
            }
          }
          const r = await importFile(store, kind, csv(VALID[kind]), { today: TODAY });
          expect(r, kind).toMatchObject({ rows: VALID[kind].rows.length, inserted: 0, updated: VALID[kind].rows.length, committed: true });
          expect(await stored(store, table), kind).toEqual(before);
          if (kind === 'helpers') expect(await count(store, 'helpers')).toBe(parents);
          if (kind === 'team-members') expect(await count(store, 'work_teams')).toBe(parents);
        }

        const changed = withCell(withCell(VALID.households, 1, '家庭人口数', '4'), 1, '联系电话', '13912345678');
        const r = await importFile(store, 'households', csv(withRows(changed, bigHouseholds(2, false).rows[0]!, bigHouseholds(2, false).rows[1]!)), { today: TODAY });
        expect(r).toMatchObject({ rows: 5, inserted: 2, updated: 3, committed: true });
        const h2 = (await stored(store, 'households')).find((h) => h.household_no === H2);
        expect(h2).toMatchObject({ size: 4, phone: '13912345678', head_name: '李秀英' });
        // Households keep their ids, so their members still point at them.
        expect(await stored(store, 'members')).toEqual(STORED.members.rows);

        // A helper's details live once, in the helpers table: the latest file's values.
        const moved = withCell(withCell(VALID.helpers, 0, '工作单位', '县扶贫办'), 1, '工作单位', '县扶贫办');
        expect(await importFile(store, 'helpers', csv(moved), { today: TODAY })).toMatchObject({ inserted: 0, updated: 3 });
        expect((await stored(store, 'helpers', ['id_number', 'unit'])).find((h) => h.id_number === IDS.liMing)).toEqual({ id_number: IDS.liMing, unit: '县扶贫办' });

        // A team member who changes role keeps one row.
        const promoted = withCell(VALID['team-members'], 1, '职务', '队长');
        expect(await importFile(store, 'team-members', csv(promoted), { today: TODAY })).toMatchObject({ inserted: 0, updated: 3 });
        expect((await stored(store, 'team_members', ['name', 'is_leader', 'is_first_secretary'])).find((m) => m.name === '赵磊')).toEqual({
          name: '赵磊',
          is_leader: 1,
          is_first_secretary: 0,
        });
      });

      it('a row whose parent is written in the same file counts its own insert', async () => {
        const store = await open(['areas', 'households']);
        stores.push(store);
        const r = await importFile(store, 'helpers', csv(VALID.helpers), { today: TODAY });
        expect(r).toMatchObject({ inserted: 3, updated: 0, committed: true });
        const more = withRows(VALID.helpers, [IDS.liMing, '李明', '县教育局', '科员', '13900000000', H3, '2020-01-01', '']);
        // A helper new to the registry: its rows are new too. The parents (helpers, work teams) read
        // whole and asked for by the file's keys count alike.
        const newHelper = withRows(more, [IDS.wuFang, '吴芳', '县财政局', '科员', '', H1, '2021-01-01', ''], [IDS.wuFang, '吴芳', '县财政局', '科员', '', H2, '2021-01-01', '']);
        const newTeam = withRows(VALID['team-members'], [VILLAGE2, '县林业局', '王军', IDS.zhaoLei, '队员', '', '2021-01-01', '']);
        for (const wholeTableAt of [4, 0]) {
          existingKeysTuning.wholeTableAt = wholeTableAt;
          try {
            expect(await importFile(store, 'helpers', csv(newHelper), { today: TODAY, dryRun: true }), `${wholeTableAt}`).toMatchObject({ inserted: 3, updated: 3 });
            expect(await importFile(store, 'team-members', csv(VALID['team-members']), { today: TODAY, dryRun: true }), `${wholeTableAt}`).toMatchObject({
              inserted: 3,
              updated: 0,
            });
          } finally {
            existingKeysTuning.wholeTableAt = 4;
          }
        }
        expect(await importFile(store, 'helpers', csv(more), { today: TODAY })).toMatchObject({ inserted: 1, updated: 3 });
        expect(await count(store, 'helpers')).toBe(2);
        expect(await count(store, 'helper_assignments')).toBe(4);
        expect(await importFile(store, 'team-members', csv(VALID['team-members']), { today: TODAY })).toMatchObject({ inserted: 3, updated: 0 });
        for (const wholeTableAt of [4, 0]) {
          existingKeysTuning.wholeTableAt = wholeTableAt;
          try {
            expect(await importFile(store, 'helpers', csv(newHelper), { today: TODAY, dryRun: true }), `${wholeTableAt}`).toMatchObject({ inserted: 2, updated: 4 });
            expect(await importFile(store, 'team-members', csv(newTeam), { today: TODAY, dryRun: true }), `${wholeTableAt}`).toMatchObject({ inserted: 1, updated: 3 });
          } finally {
            existingKeysTuning.wholeTableAt = 4;
          }
        }
      });
    });

    describe('the errors file', () => {
      let store: Store;
      beforeAll(async () => {
        store = await open(['areas', 'households']);
        stores.push(store);
      });

      const errorColumn = (rows: Map<number, unknown[]>, width: number) => new Map([...rows].map(([row, cells]) => [row, cells[width] ?? null]));

      it('copies the file with an error column naming column, value and reason on the rows at fault', async () => {
        const t = withRows(withCell(withCell(withCell(VALID.members, 1, '性别', '男'), 3, '姓名', ''), 3, '与户主关系', '老伴'), [
          H3,
          '张小强',
          'x',
          '男',
          '之子',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
        ]);
        const file = csv(t);
        const report = await importFile(store, 'members', file, { today: TODAY });
        const out = join(tmp.dir, 'members-errors.xlsx');
        await writeErrorsFile(file, out, report.problems);
        const [sheet] = await readXlsx(out);
        expect(sheet!.name).toBe('导入错误');
        const width = t.headers.length;
        expect(sheet!.rows.get(1)).toEqual([...t.headers, '错误']);
        expect(sheet!.rows.get(2)).toEqual(t.rows[0]!.map((v) => (v === '' ? null : v)).concat(Array(width - t.rows[0]!.length).fill(null)));
        expect(errorColumn(sheet!.rows, width)).toEqual(
          new Map<number, unknown>([
            [1, '错误'],
            [2, null],
            [3, '性别 (D): 「男」 身份证号第17位为女（偶数），记录的性别为男'],
            [4, null],
            [5, expect.stringMatching(/^姓名 \(B\): 必填，但为空；与户主关系 \(E\): 「老伴」 不在代码表中（户主、/)],
            [6, null],
            [7, '身份证号 (C): 「*」 身份证号应为18位：17位数字加1位数字或X'],
          ]),
        );
        // The data cells are copied as read.
        expect(sheet!.rows.get(3)!.slice(0, 3)).toEqual([H1, '陈桂花', IDS.chenGuihua]);
        // Each bad cell itself is filled, with its reason as a note; the good ones are not.
        const book = new ExcelJS.Workbook();
        await book.xlsx.readFile(out);
        const ws = book.worksheets[0]!;
        const marked = (ref: string) => {
          const c = ws.getCell(ref);
          const fill = c.fill as { fgColor?: { argb?: string } } | undefined;
          const note = typeof c.note === 'string' ? c.note : (c.note?.texts ?? []).map((t) => t.text).join('');
          return fill?.fgColor?.argb === BAD_FILL ? note : null;
        };
        expect(marked('D3')).toBe('身份证号第17位为女（偶数），记录的性别为男');
        expect(marked('B5')).toBe('必填，但为空');
        expect(marked('E5')).toMatch(/^不在代码表中/);
        expect(marked('C7')).toBe('身份证号应为18位：17位数字加1位数字或X');
        expect(marked('A3')).toBeNull();
        expect(marked('C3')).toBeNull();
      });

      it('puts the error column after the header of an .xlsx with a title row, on the rows of the sheet', async () => {
        const t = withCell(XLSX_FIXTURES.households.table(), 2, '年度', 1900);
        const file = join(tmp.dir, 'households-errors-in.xlsx');
        await writeXlsx(file, t, XLSX_FIXTURES.households.layout);
        const report = await importFile(store, 'households', file, { today: TODAY });
        expect(report.problems.map(inEnglish)).toEqual([{ row: 6, column: '年度 (C)', value: '1900', message: 'not a year' }]);
        const out = join(tmp.dir, 'households-errors.xlsx');
        await writeErrorsFile(file, out, report.problems, { headerRow: report.headerRow });
        const [sheet] = await readXlsx(out);
        const width = t.headers.length;
        const errors = errorColumn(sheet!.rows, width);
        expect(errors.get(3)).toBe('错误');
        expect(errors.get(4)).toBeNull();
        expect(errors.get(6)).toBe('年度 (C): 「1900」 不是年份');
        expect(sheet!.rows.get(1)![0]).toBe(XLSX_FIXTURES.households.layout.title);
        expect(sheet!.rows.get(1)![width] ?? null).toBeNull();
      });

      it('keeps the rows of the file where they are, past empty lines', async () => {
        const text = `\n${csvText(VALID.visits).replace(/\r\n/g, '\n').trim().split('\n').join('\n\n')}\n`;
        const file = join(tmp.dir, 'visits-gaps.csv');
        writeFileSync(file, text.replace('2020-03-10', '2020-03-99'));
        const report = await importFile(store, 'visits', file, { today: TODAY });
        expect(report.headerRow).toBe(2);
        expect(report.problems.map(inEnglish)).toEqual([{ row: 8, column: '走访日期 (E)', value: '2020-03-99', message: 'not a date (write 2020-03-05)' }]);
        const out = join(tmp.dir, 'visits-gaps-errors.xlsx');
        await writeErrorsFile(file, out, report.problems, { headerRow: report.headerRow });
        const [sheet] = await readXlsx(out);
        expect([...sheet!.rows.keys()]).toEqual([2, 4, 6, 8]);
        expect(sheet!.rows.get(2)![6]).toBe('错误');
        expect(sheet!.rows.get(8)!.slice(0, 2)).toEqual([H1, '工作队长']);
        expect(sheet!.rows.get(8)![6]).toBe('走访日期 (E): 「2020-03-99」 不是日期（请写作 2020-03-05）');
      });
    });

    it('imports every kind from the .xlsx an export would write (dates as Date cells, numbers as numbers)', async () => {
      const store = await open();
      stores.push(store);
      for (const kind of ORDER) {
        const t: Table = {
          headers: VALID[kind].headers,
          rows: VALID[kind].rows.map((r) =>
            r.map((v) => {
              if (typeof v !== 'string') return v;
              if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
              if (/^\d{1,6}(\.\d+)?$/.test(v)) return Number(v);
              return v;
            }),
          ),
        };
        const file = join(tmp.dir, `all-${kind}.xlsx`);
        await writeXlsx(file, t);
        const r: ImportReport = await importFile(store, kind, file, { today: TODAY });
        expect(r.problems, kind).toEqual([]);
        expect(r, kind).toMatchObject({ format: 'xlsx', rows: VALID[kind].rows.length, committed: true });
        if (kind !== 'code-lists') expect(await stored(store, STORED[kind].table), kind).toEqual(STORED[kind].rows);
      }
      expect(record(VALID.households, 0)['户编号']).toBe(H1);
    });
  });
}
