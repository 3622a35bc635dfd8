/**
 * End-to-end tests of the `kaohe` command: the real bin/kaohe runs as a child process on the
 * fixture files under test/fixtures/, and its exit status, stdout and stderr are checked exactly.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const BIN = join(ROOT, 'bin', 'kaohe');
/** The commands run here, so that file names in messages are short and stable. */
const FIXTURES = join(HERE, 'fixtures');
const SEED_FILE = join(ROOT, 'src', 'schemes', 'seed-2020.yaml');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function kaohe(args: string[], cwd = FIXTURES): Promise<Run> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return fail(error);
      done({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

interface NodeJson {
  kind: 'section' | 'item';
  applicable: boolean;
  max: number;
  deductedRaw: number;
  deducted: number;
  score: number;
  addedRaw?: number;
  added?: number;
  pools?: string[];
  vetoed?: boolean;
  findings?: Array<{ finding: number; count: number; amount: number; note?: string; household?: string }>;
}

interface ScoreJson {
  scheme: { id: string; version: number };
  unit: { name?: string };
  base: number;
  bonus: number;
  total: number;
  max: number;
  bonusMax: number;
  percent: number | null;
  grade: { code: string; title: { zh: string; en?: string }; min: number } | null;
  veto: { items: string[]; effect: 'zero' | 'grade'; grade?: string } | null;
  nodes: Record<string, NodeJson>;
  explanation: string[];
}

/** Runs `score --json` and parses the output, insisting on success and a silent stderr. */
async function scoreJson(args: string[]): Promise<ScoreJson> {
  const r = await kaohe(['score', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as ScoreJson;
}

/** Expects a bad-input failure: status 2, nothing on stdout, exactly this on stderr. */
async function expectBadInput(args: string[], stderr: string | RegExp): Promise<void> {
  const r = await kaohe(args);
  expect(r.stdout).toBe('');
  if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
  else expect(r.stderr).toMatch(stderr);
  expect(r.status).toBe(2);
}

/** Every node code of seed-2020, in scheme order. */
const SEED_CODES = [
  '1',
  '1.1',
  '1.2',
  '1.3',
  '2',
  '2.1',
  '2.1.1',
  '2.1.2',
  '2.1.3',
  '2.1.4',
  '2.1.5',
  '2.2',
  '2.2.1',
  '2.2.2',
  '2.3',
  '2.3.1',
  '2.3.2',
  '2.4',
  '2.4.1',
  '2.5',
  '2.5.1',
  '2.5.2',
  '2.5.3',
  '2.5.4',
  '2.5.5',
  '2.6',
  '2.6.1',
  '2.6.2',
  '3',
  '3.1',
  '3.1.1',
  '3.1.2',
  '3.1.3',
  '3.2',
  '3.2.1',
  '3.3',
  '3.3.1',
  '3.4',
  '3.4.1',
  '3.5',
  '3.5.1',
  '4',
  '4.1',
  '4.2',
  '4.3',
];

/** Each test spawns a few node processes; a busy 2-core machine can make that slow. */
const SLOW = { timeout: 120_000 };

const lines = (text: string) => text.split('\n').map((l) => l.trim());

describe.concurrent('kaohe score --json: the worked examples of READING.md', SLOW, () => {
  it('section 1: 1.1 ×4, 1.2 ×2, 1.3 ×3 deduct 18 from the section pool of 20 → 2; item 1.1 loses 8 of its 6', async () => {
    const j = await scoreJson(['assessments/example-section1.json']);
    expect(j.scheme).toEqual({ id: 'seed-2020', version: 1 });
    expect(j.unit).toEqual({ name: '示例村一' });
    expect([j.base, j.bonus, j.total, j.max, j.bonusMax]).toEqual([182, 0, 182, 200, 10]);
    expect(j.grade).toBeNull();
    expect(j.veto).toBeNull();
    expect(j.nodes['1']).toEqual({ kind: 'section', applicable: true, max: 20, deductedRaw: 18, deducted: 18, score: 2 });
    expect(j.nodes['1.1']).toMatchObject({ kind: 'item', max: 6, deductedRaw: 8, deducted: 8, score: 0, pools: ['1'] });
    expect(j.nodes['1.1']!.findings).toEqual([{ finding: 0, count: 4, amount: 8, note: '缺组织机构和工作计划' }]);
    expect(j.nodes['1.2']).toMatchObject({ deductedRaw: 4, deducted: 4, score: 0 });
    expect(j.nodes['1.3']).toMatchObject({ max: 10, deductedRaw: 6, deducted: 6, score: 4 });
    expect(j.nodes['2']).toMatchObject({ max: 120, deducted: 0, score: 120 });
    expect(j.nodes['3']).toMatchObject({ max: 60, deducted: 0, score: 60 });
    expect(j.explanation).toEqual([
      '1.1 组织机构和工作计划 ×4: −8（缺组织机构和工作计划）',
      '1.2 扶贫工作室 ×2: −4',
      '1.3 扶贫工作会议 ×3: −6',
      '扣分池 1（20分）：共扣18分 → 得2分',
      '2.6.1 贫困村当年出列：不适用',
    ]);
    // Not a poverty village: 2.6.1 does not apply, and under notApplicable: keep 2.6 keeps its 40.
    expect(j.nodes['2.6.1']).toMatchObject({ applicable: false, max: 0, deducted: 0 });
    expect(j.nodes['2.6']).toMatchObject({ applicable: true, max: 40, score: 40 });
  });

  it('section 2.3 (YAML, split findings add up): 2.3.1 ×7 and 2.3.2 not met → 12 against a pool of 10 → 0', async () => {
    const j = await scoreJson(['assessments/example-publicity.yaml']);
    expect([j.base, j.bonus, j.total]).toEqual([190, 0, 190]);
    expect(j.nodes['2.3']).toEqual({ kind: 'section', applicable: true, max: 10, deductedRaw: 12, deducted: 10, score: 0 });
    expect(j.nodes['2.3.1']).toMatchObject({ deductedRaw: 7, pools: ['2.3'] });
    expect(j.nodes['2.3.1']!.findings!.map((f) => [f.count, f.amount])).toEqual([
      [4, 4],
      [3, 3],
    ]);
    expect(j.nodes['2.3.2']).toMatchObject({ deductedRaw: 5, pools: ['2.3'] });
    expect(j.nodes['2']).toMatchObject({ max: 120, deductedRaw: 12, deducted: 10, score: 110 });
    expect(j.nodes['1']!.score).toBe(20);
  });

  it('section 2.6: a poverty village that did not exit and 3 households → 50 against 40 → 0', async () => {
    const j = await scoreJson(['assessments/example-exit.json']);
    expect([j.base, j.bonus, j.total]).toEqual([160, 0, 160]);
    expect(j.nodes['2.6']).toEqual({ kind: 'section', applicable: true, max: 40, deductedRaw: 50, deducted: 40, score: 0 });
    expect(j.nodes['2.6.1']).toMatchObject({ kind: 'item', applicable: true, max: 0, deductedRaw: 20, pools: ['2.6'] });
    expect(j.nodes['2.6.2']).toMatchObject({ kind: 'item', applicable: true, max: 0, deductedRaw: 30, pools: ['2.6'] });
    expect(j.nodes['2.6.2']!.findings).toEqual([{ finding: 1, count: 3, amount: 30, household: '张三等三户' }]);
    expect(j.nodes['2']).toMatchObject({ score: 80, deducted: 40 });
  });

  it('bonus: 4.1, 4.2, 4.3 once each give 13, capped at 10', async () => {
    const j = await scoreJson(['assessments/example-bonus.yaml']);
    expect([j.base, j.bonus, j.total, j.bonusMax]).toEqual([200, 10, 210, 10]);
    expect(j.nodes['4']).toMatchObject({ kind: 'section', max: 10, score: 10, addedRaw: 13, added: 10 });
    expect(j.nodes['4.1']).toMatchObject({ addedRaw: 5, added: 5 });
    expect(j.nodes['4.2']).toMatchObject({ addedRaw: 4, added: 4 });
    expect(j.nodes['4.3']).toMatchObject({ addedRaw: 4, added: 1 });
    expect(j.explanation.at(-1)).toBe('加分 4（上限10分）：记录加分13分 → 计10分');
  });

  it('all four together, the file naming its scheme, a zero count deducting nothing', async () => {
    const j = await scoreJson(['assessments/combined.yaml']);
    expect(j.scheme.id).toBe('seed-2020');
    expect([j.base, j.bonus, j.total, j.max, j.bonusMax, j.percent]).toEqual([132, 10, 142, 200, 10, 66]);
    expect(j.nodes['1']!.score).toBe(2);
    expect(j.nodes['2.3']!.score).toBe(0);
    expect(j.nodes['2.6']!.score).toBe(0);
    expect(j.nodes['2']).toMatchObject({ deductedRaw: 62, deducted: 50, score: 70 });
    expect(j.nodes['3']).toMatchObject({ score: 60, deductedRaw: 0 });
    expect(j.nodes['3.2.1']).toMatchObject({ deductedRaw: 0, score: 25 });
    expect(j.nodes['3.2.1']!.findings).toEqual([{ finding: 7, count: 0, amount: 0 }]);
    expect(j.nodes['4']!.score).toBe(10);
  });

  it('all-or-nothing: lost once whatever the count, the first finding carries it; a zero count is no failure', async () => {
    const j = await scoreJson(['assessments/all-or-nothing.yaml']);
    expect([j.base, j.bonus, j.total]).toEqual([192, 0, 192]);
    expect(j.nodes['2.5']).toEqual({ kind: 'section', applicable: true, max: 20, deductedRaw: 8, deducted: 8, score: 12 });
    expect(j.nodes['2.5.4']).toMatchObject({ deductedRaw: 4, deducted: 4, score: 0 });
    expect(j.nodes['2.5.4']!.findings).toEqual([{ finding: 0, count: 3, amount: 4 }]);
    expect(j.nodes['2.5.5']!.findings!.map((f) => f.amount)).toEqual([4, 0]);
    expect(j.nodes['3.1.1']).toMatchObject({ deductedRaw: 0, score: 6 });
    expect(j.nodes['3.1']!.score).toBe(20);
  });

  it('has an entry for every node code of seed-2020, items included, and nothing else', async () => {
    const j = await scoreJson(['assessments/clean.json']);
    expect(Object.keys(j.nodes).sort()).toEqual([...SEED_CODES].sort());
    expect([j.base, j.bonus, j.total]).toEqual([200, 0, 200]);
    expect(j.explanation).toEqual([]);
    expect(j.nodes['2.6.1']!.applicable).toBe(true);
    for (const code of SEED_CODES) {
      const n = j.nodes[code]!;
      expect(n.kind, code).toBe(code.split('.').length === 1 || ['2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '3.1', '3.2', '3.3', '3.4', '3.5'].includes(code) ? 'section' : 'item');
      expect(typeof n.score, code).toBe('number');
      expect(n.deducted, code).toBe(0);
    }
  });
});

describe.concurrent('kaohe score: text output', SLOW, () => {
  it('default Chinese score sheet: table rows, totals and the explanation of every pool', async () => {
    const r = await kaohe(['score', 'assessments/combined.yaml']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe('考核细则: seed-2020 v1 脱贫攻坚考核方案考核细则');
    expect(out[1]).toBe('考核单位: 合并村');
    expect(r.stdout).toMatch(/^1 +组织领导 +20 +18 +2$/m);
    expect(r.stdout).toMatch(/^2\.3 +政策宣传 +10 +12→10 +0$/m);
    expect(r.stdout).toMatch(/^2\.6 +村出列，户脱贫 +40 +50→40 +0$/m);
    expect(r.stdout).toMatch(/^4 +其他奖惩办法 +10 +\+13 +\+10$/m);
    expect(out).toContain('基础分 132/200   加分 10/10   总分 142   等级 无');
    expect(out).toContain('扣分说明:');
    for (const line of [
      '1.1 组织机构和工作计划 ×4: −8',
      '扣分池 1（20分）：共扣18分 → 得2分',
      '2.3.2 宣传方式 ×1: −5（不得分）',
      '扣分池 2.3（10分）：记录扣分12分，扣完10分为止，实扣10分 → 得0分',
      '扣分池 2.6（40分）：记录扣分50分，扣完40分为止，实扣40分 → 得0分',
      '加分 4（上限10分）：记录加分13分 → 计10分',
    ]) {
      expect(out).toContain(line);
    }
    // A zero count is recorded but explains no deduction.
    expect(r.stdout).not.toContain('3.2.1 按时报送 ×0');
  });

  it('--lang en: English labels, totals and explanations', async () => {
    const r = await kaohe(['score', 'assessments/combined.yaml', '--lang', 'en']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe('Scheme: seed-2020 v1 Poverty-alleviation campaign assessment scheme, detailed scoring rules');
    expect(out).toContain('Base 132/200   Bonus 10/10   Total 142   Grade none');
    expect(r.stdout).toMatch(/^1 +Organisation and leadership +20 +18 +2$/m);
    for (const line of [
      'pool 1 (20): 18 deducted in all → 2',
      '2.3.2 Publicity channels ×1: −5 (not met: item lost)',
      'pool 2.3 (10): 12 recorded, capped at 10, 10 deducted → 0',
      'pool 2.6 (40): 50 recorded, capped at 40, 40 deducted → 0',
      'bonus 4 (cap 10): +13 recorded → +10',
    ]) {
      expect(out).toContain(line);
    }
    expect(r.stdout).not.toContain('扣分池');
  });

  it('no findings: full marks and "无扣分"', async () => {
    const r = await kaohe(['score', 'assessments/clean.json']);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toContain('基础分 200/200   加分 0/10   总分 200   等级 无');
    expect(lines(r.stdout).slice(-3)).toEqual(['扣分说明:', '无扣分', '']);
  });
});

describe.concurrent('kaohe score: bad input exits 2, names the finding or field, prints nothing on stdout', SLOW, () => {
  it('unreadable file', async () => {
    await expectBadInput(['score', 'assessments/no-such-file.json'], 'kaohe: cannot read assessment file assessments/no-such-file.json: ENOENT\n');
    await expectBadInput(['score', 'assessments'], 'kaohe: cannot read assessment file assessments: EISDIR\n');
  });

  it('unknown item code', async () => {
    await expectBadInput(['score', 'assessments/bad-unknown-item.json'], 'kaohe: assessments/bad-unknown-item.json:5: findings[1] (item "1.9") item: no item 1.9 in the scheme\n');
  });

  it('a section code used as an item', async () => {
    await expectBadInput(
      ['score', 'assessments/bad-section-as-item.yaml'],
      'kaohe: assessments/bad-section-as-item.yaml:5: findings[1] (item "2.3") item: 2.3 is a section, not an item: record findings on its items\n',
    );
  });

  it('a negative count', async () => {
    await expectBadInput(
      ['score', 'assessments/bad-negative-count.json', '--json'],
      'kaohe: assessments/bad-negative-count.json:6: findings[2] (item "3.2.1") count: count must be a whole number ≥ 0, not -2\n',
    );
  });

  it('a fractional count', async () => {
    await expectBadInput(
      ['score', 'assessments/bad-fractional-count.yaml'],
      'kaohe: assessments/bad-fractional-count.yaml:4: findings[0] (item "2.1.1") count: count must be a whole number ≥ 0, not 1.5\n',
    );
  });

  it('2.6.1 for a unit that is not a poverty village (false, or no attribute at all)', async () => {
    await expectBadInput(
      ['score', 'assessments/bad-not-applicable.yaml'],
      'kaohe: assessments/bad-not-applicable.yaml:8: findings[1] (item "2.6.1") item: item 2.6.1 does not apply to this unit\n',
    );
    await expectBadInput(
      ['score', 'assessments/bad-not-applicable-no-attributes.json', '--json'],
      'kaohe: assessments/bad-not-applicable-no-attributes.json:1: findings[0] (item "2.6.1") item: item 2.6.1 does not apply to this unit\n',
    );
  });

  it('an invalid scheme file via --scheme PATH names the scheme file, line and node', async () => {
    await expectBadInput(
      ['score', 'assessments/clean.json', '--scheme', 'schemes/broken.yaml', '--json'],
      /^kaohe: invalid scheme \(5 errors\):\n {2}schemes\/broken\.yaml:14:23: error \[unknown-rule-kind\] node 1\.1: unknown rule kind "perOccurence"/,
    );
    await expectBadInput(['score', 'assessments/clean.json', '--scheme', 'schemes/none.yaml'], 'kaohe: cannot read scheme file schemes/none.yaml: ENOENT\n');
  });

  it('an unknown built-in scheme id via --scheme', async () => {
    await expectBadInput(
      ['score', 'assessments/clean.json', '--scheme', 'seed-1999'],
      'kaohe: no built-in scheme "seed-1999" (built-in: seed-2020, township-2024, village-monitoring-2024, village-team-2024); give a file path to use your own\n',
    );
  });

  it('an unknown scheme named by the file itself', async () => {
    await expectBadInput(
      ['score', 'assessments/scheme-field-unknown.json'],
      'kaohe: assessments/scheme-field-unknown.json: scheme "no-such-scheme": no built-in scheme "no-such-scheme" (built-in: seed-2020, township-2024, village-monitoring-2024, village-team-2024); give a file path to use your own\n',
    );
    // --scheme overrides the file's own field, so the same file scores with an explicit scheme.
    const r = await kaohe(['score', 'assessments/scheme-field-unknown.json', '--scheme', 'seed-2020', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as ScoreJson).total).toBe(198);
  });

  it('a file that is not JSON or YAML, a missing unit name, an unknown field', async () => {
    await expectBadInput(['score', 'assessments/bad-syntax.json'], /^kaohe: assessments\/bad-syntax\.json:5: not valid JSON or YAML: /);
    await expectBadInput(['score', 'assessments/bad-missing-name.yaml'], /^kaohe: assessments\/bad-missing-name\.yaml(:\d+)?: unit\.name: /);
    await expectBadInput(['score', 'assessments/bad-unknown-field.json'], 'kaohe: assessments/bad-unknown-field.json:4: findings[0]: Unrecognized key: "cout"\n');
  });

  it('a finding on an item that does not apply under a custom scheme', async () => {
    await expectBadInput(
      ['score', 'assessments/custom-not-poverty-bad.yaml', '--scheme', 'schemes/county-2021.yaml'],
      'kaohe: assessments/custom-not-poverty-bad.yaml:6: findings[1] (item "2.2") item: item 2.2 does not apply to this unit\n',
    );
  });

  it('unknown command or option, missing argument, bad --lang', async () => {
    await expectBadInput(['frobnicate'], "error: unknown command 'frobnicate'\n");
    await expectBadInput(['score', 'assessments/clean.json', '--bogus'], "error: unknown option '--bogus'\n");
    await expectBadInput(['score'], "error: missing required argument 'file'\n");
    await expectBadInput(['score', 'assessments/clean.json', '--lang', 'fr'], /argument 'fr' is invalid\. Allowed choices are zh, en\./);
    await expectBadInput(['scheme', 'frob'], "error: unknown command 'frob'\n");
    await expectBadInput(['scheme', 'list', '--verbose'], "error: unknown option '--verbose'\n");
  });

  // A YAML assessment may write `item: 1.1` unquoted: it is read as the code "1.1" (and 1.10 as "1.10"),
  // as scheme files read codes.
  it('YAML item codes written unquoted (item: 1.1) are read as codes, as in scheme files', async () => {
    const j = await scoreJson(['assessments/yaml-unquoted-codes.yaml']);
    expect(j.nodes['1']!.score).toBe(2);
  });
});

describe.concurrent('kaohe score: choosing the scheme', SLOW, () => {
  it('--scheme ID picks a built-in scheme', async () => {
    const byId = await kaohe(['score', 'assessments/example-section1.json', '--scheme', 'seed-2020', '--json']);
    const byDefault = await kaohe(['score', 'assessments/example-section1.json', '--json']);
    expect(byId.status).toBe(0);
    expect(byId.stdout).toBe(byDefault.stdout);
  });

  it('--scheme PATH: a custom scheme with decimals, a bonus and grade bands', async () => {
    const j = await scoreJson(['assessments/custom-good.json', '--scheme', 'schemes/county-2021.yaml']);
    expect(j.scheme).toEqual({ id: 'county-2021', version: 3 });
    expect([j.base, j.bonus, j.total, j.max, j.bonusMax]).toEqual([86.5, 3, 89.5, 100, 5]);
    expect(j.grade).toEqual({ code: 'good', title: { zh: '良好', en: 'Good' }, min: 75 });
    expect(j.veto).toBeNull();
    expect(j.nodes['1']).toMatchObject({ max: 40, deducted: 7.5, score: 32.5 });
    expect(j.nodes['2.1']).toMatchObject({ max: 30, deducted: 6, score: 24, pools: ['2.1'] });
    expect(j.nodes['3']).toMatchObject({ addedRaw: 3, added: 3, score: 3 });
    expect(Object.keys(j.nodes).sort()).toEqual(['1', '1.1', '1.2', '2', '2.1', '2.2', '2.3', '3', '3.1']);
    expect(j.explanation).toEqual(['1.1 工作制度 ×3: −7.5', '扣分池 1（40分）：共扣7.5分 → 得32.5分', '2.1 入户走访 ×2: −6', '3.1 经验推广 ×2: +3', '加分 3（上限5分）：共加3分']);
  });

  it('--scheme PATH: a veto that forces the grade, whatever the total', async () => {
    const j = await scoreJson(['assessments/custom-veto.yaml', '--scheme', 'schemes/county-2021.yaml']);
    expect([j.base, j.bonus, j.total]).toEqual([100, 5, 105]);
    expect(j.veto).toEqual({ items: ['2.3'], effect: 'grade', grade: 'fail' });
    expect(j.grade?.code).toBe('fail');
    expect(j.nodes['2.3']).toMatchObject({ kind: 'item', vetoed: true });
    expect(j.explanation.at(-1)).toBe('一票否决：2.3（等次定为不合格）');
    const text = await kaohe(['score', 'assessments/custom-veto.yaml', '--scheme', 'schemes/county-2021.yaml', '--lang', 'en']);
    expect(lines(text.stdout)).toContain('Base 100/100   Bonus 5/5   Total 105   Grade Fail');
    expect(lines(text.stdout)).toContain('Veto: 2.3');
  });

  it('--scheme PATH: a non-applicable item leaves the maximum under notApplicable: exclude', async () => {
    const j = await scoreJson(['assessments/custom-not-poverty.yaml', '--scheme', 'schemes/county-2021.yaml']);
    expect([j.base, j.total, j.max, j.percent]).toEqual([50, 50, 70, 71.43]);
    expect(j.nodes['2.2']).toMatchObject({ applicable: false, max: 0 });
    expect(j.nodes['2']).toMatchObject({ max: 30, score: 30 });
    expect(j.grade?.code).toBe('fail');
    expect(j.explanation).toContain('2.2 贫困村出列：不适用');
  });

  it('--scheme PATH overrides the file\'s own "scheme"; a JSON scheme with a zero veto', async () => {
    // The file names "veto-zero", which is no built-in: only the --scheme path makes it scorable.
    const j = await scoreJson(['assessments/veto-zero.json', '--scheme', 'schemes/veto-zero.json']);
    expect(j.scheme).toEqual({ id: 'veto-zero', version: 1 });
    expect([j.base, j.bonus, j.total, j.max, j.bonusMax]).toEqual([8, 0, 0, 10, 0]);
    expect(j.veto).toEqual({ items: ['A2'], effect: 'zero' });
    expect(j.grade).toBeNull();
    await expectBadInput(['score', 'assessments/veto-zero.json'], /^kaohe: assessments\/veto-zero\.json: scheme "veto-zero": no built-in scheme "veto-zero"/);
  });

  it('a scheme path is resolved from the working directory', async () => {
    const r = await kaohe(['score', 'test/fixtures/assessments/custom-good.json', '--scheme', 'test/fixtures/schemes/county-2021.yaml', '--json'], ROOT);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as ScoreJson).total).toBe(89.5);
  });
});

describe.concurrent('kaohe scheme', SLOW, () => {
  it('list shows seed-2020 as the default', async () => {
    const zh = await kaohe(['scheme', 'list']);
    expect(zh.status).toBe(0);
    expect(zh.stdout.split('\n')).toEqual([
      'seed-2020\tv1\t脱贫攻坚考核方案考核细则（默认）',
      'township-2024\tv1\t乡镇巩固拓展脱贫攻坚成果同乡村振兴有效衔接考核细则（2024年度）',
      'village-monitoring-2024\tv1\t村级防止返贫动态监测和帮扶工作考核细则（2024年度）',
      'village-team-2024\tv1\t驻村工作队年度考核细则（2024年度）',
      '',
    ]);
    const en = await kaohe(['scheme', 'list', '--lang', 'en']);
    expect(en.stdout.split('\n')[0]).toBe('seed-2020\tv1\tPoverty-alleviation campaign assessment scheme, detailed scoring rules (default)');
  });

  it('show: the rule kinds offices write, in their words', async () => {
    const r = await kaohe(['scheme', 'show', 'township-2024']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1.1 贫困人口漏评率 [10]  达到100%得满分，每低1个百分点扣0.5分（不足一档按一档计），低于90%不得分');
    expect(r.stdout).toContain('2.1 应纳尽纳 [10]  应纳未纳：每处扣2分；帮扶措施不落实：每处扣1分');
    expect(r.stdout.split('\n')).toContain('└─ 6 扣分项 [—]  从总分中扣除');
    expect(r.stdout).toContain('5.1 获得表彰 [—]  按最高级别计分，不重复加分');
  });

  it('show: the default tree in Chinese, --lang en in English', async () => {
    const zh = await kaohe(['scheme', 'show']);
    expect(zh.status).toBe(0);
    expect(zh.stderr).toBe('');
    const zhLines = zh.stdout.split('\n');
    expect(zhLines[0]).toBe('seed-2020 v1 脱贫攻坚考核方案考核细则');
    expect(zhLines[1]).toBe('├─ 1 组织领导 [20]  扣分池');
    expect(zh.stdout).toContain('2.6.1 贫困村当年出列 [—]  每次扣20分; 适用：povertyVillage = true');
    expect(zh.stdout).toContain('└─ 4 其他奖惩办法 [10]  加分上限10');
    const en = await kaohe(['scheme', 'show', 'seed-2020', '--lang', 'en']);
    expect(en.status).toBe(0);
    expect(en.stdout.split('\n')[1]).toBe('├─ 1 Organisation and leadership [20]  pool');
    expect(en.stdout).toContain('2.3.2 Publicity channels [5]  all or nothing');
    expect(en.stdout).toContain('\nNote: The source breaks off in the middle of section 4');
  });

  it('show a scheme file', async () => {
    const r = await kaohe(['scheme', 'show', 'schemes/county-2021.yaml', '--lang', 'en']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        "county-2021 v3 Example county's village-team assessment",
        '├─ 1 Organisation [40]  pool',
        '│  ├─ 1.1 Work rules [20]  −2.5 each',
        '│  └─ 1.2 Ledgers [20]  all or nothing',
        '├─ 2 Results [60]',
        '│  ├─ 2.1 Home visits [30]  −3 each',
        '│  ├─ 2.2 Village exit [30]  −30 per failure; applies if povertyVillage = true',
        '│  └─ 2.3 Falsified records [—]  veto (grade Fail)',
        '└─ 3 Bonus [5]  bonus, cap 5',
        '   └─ 3.1 Practice adopted elsewhere [—]  +1.5 each',
        '',
      ].join('\n'),
    );
  });

  it('lint of the seed: exit 0, the pool note of 1.1, the deliberate 2.6 warning only', async () => {
    const r = await kaohe(['scheme', 'lint', SEED_FILE]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout.split('\n');
    expect(out).toContain(`${SEED_FILE}: note node 1.1: item 1.1 (6 points) can lose up to 20: its pool is section 1`);
    expect(out).toContain(`${SEED_FILE}: note node 2.1.1: item 2.1.1 (6 points) can lose up to 30: its pool is sub-section 2.1`);
    expect(out).toContain(`${SEED_FILE}: note node 2.6.1: item 2.6.1 has no points of its own: its penalties draw on pool 2.6 (40)`);
    expect(out).toContain(`${SEED_FILE}: note: base 200 points, bonus up to 10, total at most 210`);
    expect(out.filter((l) => / (error|warning) \[/.test(l))).toEqual([
      expect.stringMatching(new RegExp(`^${SEED_FILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: warning \\[uneven-children\\] node 2\\.6: `)),
    ]);
    expect(out.at(-2)).toBe('0 errors, 1 warning');
    const zh = await kaohe(['scheme', 'lint', SEED_FILE, '--lang', 'zh']);
    expect(zh.stdout.split('\n')).toContain(`${SEED_FILE}: note node 1.1: 1.1（6分）最多可扣20分：扣分池为 1`);
  });

  it('lint of a custom valid scheme: 0 errors, 0 warnings, notes on the veto and the condition', async () => {
    const r = await kaohe(['scheme', 'lint', 'schemes/county-2021.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'schemes/county-2021.yaml: note: base 100 points, bonus up to 5, total at most 105',
      'schemes/county-2021.yaml: note node 1.1: item 1.1 (20 points) can lose up to 40: its pool is section 1',
      'schemes/county-2021.yaml: note node 2.2: 2.2 applies only when povertyVillage = true; where it does not apply, it leaves the maximum and scores are a percentage of what applies',
      'schemes/county-2021.yaml: note node 2.3: 2.3 is a veto: the grade becomes Fail',
      'schemes/county-2021.yaml: note node 3: 3 is a bonus section added on top of the base, capped at 5 (one occurrence of each item would give 1.5)',
      '0 errors, 0 warnings',
      '',
    ]);
  });

  it('lint of a broken scheme: exit 1, every error with file:line:column and node code', async () => {
    const r = await kaohe(['scheme', 'lint', 'schemes/broken.yaml']);
    expect(r.status).toBe(1);
    const out = r.stdout.split('\n');
    expect(out).toContain(
      'schemes/broken.yaml:14:23: error [unknown-rule-kind] node 1.1: unknown rule kind "perOccurence" (known: perOccurrence, allOrNothing, fixedPenalty, bonus, veto, range, measured, parts)',
    );
    expect(out).toContain('schemes/broken.yaml:18:55: error [pool-not-ancestor] node 1.2: pool 2 is not 1.2 itself or a node above it');
    expect(out).toContain('schemes/broken.yaml:23:15: error [duplicate-code] node 1.1: code 1.1 is used twice (first at sections.0.children.0)');
    expect(out).toContain('schemes/broken.yaml:6:5: error [uneven-children] node 1: children add up to 10 points, not 20; fix the points, or say why with unevenChildren');
    expect(out).toContain('schemes/broken.yaml:19:5: error [uneven-children] node 2: children add up to 10 points, not 30; fix the points, or say why with unevenChildren');
    expect(out.at(-2)).toBe('5 errors, 0 warnings');
    expect(out.filter((l) => l.includes(': note'))).toEqual([]);
  });

  it('lint of a missing file exits 2', async () => {
    await expectBadInput(['scheme', 'lint', 'schemes/none.yaml'], 'kaohe: cannot read scheme file schemes/none.yaml: ENOENT\n');
  });

  describe('export', SLOW, () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaohe-cli-'));
    const file = (format: 'yaml' | 'json') => join(dir, `seed.${format}`);
    beforeAll(async () => {
      const [yaml, json] = await Promise.all([kaohe(['scheme', 'export', '-o', file('yaml')]), kaohe(['scheme', 'export', '--format', 'json', '--out', file('json')])]);
      expect(yaml).toEqual({ status: 0, stdout: '', stderr: '' });
      expect(json).toEqual({ status: 0, stdout: '', stderr: '' });
    }, SLOW.timeout);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(['yaml', 'json'] as const)('export --format %s to stdout is the file -o writes', async (format) => {
      const r = await kaohe(['scheme', 'export', 'seed-2020', '--format', format]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(readFileSync(file(format), 'utf8'));
      if (format === 'json') expect((JSON.parse(r.stdout) as { id: string }).id).toBe('seed-2020');
      else expect(r.stdout).toMatch(/^id: seed-2020$/m);
    });

    it.each(['yaml', 'json'] as const)("lint of the exported %s file is clean: the built-in file's notes, one deliberate warning", async (format) => {
      const [lint, builtinLint] = await Promise.all([kaohe(['scheme', 'lint', file(format)]), kaohe(['scheme', 'lint', SEED_FILE])]);
      expect(lint.status).toBe(0);
      expect(lint.stdout).toContain(`${file(format)}: note node 1.1: item 1.1 (6 points) can lose up to 20: its pool is section 1\n`);
      expect(lint.stdout.endsWith('0 errors, 1 warning\n')).toBe(true);
      // Same problems and notes as the built-in file, apart from the file name and the line of the 2.6 warning.
      const normalise = (text: string, name: string) =>
        text
          .split(name)
          .join('FILE')
          .replace(/^FILE:\d+:\d+:/m, 'FILE:L:C:');
      expect(normalise(lint.stdout, file(format))).toBe(normalise(builtinLint.stdout, SEED_FILE));
    });

    it.each(['yaml', 'json'] as const)("scoring with the exported %s file gives the built-in's JSON and text, byte for byte", async (format) => {
      const runs = await Promise.all(
        ['assessments/combined.yaml', 'assessments/example-exit.json', 'assessments/clean.json'].flatMap((a) => [
          kaohe(['score', a, '--scheme', file(format), '--json']),
          kaohe(['score', a, '--json']),
        ]),
      );
      for (let i = 0; i < runs.length; i += 2) {
        expect(runs[i]!.status).toBe(0);
        expect(runs[i]!.stdout).toBe(runs[i + 1]!.stdout);
      }
      const [textViaFile, textBuiltin] = await Promise.all([
        kaohe(['score', 'assessments/combined.yaml', '--scheme', file(format), '--lang', 'en']),
        kaohe(['score', 'assessments/combined.yaml', '--lang', 'en']),
      ]);
      expect(textViaFile.stdout).toContain('Total 142');
      expect(textViaFile.stdout).toBe(textBuiltin.stdout);
    });
  });
});
