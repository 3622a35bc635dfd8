import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { lintNotes } from './lint.ts';
import { schemeFromData } from './build.ts';
import { loadScheme, parseScheme } from './load.ts';
import { walk, type Scheme, type SchemeNode } from './model.ts';
import { SchemeError, formatProblem, type SchemeProblem } from './problems.ts';
import { schemeToData } from './serialize.ts';
import { VALID_SCHEME } from './test-scheme.ts';

const SEED_SOURCE = readFileSync(new URL('../../schemes/seed-2020.yaml', import.meta.url), 'utf8');

/** 1-based line of the only line of `source` that contains `needle`. */
function lineOf(source: string, needle: string): number {
  const lines = source.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`needle ${JSON.stringify(needle)} is on ${hits.length} lines`);
  return hits[0]!;
}

function nodesOf(scheme: Scheme): Map<string, SchemeNode> {
  const map = new Map<string, SchemeNode>();
  walk(scheme, (n) => map.set(n.code, n));
  return map;
}

function problemsOf(source: string): SchemeProblem[] {
  return parseScheme(source, 'test.yaml').problems;
}

/** The one problem with this code; checks there is exactly one. */
function only(problems: SchemeProblem[], code: string): SchemeProblem {
  const hits = problems.filter((p) => p.code === code);
  expect(hits, `problems with code ${code} in ${JSON.stringify(problems)}`).toHaveLength(1);
  return hits[0]!;
}

