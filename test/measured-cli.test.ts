/**
 * A measured item end to end with the real bin/kaohe (child processes, SQLite): a campaign on the
 * built-in township scheme (its derivation rules beside it), the demo county's satisfaction
 * surveys measured into 1.3 群众认可度 by `campaign suggest`, the suggestion accepted, the result
 * published, appealed, and the appeal decided by the value the review established (`--value`);
 * a decision without the value refused, changing nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaoheIn } from './kaohe-cli.ts';

const CAMPAIGN = '2024年度衔接考核';

describe('a measured value suggested, accepted and appealed through the CLI (child processes, SQLite)', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-measured-cli-'));
  const data = join(dir, 'data');
  const { kaohe, ok } = kaoheIn(dir, data);
  let village: string;
  const query = <T>(sql: string, ...params: unknown[]): T => {
    const d = new Database(join(data, 'kaohe.db'), { readonly: true });
    try {
      return d.prepare(sql).get(...params) as T;
    } finally {
      d.close();
    }
  };

  beforeAll(async () => {
    expect(await ok('demo', '--households', '300')).toMatch(/30 villages/);
    // A village whose households answered the satisfaction survey in 2020.
    village = query<{ code: string }>(
      "select a.code from areas a join households h on h.village_code = a.code join surveys s on s.household_id = h.id where s.kind = 'satisfaction' and s.date like '2020-%' order by a.code limit 1",
    ).code;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('suggests 1.3 measured from the surveys, accepts it, and decides an appeal on it by a value', async () => {
    expect(await ok('campaign', 'create', CAMPAIGN, '--year', '2020', '--scheme', 'township-2024', '--period', 'final', '--villages', village)).toMatch(/township-2024 v1/);
    expect(await ok('campaign', 'suggest', CAMPAIGN, village)).toMatch(/suggestions derived/);
    const s = query<{ id: number; value: string; summary_zh: string }>("select id, value, summary_zh from suggestions where key = '1.3:satisfaction-rate'");
    const value = JSON.parse(s.value) as { num: { satisfied: number; basic: number }; of: number };
    expect(value.of).toBeGreaterThan(0);
    expect(value.num.satisfied + value.num.basic).toBeLessThanOrEqual(value.of);
    expect(s.summary_zh).toContain(`有效票${value.of}票`);
    expect(await ok('campaign', 'accept', CAMPAIGN, village, String(s.id))).toMatch(/accepted: finding \d+/);
    const f = query<{ value: string; source: string }>("select value, source from findings where item = '1.3' and status = 'active'");
    expect(f).toEqual({ value: s.value, source: 'suggestion' });

    for (const step of ['submit', 'review', 'publish']) await ok('campaign', step, CAMPAIGN, village);
    expect(await ok('campaign', 'appeal', CAMPAIGN, village, '1.3', '--reason', '部分调查对象不是本村户')).toMatch(/appeal (\d+) opened/);
    const appeal = query<{ id: number }>("select id from appeals where item = '1.3'").id;
    const before = query<{ total: number; version: number }>('select total, version from assessments');
    const refused = await kaohe('campaign', 'decide', String(appeal), 'adjusted', '--reason', '复核');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/value: a decision on the measured item 1\.3 gives the value/);
    expect(query<{ total: number; version: number }>('select total, version from assessments')).toEqual(before);
    expect(await ok('campaign', 'decide', String(appeal), 'adjusted', '--reason', '复核：全部满意', '--value', '{"num":{"satisfied":10,"basic":0},"of":10}')).toMatch(/adjusted/);
    expect(query<{ value: string; source: string }>("select value, source from findings where item = '1.3' and status = 'active'")).toEqual({
      value: JSON.stringify({ num: { satisfied: 10, basic: 0 }, of: 10 }),
      source: 'appeal',
    });
    // 1.3 at its full 20 now.
    const result = JSON.parse(query<{ result: string }>('select result from assessments').result) as { nodes: Record<string, { score: number }> };
    expect(result.nodes['1.3']!.score).toBe(20);
  });
});
