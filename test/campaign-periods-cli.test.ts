/**
 * `kaohe campaign create --period/--parts` and the combined ranking, end to end: the real
 * bin/kaohe as child processes on a SQLite file (a quarter and a year-end of a scheme with periods).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaoheIn } from './kaohe-cli.ts';
import { periodsScheme } from './campaign-fixtures.ts';

const SCHEME = periodsScheme('township-periods-cli');

describe('kaohe campaign create --period --parts and the combined ranking (child processes, SQLite)', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-periods-cli-'));
  const data = join(dir, 'data');
  const scheme = join(dir, 'township.yaml');
  const { kaohe, ok } = kaoheIn(dir, data);
  let V1: string;
  let V2: string;

  beforeAll(async () => {
    writeFileSync(scheme, SCHEME);
    expect(await ok('demo', '--households', '300')).toMatch(/30 villages/);
    const d = new Database(join(data, 'kaohe.db'), { readonly: true });
    const codes = (d.prepare("select code from areas where level = 'village' order by code limit 2").all() as Array<{ code: string }>).map((v) => v.code);
    [V1, V2] = [codes[0]!, codes[1]!];
    d.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const publish = async (campaign: string, village: string) => {
    for (const step of ['submit', 'review', 'publish']) await ok('campaign', step, campaign, village);
  };

  it('refuses a campaign of a scheme with periods without its period, naming the field', async () => {
    const r = await kaohe('campaign', 'create', 'x', '--year', '2024', '--scheme', scheme, '--villages', V1);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/period: scheme township-periods-cli v1 has periods \(daily 平时考核, final 年终考核\)/);
  });

  it('creates a quarter and a year-end combining it, and ranks the year-end by the combined score', async () => {
    expect(
      await ok(
        'campaign',
        'create',
        '第1季度',
        '--year',
        '2024',
        '--scheme',
        scheme,
        '--period',
        'daily',
        '--villages',
        `${V1},${V2}`,
        '--from',
        '2024-01-01',
        '--to',
        '2024-03-31',
      ),
    ).toMatch(/"第1季度" \(2024, daily\)/);
    await ok('campaign', 'finding', 'add', '第1季度', V1, '1.1', '--count', '4'); // 98
    for (const v of [V1, V2]) await publish('第1季度', v);
    expect(await ok('campaign', 'create', '年度考核', '--year', '2024', '--scheme', scheme, '--period', 'final', '--villages', `${V1},${V2}`, '--parts', '第1季度')).toMatch(
      /"年度考核" \(2024, final\)/,
    );
    await ok('campaign', 'finding', 'add', '年度考核', V2, '1.1', '--count', '10'); // 95
    for (const v of [V1, V2]) await publish('年度考核', v);
    const out = await ok('campaign', 'ranking', '年度考核');
    expect(out).toContain('综合得分＝平时考核×30%＋年终考核×70%＋加分－扣分');
    // V1: 98 × 30% + 100 × 70% = 29.4 + 70 = 99.4 (好, 60); V2: 30 + 66.5 = 96.5 (好 → 较好 by the 50% quota, 57).
    const rows = out.split('\n').filter((l) => /^[12]\s/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/29\.4\s+70\s+0\s+0\s+99\.4\s+好\s+60/);
    expect(rows[1]).toMatch(/30\s+66\.5\s+0\s+0\s+96\.5\s+好→较好\s+57/);
  });
});