describe('the seed scheme', () => {
  const result = parseScheme(SEED_SOURCE, 'seed-2020.yaml');
  const seed = result.scheme!;
  const nodes = nodesOf(seed);

  it('loads with no error and exactly the one deliberate warning, on 2.6', () => {
    expect(result.scheme).toBeDefined();
    expect(result.problems).toHaveLength(1);
    const [warning] = result.problems;
    expect(warning).toMatchObject({
      severity: 'warning',
      code: 'uneven-children',
      node: '2.6',
      file: 'seed-2020.yaml',
      line: lineOf(SEED_SOURCE, 'code: "2.6"'),
    });
    expect(warning!.message).toContain('children add up to 0 points, not 40');
  });

  it('has the identity and options of the built-in scheme', () => {
    expect(seed.id).toBe('seed-2020');
    expect(seed.version).toBe(1);
    expect(seed.title.zh).toBe('脱贫攻坚考核方案考核细则');
    expect(seed.notApplicable).toBe('keep');
    expect(seed.gradeBasis).toBe('total');
    expect(seed.grades).toEqual([]);
  });

  it('says in its note that the source is cut off', () => {
    expect(seed.note?.zh).toContain('截断');
    expect(seed.note?.en).toContain('breaks off in the middle of section 4');
  });

  // code, points, pool, rule kind, amount (READING.md, "The scheme, with canonical codes").
  type Row = [code: string, points: number | null, pool: boolean, kind: string | null, amount: number | null];
  const rows: Row[] = [
    ['1', 20, true, null, null],
    ['1.1', 6, false, 'perOccurrence', 2],
    ['1.2', 4, false, 'perOccurrence', 2],
    ['1.3', 10, false, 'perOccurrence', 2],
    ['2', 120, false, null, null],
    ['2.1', 30, true, null, null],
    ['2.1.1', 6, false, 'perOccurrence', 2],
    ['2.1.2', 6, false, 'perOccurrence', 2],
    ['2.1.3', 6, false, 'perOccurrence', 2],
    ['2.1.4', 6, false, 'perOccurrence', 2],
    ['2.1.5', 6, false, 'perOccurrence', 2],
    ['2.2', 10, true, null, null],
    ['2.2.1', 5, false, 'perOccurrence', 2],
    ['2.2.2', 5, false, 'perOccurrence', 2],
    ['2.3', 10, true, null, null],
    ['2.3.1', 5, false, 'perOccurrence', 1],
    ['2.3.2', 5, false, 'allOrNothing', null],
    ['2.4', 10, true, null, null],
    ['2.4.1', 10, false, 'fixedPenalty', 10],
    ['2.5', 20, true, null, null],
    ['2.5.1', 4, false, 'perOccurrence', 2],
    ['2.5.2', 4, false, 'perOccurrence', 2],
    ['2.5.3', 4, false, 'perOccurrence', 2],
    ['2.5.4', 4, false, 'allOrNothing', null],
    ['2.5.5', 4, false, 'allOrNothing', null],
    ['2.6', 40, true, null, null],
    ['2.6.1', null, false, 'fixedPenalty', 20],
    ['2.6.2', null, false, 'fixedPenalty', 10],
    ['3', 60, false, null, null],
    ['3.1', 20, true, null, null],
    ['3.1.1', 6, false, 'allOrNothing', null],
    ['3.1.2', 6, false, 'perOccurrence', 2],
    ['3.1.3', 8, false, 'perOccurrence', 2],
    ['3.2', 25, true, null, null],
    ['3.2.1', 25, false, 'perOccurrence', 1],
    ['3.3', 5, true, null, null],
    ['3.3.1', 5, false, 'perOccurrence', 5],
    ['3.4', 5, true, null, null],
    ['3.4.1', 5, false, 'perOccurrence', 5],
    ['3.5', 5, true, null, null],
    ['3.5.1', 5, false, 'perOccurrence', 5],
    ['4', 10, false, null, null],
    ['4.1', null, false, 'bonus', 5],
    ['4.2', null, false, 'bonus', 4],
    ['4.3', null, false, 'bonus', 4],
  ];

  it('has exactly the codes of READING.md, in its order', () => {
    expect([...nodes.keys()]).toEqual(rows.map((r) => r[0]));
    expect(seed.sections.map((s) => s.code)).toEqual(['1', '2', '3', '4']);
  });

  it.each(rows)('%s: points %s, pool %s, rule %s %s', (code, points, pool, kind, amount) => {
    const node = nodes.get(code)!;
    expect(node.points).toBe(points === null ? null : points * 100);
    expect(node.pool).toBe(pool);
    if (kind === null) {
      expect(node.rule).toBeUndefined();
      expect(node.children.length).toBeGreaterThan(0);
    } else {
      expect(node.children).toEqual([]);
      expect(node.rule?.kind).toBe(kind);
      const rule = node.rule as { amount?: number; pool?: string };
      expect(rule.amount).toBe(amount === null ? undefined : amount * 100);
      // Every deduction draws on the nearest pool: none names one explicitly.
      expect(rule.pool).toBeUndefined();
    }
  });

  it('puts the pools on 1, 2.1–2.6 and 3.1–3.5 and nowhere else', () => {
    const pools = [...nodes.values()].filter((n) => n.pool).map((n) => n.code);
    expect(pools).toEqual(['1', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '3.1', '3.2', '3.3', '3.4', '3.5']);
  });

  it('has the section and item wording of READING.md', () => {
    const titles: Record<string, string> = {
      '1': '组织领导',
      '2': '精准扶贫精准脱贫',
      '2.1': '扶贫手册填写',
      '2.2': '信息系统',
      '2.3': '政策宣传',
      '2.4': '扶贫工作队管理',
      '2.5': '帮扶措施落实情况',
      '2.6': '村出列，户脱贫',
      '3': '日常工作',
      '3.1': '基础台账',
      '3.2': '材料上报',
      '3.3': '信息管理',
      '3.4': '扶贫会议',
      '3.5': '贫困户管理',
      '4': '其他奖惩办法',
    };
    for (const [code, title] of Object.entries(titles)) expect(nodes.get(code)!.title.zh, code).toBe(title);
    const items: Record<string, string> = {
      '1.1': '建立有扶贫工作组织机构，制定了相关工作计划',
      '1.2': '有独立的扶贫工作室，相关设施配备齐全，扶贫档案柜不少于2个',
      '1.3': '每月定期召开扶贫专题工作会议，有专门的扶贫会议记录；每周召开一次扶贫工作队长碰头会',
      '2.1.1': '基础信息正确填写，不得漏填，同时填写要具体',
      '2.1.2': '帮扶措施要按照要求填写，帮扶单位填写准确',
      '2.1.3': '帮扶成效按要求填写，不能错填漏填',
      '2.1.4': '帮扶人和贫困户签字不得漏签，非本人签字需按手印',
      '2.1.5': '扶贫手册填写整洁，切勿严重涂改，逻辑错误',
      '2.2.1': '基础信息与扶贫手册、信息采集表、实际情况保持一致',
      '2.2.2': '按要求及时进行信息更新，更新完成后不应继续出现客观性错误',
      '2.3.1': '通过村民代表大会、入户等方式宣传扶贫惠民政策，确保群众政策知晓率100%',
      '2.3.2': '通过扶贫宣传栏、宣传页、宣传横幅或标语进行宣传',
      '2.4.1': '驻村工作队管理规范，工作踏实，每月在岗不少于20天，履职情况好，扶贫工作队长要做到“十个一”',
      '2.5.1': '按要求申报光伏电站项目，材料齐全，选址切实可行',
      '2.5.2': '产业扶贫、就业脱贫、智力扶贫、健康脱贫、社保兜底脱贫、金融扶贫、社会扶贫落实到位',
      '2.5.3': '按要求及时通知本村学生申报雨露计划，不得出现漏报情况',
      '2.5.4': '帮扶责任人和扶贫工作队队长要按要求的次数入户',
      '2.5.5': '贫困户对帮扶工作、帮扶责任人和扶贫工作队长满意',
      '2.6.1': '贫困村当年出列',
      '2.6.2': '贫困户当年脱贫',
      '3.1.1': '有贫困村出列、贫困户脱贫作战图',
      '3.1.2': '有一户一档材料、脱贫工作台账、帮扶联系卡、扶贫工作队工作记录、民情日记、开展扶贫工作的照片',
      '3.1.3': '有贫困户进入和退出相关资料，如申请表、评议表、两公示一公告等',
      '3.2.1': '按要求按时间节点报送扶贫业务材料，上报前由村扶贫专职副书记审核，不得延报错报',
      '3.3.1': '对工作群信息及时回复，认真处理群中布置的工作',
      '3.4.1': '准时参加各级政府部门召开的扶贫工作会议，不能到会必须请假',
      '3.5.1': '群众上访、投诉及时回应、妥善处理，不得发生越级上访',
      '4.1': '先进做法被广泛宣传、被媒体报道，国检、省检、第三方评估排名靠前',
      '4.2': '市督查考评排名靠前',
      '4.3': '县督查考评排名靠前',
    };
    for (const [code, wording] of Object.entries(items)) {
      const node = nodes.get(code)!;
      expect(node.text?.zh ?? node.title.zh, code).toBe(wording);
    }
  });

  it('applies 2.6.1 only to poverty villages, and nothing else conditionally', () => {
    expect(nodes.get('2.6.1')!.appliesIf).toEqual({ povertyVillage: true });
    const conditional = [...nodes.values()].filter((n) => n.appliesIf).map((n) => n.code);
    expect(conditional).toEqual(['2.6.1']);
    expect(nodes.get('2.6')!.unevenChildren).toBeTruthy();
  });

  it('has checklists on the items whose rule counts missing elements', () => {
    const lists = Object.fromEntries([...nodes.values()].filter((n) => n.checklist).map((n) => [n.code, n.checklist!.map((e) => e.code)]));
    expect(lists).toEqual({
      '1.1': ['organisation', 'plan'],
      '1.2': ['office', 'facilities', 'cabinets'],
      '1.3': ['monthly-meeting', 'minutes', 'weekly-meeting'],
      '3.1.2': ['household-files', 'exit-ledger', 'contact-cards', 'team-log', 'diary', 'photos'],
      '3.1.3': ['application', 'review', 'publicity'],
    });
    expect(nodes.get('1.1')!.checklist![1]!.title).toEqual({ zh: '工作计划', en: 'work plan' });
  });

  it('makes section 4 the only bonus section, capped at 10', () => {
    const bonus = seed.sections.filter((s) => s.bonus);
    expect(bonus.map((s) => s.code)).toEqual(['4']);
    expect(bonus[0]!.points).toBe(1000);
    expect([...nodes.values()].filter((n) => n.bonus).map((n) => n.code)).toEqual(['4']);
  });

  it('totals 200 base points plus a bonus of at most 10', () => {
    const base = seed.sections.filter((s) => !s.bonus).reduce((sum, s) => sum + s.points!, 0);
    const bonus = seed.sections.filter((s) => s.bonus).reduce((sum, s) => sum + s.points!, 0);
    expect(base).toBe(20000);
    expect(bonus).toBe(1000);
    // Sub-sections add up to their section (2.6's items deliberately have no points).
    for (const code of ['1', '2', '3', '2.1', '2.2', '2.3', '2.4', '2.5', '3.1', '3.2', '3.3', '3.4', '3.5']) {
      const node = nodes.get(code)!;
      expect(
        node.children.reduce((s, c) => s + c.points!, 0),
        code,
      ).toBe(node.points);
    }
  });

  it('lint notes say where an item can lose more than it is worth', () => {
    const messages = lintNotes(seed).map((n) => n.message);
    expect(messages).toContain('item 1.1 (6 points) can lose up to 20: its pool is section 1');
    expect(messages).toContain('item 2.1.4 (6 points) can lose up to 30: its pool is sub-section 2.1');
    expect(messages).toContain('item 2.6.2 has no points of its own: its penalties draw on pool 2.6 (40)');
    expect(messages[0]).toBe('base 200 points, bonus up to 10, total at most 210');
    // All-or-nothing items lose their own points at most: no note.
    expect(messages.some((m) => m.startsWith('item 2.3.2 '))).toBe(false);
    expect(messages.some((m) => m.startsWith('item 3.2.1 '))).toBe(false); // its pool has its points
    const zh = lintNotes(seed, 'zh').map((n) => n.message);
    expect(zh).toContain('1.1（6分）最多可扣20分：扣分池为 1');
    expect(zh[0]).toBe('基础分200分，加分上限10分，总分最高210分');
    expect(lintNotes(seed).find((n) => n.node === '1.1')?.message).toBe('item 1.1 (6 points) can lose up to 20: its pool is section 1');
  });

  it('round-trips: schemeToData → YAML → loadScheme gives the same scheme', () => {
    const again = parseScheme(stringify(schemeToData(seed)));
    expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(again.scheme).toEqual(seed);
  });

  it('is built again from its data as the server sends it (JSON), without the reader: schemeFromData', () => {
    expect(schemeFromData(JSON.parse(JSON.stringify(schemeToData(seed))))).toEqual(seed);
  });
});

