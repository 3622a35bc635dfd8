/**
 * `kaohe campaign …` and `kaohe audit …` end to end: the real bin/kaohe as child processes on a
 * SQLite file under KAOHE_DATA_DIR (a temporary directory), filled by `kaohe demo`. The file is
 * read (and, at the end, tampered with) through better-sqlite3 directly.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaoheIn, type Run } from './kaohe-cli.ts';
import { tinyPng } from './campaign-fixtures.ts';
import { filesUnder } from './crash/server-process.ts';

const BAD_EVIDENCE = join(import.meta.dirname, 'fixtures', 'bad-input', 'evidence');

const CAMPAIGN = '2020年度考核';

describe('kaohe campaign and audit (child processes, SQLite)', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-campaign-cli-'));
  const data = join(dir, 'data');
  const photo = join(dir, 'diary-photo.png');
  const notes = join(dir, 'notes.png');
  let V1: string;
  let V2: string;

  const { kaohe, ok } = kaoheIn(dir, data);

  /** Reads the database file (readonly unless told). */
  function db<T>(work: (d: Database.Database) => T, readonly = true): T {
    const d = new Database(join(data, 'kaohe.db'), { readonly });
    try {
      return work(d);
    } finally {
      d.close();
    }
  }
  const one = <T>(query: string, ...params: unknown[]) => db((d) => d.prepare(query).get(...params) as T);
  const all = <T>(query: string, ...params: unknown[]) => db((d) => d.prepare(query).all(...params) as T[]);
  const assessment = (village: string) =>
    one<{ id: number; status: string; total: number; version: number }>(
      'select a.id, a.status, a.total, a.version from assessments a join campaigns c on c.id = a.campaign_id where c.name = ? and a.village_code = ?',
      CAMPAIGN,
      village,
    );
  /** Everything the bad-input cases must leave alone. */
  const state = () =>
    db((d) => ({
      audit: d.prepare('select count(*) n, max(id) last from audit_log').get(),
      findings: d.prepare('select id, status, count from findings order by id').all(),
      evidence: d.prepare('select count(*) n from evidence').get(),
      assessments: d.prepare('select id, status, version, total, team_id from assessments order by id').all(),
      appeals: d.prepare('select id, status from appeals order by id').all(),
      store: filesUnder(join(data, 'evidence')),
    }));

  beforeAll(async () => {
    writeFileSync(photo, tinyPng());
    writeFileSync(notes, 'not a photo at all, just text with a .png name\n');
    expect(await ok('demo', '--households', '300')).toMatch(/30 villages/);
    const villages = all<{ code: string }>("select code from areas where level = 'village' order by code");
    expect(villages).toHaveLength(30);
    [V1, V2] = [villages[0]!.code, villages[1]!.code];
    // A team's members are inspectors' user names.
    for (const name of ['zhang', 'li']) expect(await ok('user', 'add', name, '--role', 'inspector')).toMatch(new RegExp(name));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a campaign from creation to a decided appeal and a ranking', async () => {
    expect(await ok('campaign', 'create', CAMPAIGN, '--year', '2020', '--appeal-days', '15')).toMatch(
      /campaign 1 "2020年度考核" \(2020\) by seed-2020 v1 \(scheme version stored\)/,
    );
    expect(await ok('campaign', 'team', CAMPAIGN, '第一组', '--members', 'zhang,li')).toMatch(/第一组/);
    expect(await ok('campaign', 'assign', CAMPAIGN, '第一组', V1, V2)).toMatch(/2 villages assigned/);
    expect(one<{ n: number }>('select count(distinct team_id) n from assessments where team_id is not null').n).toBe(1);

    expect(await ok('campaign', 'suggest', CAMPAIGN, V1)).toMatch(/^(\d+) suggestions derived, \1 new/);
    // The demo's V1 misses some weekly team-leader meetings (1.3: −2 each).
    const weekly = one<{ id: number; item: string }>("select s.id, s.item from suggestions s where s.key like '1.3:weekly-meeting:%' order by s.id");
    expect(weekly).toBeDefined();
    expect(await ok('campaign', 'accept', CAMPAIGN, V1, String(weekly.id))).toMatch(new RegExp(`suggestion ${weekly.id} accepted: finding \\d+`));
    expect(assessment(V1).total).toBe(19_800);

    expect(await ok('campaign', 'finding', 'add', CAMPAIGN, V1, '3.1.2', '--element', 'diary', '--count', '2', '--note', '缺5月', '--evidence', photo)).toMatch(
      /finding \d+ recorded with 1 evidence file/,
    );
    expect(assessment(V1).total).toBe(19_400);
    const ev = one<{ sha256: string; filename: string; mime: string; size: number; uploaded_by: string }>('select * from evidence');
    const png = tinyPng();
    expect(ev).toMatchObject({ sha256: createHash('sha256').update(png).digest('hex'), filename: 'diary-photo.png', mime: 'image/png', size: png.length, uploaded_by: 'cli-test' });
    expect(existsSync(join(data, 'evidence', ev.sha256.slice(0, 2), ev.sha256.slice(2, 4), ev.sha256))).toBe(true);

    for (const step of ['submit', 'review', 'publish']) expect(await ok('campaign', step, CAMPAIGN, V1)).toMatch(`${step} done`);
    expect(assessment(V1).status).toBe('published');
    expect(await ok('campaign', 'appeal', CAMPAIGN, V1, '3.1.2', '--reason', '只缺5月一次')).toMatch(/appeal 1 opened/);
    expect(await ok('campaign', 'decide', '1', 'adjusted', '--count', '1', '--reason', '核实后只缺一次')).toMatch(/appeal 1: adjusted/);
    expect(assessment(V1).total).toBe(19_600);
    expect(all<{ reason: string }>('select reason from ranking_snapshots order by id').map((r) => r.reason)).toEqual([`publish ${V1}`, 'appeal 1']);

    // Issue 17: only V1 is published, so it alone is ranked; the 29 untouched drafts are listed
    // unranked (未考核), not ranked first at 200. A preview ranks submitted and reviewed ones too (none here).
    const ranking = JSON.parse(await ok('campaign', 'ranking', CAMPAIGN, '--json')) as {
      publishedOnly: boolean;
      basis: string;
      county: Array<{ village: string; total: number; countyRank: number; townshipRank: number }>;
      unranked: Array<{ village: string; state: string }>;
    };
    expect(ranking.publishedOnly).toBe(true);
    expect(ranking.county.map((r) => [r.village, r.total, r.countyRank])).toEqual([[V1, 19_600, 1]]);
    expect(ranking.unranked).toHaveLength(29);
    expect(ranking.unranked.every((u) => u.state === 'unassessed')).toBe(true);
    const preview = JSON.parse(await ok('campaign', 'ranking', CAMPAIGN, '--json', '--preview')) as typeof ranking;
    expect(preview.basis).toBe('preview');
    expect(preview.county.map((r) => r.village)).toEqual([V1]);
    const published = JSON.parse(await ok('campaign', 'ranking', CAMPAIGN, '--json', '--published')) as typeof ranking;
    expect(published.county.map((r) => [r.village, r.total, r.countyRank, r.townshipRank])).toEqual([[V1, 19_600, 1, 1]]);

    const verified = await ok('audit', 'verify');
    const n = one<{ n: number }>('select count(*) n from audit_log').n;
    const snapshots = one<{ n: number }>('select count(*) n from ranking_snapshots').n;
    expect(verified).toBe(`audit log intact: ${n} entries, ${snapshots} anchors checked\n`);
    // The log as sentences, and exported with its verification.
    const log = await ok('audit', 'log', '--limit', '3');
    expect(log.trim().split('\n')).toHaveLength(3);
    // Each entry at the office's time (Asia/Shanghai), to the second.
    expect(log).toMatch(/^\d+\t\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\t.*[\u4e00-\u9fff]/m);
    expect(await ok('audit', 'export', '-o', join(dir, 'audit.xlsx'))).toBe(`${join(dir, 'audit.xlsx')}: ${n} entries verified\n`);
    expect(existsSync(join(dir, 'audit.xlsx'))).toBe(true);
    // An anchor as a report prints it: the head now fits; another hash, or more entries than the log holds, do not.
    const head = one<{ entries: number; hash: string }>('select entries, hash from audit_head');
    expect(await ok('audit', 'verify', '--anchor', `${head.entries}:${head.hash.slice(0, 16)}`)).toBe(`audit log intact: ${n} entries, ${snapshots + 1} anchors checked\n`);
    for (const anchor of [`${head.entries}:0123456789abcdef`, `${head.entries + 5}:${head.hash.slice(0, 16)}`]) {
      const r = await kaohe('audit', 'verify', '--anchor', anchor);
      expect(r.status, anchor).toBe(1);
      expect(r.stderr).toMatch(/^audit log BROKEN at entry \(end\) \(position \d+\): the printed anchor .* recorded the log at \d+ entries/);
    }
    const malformed = await kaohe('audit', 'verify', '--anchor', 'abc');
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/^kaohe: --anchor: abc is not an anchor: write N:HEX/);
    expect(all<{ actor: string }>('select distinct actor from audit_log').map((r) => r.actor)).toEqual(['cli-test']);
  });

  it('refuses bad input with a clear message and a non-zero exit, changing nothing', async () => {
    const before = state();
    const cases: Array<[string[], RegExp]> = [
      [['campaign', 'finding', 'add', CAMPAIGN, '522425999999', '1.1'], /village 522425999999 in campaign 1 not found/],
      [['campaign', 'finding', 'add', CAMPAIGN, V2, '9.9'], /item: no item 9\.9 in the scheme/],
      [['campaign', 'finding', 'add', CAMPAIGN, V2, '3.1.2', '--evidence', notes], /notes\.png is not a file type accepted as evidence/],
      [['campaign', 'finding', 'add', CAMPAIGN, V2, '3.1.2', '--evidence', photo, join(BAD_EVIDENCE, 'js.pdf')], /js\.pdf is a PDF with active content \(.*\/JavaScript/],
      [['campaign', 'appeal', CAMPAIGN, V1, '1.1', '--reason', '有材料', '--evidence', join(BAD_EVIDENCE, 'html-as.jpg')], /html-as\.jpg is not a file type accepted as evidence/],
      [['campaign', 'review', CAMPAIGN, V2], /cannot review an assessment that is draft \(it must be submitted\)/],
      [['campaign', 'publish', CAMPAIGN, V1], /cannot publish an assessment that is published/],
      [['campaign', 'finding', 'add', CAMPAIGN, V1, '1.1'], /the assessment is published/],
      [['campaign', 'decide', '1', 'upheld', '--reason', 'again'], /appeal 1 is adjusted already/],
      [['campaign', 'decide', '1', 'maybe', '--reason', 'x'], /outcome must be upheld, adjusted or rejected/],
      // As over HTTP: a team member must be an inspector's user name.
      [['campaign', 'team', CAMPAIGN, '第二组', '--members', 'zhang,nobody'], /members\.1: nobody is not an inspector's user name/],
    ];
    // Four at a time: none of them may write, so they cannot disturb each other.
    const runs: Run[] = [];
    for (let i = 0; i < cases.length; i += 4) runs.push(...(await Promise.all(cases.slice(i, i + 4).map(([args]) => kaohe(...args)))));
    for (const [i, [args, message]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.status, `kaohe ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^kaohe: /);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.stdout).toBe('');
    }
    expect(state()).toEqual(before);
  });

  it('finds a tampered audit log: `audit verify` exits 1 naming the entry', async () => {
    const victim = one<{ id: number; after: string }>("select id, after from audit_log where action = 'appeal.adjusted'");
    db((d) => d.prepare('update audit_log set after = ? where id = ?').run(victim.after.replace('"count":1', '"count":0'), victim.id), false);
    const r = await kaohe('audit', 'verify');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`audit log BROKEN at entry ${victim.id} \\(position \\d+\\): its content or hash was changed`));
    db((d) => d.prepare('update audit_log set after = ? where id = ?').run(victim.after, victim.id), false);
    expect((await kaohe('audit', 'verify')).status).toBe(0);
  });

  it('finds a log cut short with its head reset, or its head row deleted, and never crashes', async () => {
    const entries = all<{ id: number; hash: string }>('select id, hash from audit_log order by id');
    const head = one<Record<string, unknown>>('select * from audit_head');
    const cut = entries.slice(-2);
    const removed = all<Record<string, unknown>>(`select * from audit_log where id >= ${cut[0]!.id} order by id`);
    db((d) => {
      d.prepare('delete from audit_log where id >= ?').run(cut[0]!.id);
      d.prepare('update audit_head set hash = ?, entries = ?').run(entries.at(-3)!.hash, entries.length - 2);
    }, false);
    const truncated = await kaohe('audit', 'verify');
    expect(truncated.status).toBe(1);
    expect(truncated.stderr).toMatch(/BROKEN at entry \(end\).*(not written with the audit key|cut short)/);
    db((d) => d.prepare('delete from audit_head').run(), false);
    const headless = await kaohe('audit', 'verify');
    expect(headless.status).toBe(1);
    expect(headless.stderr).toMatch(/BROKEN/);
    expect(headless.stderr).not.toMatch(/internal error/);
    // Put back as it was: intact again.
    db((d) => {
      const insert = d.prepare(
        'insert into audit_log (id, at, actor, action, entity, entity_id, before, after, prev_hash, hash) values (@id, @at, @actor, @action, @entity, @entity_id, @before, @after, @prev_hash, @hash)',
      );
      for (const r of removed) insert.run(r);
      d.prepare('insert into audit_head (id, hash, entries, mac) values (@id, @hash, @entries, @mac)').run(head);
    }, false);
    expect((await kaohe('audit', 'verify')).status).toBe(0);
  });

  it('gives a user the area of their office from the command line, and refuses an area that is not a province, city or county', async () => {
    const county = one<{ code: string }>("select code from areas where level = 'county'").code;
    expect(await ok('user', 'add', 'county-office', '--role', 'admin', '--area', county)).toMatch(new RegExp(`county-office \\(admin, area ${county}\\)`));
    expect(one<{ area_code: string }>("select area_code from users where username = 'county-office'").area_code).toBe(county);
    const township = one<{ code: string }>("select code from areas where level = 'township' order by code").code;
    const r = await kaohe('user', 'add', 'township-office', '--role', 'admin', '--area', township);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(township);
    expect(one<{ n: number }>("select count(*) n from users where username = 'township-office'").n).toBe(0);
  });
});