const VALID = VALID_SCHEME;

describe('loading problems', () => {
  it('a valid file loads with no problem', () => {
    expect(problemsOf(VALID)).toEqual([]);
    const scheme = loadScheme(VALID);
    expect(scheme.sections[0]!.children.map((c) => c.code)).toEqual(['1.1', '1.2']);
    expect(scheme.notApplicable).toBe('keep');
    expect(scheme.gradeBasis).toBe('total');
  });

  it('a YAML syntax error is reported with its line and no scheme', () => {
    const source = VALID.replace('title: T', 'title: "T');
    const result = parseScheme(source, 'test.yaml');
    expect(result.scheme).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ severity: 'error', code: 'syntax', file: 'test.yaml', line: 3 });
    expect(result.problems[0]!.message).toContain('quote');
  });

  it('a key written twice is a syntax error on the second one', () => {
    const source = VALID.replace('        points: 6\n', '        points: 6\n        points: 7\n');
    const p = only(problemsOf(source), 'syntax');
    expect(p.line).toBe(lineOf(source, 'points: 7'));
    expect(p.message).toContain('unique');
  });

  it('tab indentation is a syntax error on its line', () => {
    const source = VALID.replace('\ntitle: T', '\n\ttitle: T');
    expect(only(problemsOf(source), 'syntax').line).toBe(3);
  });

  it('duplicate code: reported on the second use, naming the first', () => {
    const source = VALID.replace('code: "1.2"', 'code: "1.1"');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'duplicate-code', node: '1.1', line: 14 });
    expect(problems[0]!.message).toBe('code 1.1 is used twice (first at sections.0.children.0)');
  });

  it('unknown rule kind', () => {
    const source = VALID.replace('kind: perOccurrence', 'kind: perOcurrence');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'unknown-rule-kind', node: '1.1', line: lineOf(source, 'perOcurrence') });
    expect(problems[0]!.message).toContain('"perOcurrence"');
  });

  it('negative amount', () => {
    const source = VALID.replace('amount: 2', 'amount: -2');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1); // not also "the amount must be more than 0"
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'negative-points', node: '1.1', line: lineOf(source, 'amount: -2') });
  });

  it('negative points', () => {
    const source = VALID.replace('points: 6', 'points: -6');
    const problems = problemsOf(source);
    // Only the problem itself: not also "children add up to 4 points, not 10" (from reading -6 as 0).
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'negative-points', node: '1.1', line: lineOf(source, 'points: -6') });
    expect(problems[0]!.message).toBe('points and amounts must not be negative (-6)');
  });

  it('points with three decimals', () => {
    const source = VALID.replace('points: 4', 'points: 4.125');
    const problems = problemsOf(source);
    // Only the problem itself: not also "children add up to 6" or "an all-or-nothing item needs points".
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'bad-points', node: '1.2', line: lineOf(source, 'points: 4.125') });
    expect(problems[0]!.message).toBe('4.125 is not a number of points (at most two decimals)');
  });

  it('an amount with three decimals is one problem, not also a zero amount', () => {
    const source = VALID.replace('amount: 2', 'amount: 0.125');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'bad-points', node: '1.1', line: lineOf(source, 'amount: 0.125') });
  });

  it('a zero amount', () => {
    const source = VALID.replace('amount: 2', 'amount: 0');
    expect(problemsOf(source)).toEqual([expect.objectContaining({ severity: 'error', code: 'zero-amount', node: '1.1', line: lineOf(source, 'amount: 0') })]);
  });

  it('two decimals are fine', () => {
    const source = VALID.replace('points: 6', 'points: 5.75').replace('points: 4', 'points: 4.25').replace('amount: 2', 'amount: 0.25');
    const scheme = loadScheme(source);
    expect(scheme.sections[0]!.children[0]!.points).toBe(575);
    expect(scheme.sections[0]!.children[0]!.rule).toEqual({ kind: 'perOccurrence', amount: 25 });
  });

  it('a pool that is not an ancestor of the item', () => {
    const source = `id: t
version: 1
title: T
sections:
  - code: "1"
    title: A
    points: 10
    children:
      - code: "1.1"
        title: a
        points: 10
        rule: { kind: perOccurrence, amount: 2, pool: "2" }
  - code: "2"
    title: B
    points: 10
    pool: true
    children:
      - code: "2.1"
        title: b
        points: 10
        rule: { kind: perOccurrence, amount: 2 }
`;
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'pool-not-ancestor', node: '1.1', line: 12 });
    expect(problems[0]!.message).toBe('pool 2 is not 1.1 itself or a node above it');
  });

  it('children not adding up: an error without unevenChildren, a warning with it', () => {
    const source = VALID.replace('points: 4', 'points: 3');
    const result = parseScheme(source);
    expect(result.scheme).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ severity: 'error', code: 'uneven-children', node: '1', line: 5 });
    expect(result.problems[0]!.message).toContain('children add up to 9 points, not 10');

    const deliberate = source.replace('    pool: true\n', '    pool: true\n    unevenChildren: one point is kept back\n');
    const again = parseScheme(deliberate);
    expect(again.scheme).toBeDefined();
    expect(again.problems).toHaveLength(1);
    expect(again.problems[0]).toMatchObject({ severity: 'warning', code: 'uneven-children', node: '1', line: 5 });
    expect(again.problems[0]!.message).toContain('deliberate: one point is kept back');
    expect(again.scheme!.sections[0]!.unevenChildren).toBe('one point is kept back');
  });

  it('a leaf without a rule', () => {
    const source = VALID.replace('        rule: { kind: allOrNothing }\n', '');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'missing-rule', node: '1.2', line: lineOf(source, 'code: "1.2"') });
  });

  it('a rule on a node with children', () => {
    const source = VALID.replace('    pool: true\n', '    pool: true\n    rule: { kind: perOccurrence, amount: 1 }\n');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      severity: 'error',
      code: 'rule-on-section',
      node: '1',
      line: lineOf(source, 'amount: 1 }'),
    });
  });

  it('a bonus rule outside a bonus section', () => {
    const source = VALID.replace('rule: { kind: allOrNothing }', 'rule: { kind: bonus, amount: 2 }');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'bonus-outside-bonus-section', node: '1.2', line: lineOf(source, 'kind: bonus') });
  });

  it('a deduction inside a bonus section', () => {
    const source = `${VALID}  - code: "2"
    title: Bonus
    points: 10
    bonus: true
    children:
      - code: "2.1"
        title: good
        rule: { kind: bonus, amount: 5 }
      - code: "2.2"
        title: bad
        points: 5
        rule: { kind: fixedPenalty, amount: 5 }
`;
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      severity: 'error',
      code: 'deduction-in-bonus-section',
      node: '2.2',
      line: lineOf(source, 'kind: fixedPenalty'),
    });
  });

  it('a veto forcing a grade the scheme does not have', () => {
    const source = VALID.replace('sections:\n', 'grades:\n  - { code: A, title: 优秀, min: 9 }\n  - { code: B, title: 合格, min: 6 }\nsections:\n').replace(
      '        points: 4\n        rule: { kind: allOrNothing }\n',
      '        points: 4\n        rule: { kind: allOrNothing }\n      - code: "1.3"\n        title: veto\n        rule: { kind: veto, effect: grade, grade: C }\n',
    );
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'unknown-grade', node: '1.3', line: lineOf(source, 'grade: C') });
    expect(problems[0]!.message).toBe("grade C is not among the scheme's grades");
    // With a grade that exists, it loads.
    const scheme = loadScheme(source.replace('grade: C', 'grade: B'));
    expect(nodesOf(scheme).get('1.3')!.rule).toEqual({ kind: 'veto', effect: 'grade', grade: 'B' });
  });

  const ITEM_1_3 = `      - code: "1.3"
        title: c
        rule: { kind: fixedPenalty, amount: 5 }
`;
  it.each([
    ['missing-amount', VALID.replace(', amount: 2 }', ' }'), '1.1', 'kind: perOccurrence }'],
    ['unexpected-amount', VALID.replace('kind: allOrNothing', 'kind: allOrNothing, amount: 2'), '1.2', 'allOrNothing, amount'],
    ['unexpected-pool', VALID.replace('kind: allOrNothing }', 'kind: veto, effect: zero, pool: "1" }').replace('        points: 4\n', ''), '1.2', 'kind: veto'],
    ['checklist-on-section', VALID.replace('    pool: true\n', '    pool: true\n    checklist: [{ code: x, title: X }]\n'), '1', 'checklist:'],
    ['duplicate-element', VALID.replace('amount: 2 }\n', 'amount: 2 }\n        checklist: [{ code: x, title: X }, { code: x, title: Y }]\n'), '1.1', 'checklist:'],
    ['uncapped-penalty', VALID.replace('    pool: true\n', '') + ITEM_1_3, '1.3', 'code: "1.3"'],
    ['veto-with-points', VALID.replace('kind: allOrNothing }', 'kind: veto, effect: zero }'), '1.2', 'kind: veto'],
    ['missing-effect', VALID.replace('kind: allOrNothing }', 'kind: veto }').replace('        points: 4\n', ''), '1.2', 'kind: veto'],
    ['nested-bonus', VALID.replace('        points: 4\n', '        points: 4\n        bonus: true\n'), '1.2', 'bonus: true'],
  ])('%s is reported on its node and line', (code, source, node, needle) => {
    const p = only(problemsOf(source), code);
    expect(p).toMatchObject({ severity: 'error', node, line: lineOf(source, needle) });
  });

  it('grades must be listed from the highest minimum down', () => {
    const source = VALID.replace('sections:\n', 'grades:\n  - { code: A, title: 优秀, min: 6 }\n  - { code: B, title: 合格, min: 9 }\nsections:\n');
    const problems = problemsOf(source);
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', code: 'grade-order', line: lineOf(source, 'min: 9') })]);
  });

  it('an unknown key (a typo) is reported on its own line with the node code', () => {
    const source = VALID.replace('        points: 4\n', '        piont: 4\n        points: 4\n');
    const result = parseScheme(source, 'test.yaml');
    expect(result.scheme).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ severity: 'error', code: 'shape', node: '1.2', file: 'test.yaml', line: lineOf(source, 'piont') });
    expect(result.problems[0]!.message).toContain('"piont"');
  });

  it('a typo inside a rule and at the top level', () => {
    const source = VALID.replace('rule: { kind: allOrNothing }', 'rule: { kind: allOrNothing, pol: "1" }').replace('version: 1', 'version: 1\nnotApplicabel: keep');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(2);
    expect(problems.every((p) => p.code === 'shape' && p.severity === 'error')).toBe(true);
    const top = problems.find((p) => p.message.includes('notApplicabel'))!;
    expect(top.line).toBe(3);
    expect(top.node).toBeUndefined();
    const rule = problems.find((p) => p.message.includes('"pol"'))!;
    expect(rule).toMatchObject({ node: '1.2', line: lineOf(source, 'pol: "1"') });
  });

  it('a missing title is a shape problem naming the node', () => {
    const source = VALID.replace('        title: b\n', '');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'shape', node: '1.2', line: lineOf(source, 'code: "1.2"') });
    expect(problems[0]!.message).toContain('sections.0.children.1.title');
  });

  it('codes written unquoted stay as written: 1.10 is "1.10", not 1.1', () => {
    const source = `id: t
version: 1
title: T
grades:
  - { code: 1, title: 优秀, min: 9 }
  - { code: 2.10, title: 合格, min: 0 }
sections:
  - code: 1
    title: A
    points: 10
    children:
      - code: 1.1
        title: a
        points: 5
        pool: true
        children:
          - code: 1.1.1
            title: x
            points: 5
            rule: { kind: perOccurrence, amount: 1, pool: 1.1 }
      - code: 1.10
        title: b
        points: 5
        rule: { kind: perOccurrence, amount: 1, pool: 1.10 }
      - code: 1.20
        title: veto
        rule: { kind: veto, effect: grade, grade: 2.10 }
`;
    const scheme = loadScheme(source);
    expect([...nodesOf(scheme).keys()]).toEqual(['1', '1.1', '1.1.1', '1.10', '1.20']);
    const nodes = nodesOf(scheme);
    expect(nodes.get('1.10')!.rule).toEqual({ kind: 'perOccurrence', amount: 100, pool: '1.10' });
    expect(nodes.get('1.1.1')!.rule).toEqual({ kind: 'perOccurrence', amount: 100, pool: '1.1' });
    expect(nodes.get('1.20')!.rule).toEqual({ kind: 'veto', effect: 'grade', grade: '2.10' });
    expect(scheme.grades.map((g) => g.code)).toEqual(['1', '2.10']);
  });

  it('several problems in one file are all reported, each with its line and node', () => {
    const source = `id: t
version: 1
title: T
grades:
  - { code: A, title: A, min: 90 }
sections:
  - code: "1"
    title: A
    points: 20
    pool: true
    children:
      - code: "1.1"
        title: a
        points: 10
        rule: { kind: perOccurrence, amount: -2 }
      - code: "1.1"
        title: b
        points: 10.125
        rule: { kind: perOcurrence, amount: 2 }
      - code: "1.3"
        title: c
        rule: { kind: perOccurrence, amount: 2, pool: "2" }
        children:
          - code: "1.3.1"
            title: x
            points: 5
            rule: { kind: perOccurrence, amount: 1 }
      - code: "1.4"
        title: d
        points: 5
      - code: "1.5"
        title: e
        rule: { kind: veto, effect: grade, grade: Z }
  - code: "2"
    title: B
    points: 10
    children:
      - code: "2.1"
        title: f
        points: 5
        rule: { kind: bonus, amount: 2 }
  - code: "3"
    title: C
    points: 10
    bonus: true
    children:
      - code: "3.1"
        title: g
        points: 5
        rule: { kind: perOccurrence, amount: 2 }
`;
    const result = parseScheme(source, 'many.yaml');
    expect(result.scheme).toBeUndefined();
    const got = result.problems.map((p) => [p.severity, p.code, p.node, p.line]);
    expect(got).toEqual([
      ['error', 'negative-points', '1.1', 15],
      ['error', 'duplicate-code', '1.1', 16],
      ['error', 'bad-points', '1.1', 18],
      ['error', 'unknown-rule-kind', '1.1', 19],
      ['error', 'pool-not-ancestor', '1.3', 22],
      ['error', 'rule-on-section', '1.3', 22],
      ['error', 'missing-rule', '1.4', 28],
      ['error', 'unknown-grade', '1.5', 33],
      ['error', 'bonus-outside-bonus-section', '2.1', 41],
      ['error', 'uneven-children', '2', 34],
      ['error', 'deduction-in-bonus-section', '3.1', 50],
    ]);
    expect(result.problems.every((p) => p.file === 'many.yaml')).toBe(true);
    // loadScheme throws them all at once.
    let thrown: unknown;
    try {
      loadScheme(source, 'many.yaml');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SchemeError);
    const error = thrown as SchemeError;
    expect(error.problems).toHaveLength(11);
    expect(error.message).toMatch(/^invalid scheme \(11 errors\):/);
    expect(error.message).toContain('many.yaml:19:');
    expect(formatProblem(error.problems[3]!)).toMatch(/^many\.yaml:19:\d+: error \[unknown-rule-kind\] node 1\.1: unknown rule kind "perOcurrence"/);
  });
});

describe('round trip of a scheme using every feature', () => {
  const source = `id: full
version: 3
title: { zh: 全功能, en: Everything }
source: test
note: a note
notApplicable: exclude
gradeBasis: percent
grades:
  - { code: A, title: { zh: 优秀, en: excellent }, min: 90 }
  - { code: B, title: 合格, min: 60.5 }
  - { code: C, title: 不合格, min: 0 }
sections:
  - code: "1"
    title: A
    points: 30
    pool: true
    children:
      - code: "1.1"
        title: a
        text: { zh: 内容, en: text }
        ruleText: 每缺少一项扣0.5分
        points: 10.5
        rule: { kind: perOccurrence, amount: 0.5, pool: "1.1" }
        checklist:
          - { code: x, title: X }
          - { code: y, title: { zh: 乙, en: Y } }
      - code: "1.2"
        title: b
        points: 19.5
        pool: true
        appliesIf: { povertyVillage: true, population: { gte: 100 }, kind: { in: [a, b] } }
        children:
          - code: "1.2.1"
            title: c
            points: 19.5
            rule: { kind: allOrNothing }
          - code: "1.2.2"
            title: d
            rule: { kind: fixedPenalty, amount: 0.25 }
          - code: "1.2.3"
            title: v
            rule: { kind: veto, effect: grade, grade: C }
          - code: "1.2.4"
            title: z
            note: { zh: 注, en: note }
            rule: { kind: veto, effect: zero }
  - code: "2"
    title: B
    points: 5
    bonus: true
    children:
      - code: "2.1"
        title: e
        points: 3
        rule: { kind: bonus, amount: 1.5 }
      - code: "2.2"
        title: f
        rule: { kind: bonus, amount: 0.01 }
`;

  it('loads without problems and comes back deep-equal', () => {
    const result = parseScheme(source);
    expect(result.problems).toEqual([]);
    const scheme = result.scheme!;
    const data = schemeToData(scheme);
    const again = loadScheme(stringify(data));
    expect(again).toEqual(scheme);
    // And through JSON, which a scheme file may also be.
    expect(loadScheme(JSON.stringify(data))).toEqual(scheme);
    // And from the data as the browser gets it from the server, without the reader.
    expect(schemeFromData(JSON.parse(JSON.stringify(data)))).toEqual(scheme);
    expect(nodesOf(scheme).get('1.2.2')!.rule).toEqual({ kind: 'fixedPenalty', amount: 25 });
    expect(scheme.grades.map((g) => g.min)).toEqual([9000, 6050, 0]);
  });
});

describe('schemeFromData', () => {
  it('refuses data whose tree is not a valid scheme, with every error, as the loader would', () => {
    const data = {
      id: 't',
      version: 1,
      title: 'T',
      sections: [
        { code: '1', title: 'A', points: 10, children: [{ code: '1.1', title: 'a', points: 10, rule: { kind: 'perOccurrence', amount: 2 } }] },
        { code: '1', title: 'B', points: 5, children: [{ code: '2.1', title: 'b', points: 5, rule: { kind: 'nonsense' } }] },
      ],
    };
    let error: unknown;
    try {
      schemeFromData(data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemeError);
    expect((error as SchemeError).problems.map((p) => p.code).sort()).toEqual(['duplicate-code', 'unknown-rule-kind']);
    expect(() => schemeFromData({} as never)).toThrow(SchemeError);
  });
});
