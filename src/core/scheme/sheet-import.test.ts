import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { builtinScheme } from '../../schemes/index.ts';
import { loadScheme } from './load.ts';
import type { SchemeNode } from './model.ts';
import { score } from '../scoring/score.ts';
import { importProblemLine } from './import-problems.ts';
import { schemeSheet, seedShapeAsWorded, shape } from './seed-sheet.ts';
import { importSheet, numbering, type SchemeFileNode, type SheetGrid } from './sheet-import.ts';

const find = (nodes: SchemeFileNode[], code: string): SchemeFileNode | undefined => {
  for (const n of nodes) {
    if (n.code === code) return n;
    const hit = find(n.children ?? [], code);
    if (hit) return hit;
  }
  return undefined;
};

describe('importing the seed scheme laid out as an office lays it', () => {
  const seed = builtinScheme('seed-2020');
  const { scheme, problems } = importSheet(schemeSheet(seed), { id: 'seed-2020' });

  it('reads every line, and says where it inferred a pool', () => {
    expect(problems.filter((p) => p.severity === 'unread')).toEqual([]);
    expect(problems.map((p) => [p.code, p.node])).toEqual([['pool-inferred', '2.6']]);
  });

  it('gives the seed scheme: structure, codes, points, pools and rules', () => {
    const imported = loadScheme(stringify(scheme));
    expect(shape(imported)).toEqual(seedShapeAsWorded(seed));
    expect(imported.title.zh).toBe(seed.title.zh);
  });

  it('scores as the seed: the pools the wording does not name change no score', () => {
    const imported = loadScheme(stringify(scheme));
    const items: string[] = [];
    const collect = (n: SchemeNode) => (n.children.length === 0 ? items.push(n.code) : n.children.forEach(collect));
    seed.sections.forEach(collect);
    for (const count of [1, 2, 3, 6]) {
      const findings = items.map((item) => ({ item, count }));
      const unit = { attributes: { povertyVillage: true } };
      const a = score(seed, unit, findings);
      const b = score(imported, unit, findings);
      expect([b.base, b.bonus, b.total], `count ${count}`).toEqual([a.base, a.bonus, a.total]);
      for (const code of a.order) expect(b.nodes[code]!.score, `${code} count ${count}`).toBe(a.nodes[code]!.score);
    }
  });
});

const grid = (rows: string[][], merges: SheetGrid['merges'] = []): SheetGrid => ({ cells: rows, merges });
const across = (row: number, right = 3) => ({ top: row, left: 0, bottom: row, right });

describe('the table', () => {
  it('finds the title and header rows, with variant names and any column order', () => {
    const { scheme, problems } = importSheet(
      grid(
        [
          ['附件1', '', '', '', ''],
          ['某镇2024年度考核评分细则', '', '', '', ''],
          ['', '', '', '', ''],
          ['评分细则', '分数', '考核要点', '编号', '备注'],
          ['一、党建引领（10分）', '', '', '', ''],
          ['每缺少一项扣2分，扣完10分为止', '6', '建立组织', '1', ''],
          ['没有不得分', '4', '有计划', '2', '上半年'],
        ],
        [across(4, 4)],
      ),
    );
    expect(problems).toEqual([]);
    expect(scheme.title).toBe('某镇2024年度考核评分细则');
    expect(scheme.sections).toEqual([
      {
        code: '1',
        title: '党建引领',
        points: 10,
        pool: true,
        children: [
          { code: '1.1', title: '建立组织', ruleText: '每缺少一项扣2分，扣完10分为止', points: 6, rule: { kind: 'perOccurrence', amount: 2 } },
          { code: '1.2', title: '有计划', ruleText: '没有不得分', points: 4, note: '上半年', rule: { kind: 'allOrNothing' } },
        ],
      },
    ]);
  });

  it('numbering 一、 （一） 1. (1) and 1.1 nests, codes from the tree', () => {
    const { scheme } = importSheet(
      grid(
        [
          ['序号', '考核内容', '分值', '评分标准'],
          ['一、基础工作（20分）', '', '', ''],
          ['（一）', '台账', '20', ''],
          ['1', '有台账', '10', '没有不得分'],
          ['2', '台账完整', '10', ''],
          ['', '(1)户档案齐全', '5', '每缺少一项扣1分'],
          ['', '(2)村档案齐全', '5', '每缺少一项扣1分'],
          ['二、', '重点工作', '10', ''],
          ['2.1', '项目落实', '10', '发现一处扣2分'],
        ],
        [across(1)],
      ),
    );
    const codes = (nodes: SchemeFileNode[]): unknown[] => nodes.map((n) => (n.children ? { [n.code]: codes(n.children) } : n.code));
    expect(codes(scheme.sections)).toEqual([{ '1': [{ '1.1': ['1.1.1', { '1.1.2': ['1.1.2.1', '1.1.2.2'] }] }] }, { '2': ['2.1'] }]);
    expect(find(scheme.sections, '1.1.2.1')!.title).toBe('户档案齐全');
    expect(find(scheme.sections, '2')!.title).toBe('重点工作');
  });

  it('a 考核项目 column merged down makes the section; one row alone names its item', () => {
    const { scheme, problems } = importSheet(
      grid(
        [
          ['序号', '考核项目', '考核内容', '分值', '评分标准'],
          ['1', '组织领导（20分）', '建立组织机构', '10', '每缺少一项扣2分，扣完20分为止'],
          ['2', '', '制定工作计划', '10', '每缺少一项扣2分，扣完20分为止'],
          ['3', '群众满意度', '入户调查满意度', '15', '（满意＋基本满意×0.5）÷有效票×15'],
        ],
        [{ top: 1, left: 1, bottom: 2, right: 1 }],
      ),
    );
    expect(problems).toEqual([]);
    expect(scheme.sections.map((s) => [s.code, s.title, s.points, s.pool])).toEqual([
      ['1', '组织领导', 20, true],
      ['2', '群众满意度', 15, undefined],
    ]);
    expect(scheme.sections[0]!.children!.map((c) => c.title)).toEqual(['建立组织机构', '制定工作计划']);
    expect(scheme.sections[1]).toMatchObject({ title: '群众满意度', text: '入户调查满意度', rule: { kind: 'measured', scoring: { by: 'proportional' } } });
  });

  it('a 评分标准 merged down applies to every item it covers', () => {
    const { scheme } = importSheet(
      grid(
        [
          ['序号', '考核内容', '分值', '评分标准'],
          ['一、手册填写（12分）', '', '', ''],
          ['1', '基础信息', '6', '发现一处错误扣2分，扣完12分为止'],
          ['2', '帮扶措施', '6', ''],
        ],
        [across(1), { top: 2, left: 3, bottom: 3, right: 3 }],
      ),
    );
    expect(find(scheme.sections, '1.2')).toMatchObject({ ruleText: '发现一处错误扣2分，扣完12分为止', rule: { kind: 'perOccurrence', amount: 2 } });
  });

  it('bonus sections (加分项, 最高加N分), penalty sections (扣分项, 从总分中扣除) and 一票否决 rows', () => {
    const { scheme, problems } = importSheet(
      grid(
        [
          ['序号', '考核内容', '分值', '评分标准'],
          ['一、日常工作（10分）', '', '', ''],
          ['1', '按时报送', '10', '延报一次扣1分'],
          ['二、加分项（最高加5分）', '', '', ''],
          ['1', '获得省级表彰', '', '加3分'],
          ['2', '落实帮扶资金', '', '每落实10万元加0.5分，最高加2分'],
          ['三、扣分项（从总分中扣除）', '', '', ''],
          ['1', '被约谈', '', '每次扣2分'],
          ['2', '被通报批评', '', '不得评为“好”等次'],
          ['四、一票否决', '', '', ''],
          ['1', '发生规模性返贫', '', ''],
          ['2', '发生重大舆情', '', '实行一票否决'],
        ],
        [across(1), across(3), across(6), across(9)],
      ),
    );
    expect(scheme.sections[1]).toMatchObject({ code: '2', title: '加分项', bonus: true, points: 5 });
    expect(find(scheme.sections, '2.2')).toMatchObject({ points: 2, rule: { kind: 'measured', scoring: { by: 'perUnit', unit: 10, amount: 0.5 } } });
    expect(scheme.sections[2]).toMatchObject({ code: '3', penalty: true });
    expect(scheme.sections[2]!.points).toBeUndefined();
    expect(find(scheme.sections, '3.1')!.rule).toEqual({ kind: 'perOccurrence', amount: 2 });
    // 不得评为“好”等次 needs the scheme's grades: without them, no rule, and said.
    expect(find(scheme.sections, '3.2')!.rule).toBeUndefined();
    expect(find(scheme.sections, '4.1')!.rule).toEqual({ kind: 'veto', effect: 'zero' });
    expect(find(scheme.sections, '4.2')!.rule).toEqual({ kind: 'veto', effect: 'zero' });
    expect(problems.map((p) => [p.code, p.row, p.column, p.node])).toEqual([['grade-unknown', 9, 'D', '3.2']]);
  });

  it('a bonus section holding deductions deducts from the total too (其他奖惩办法)', () => {
    const { scheme } = importSheet(
      grid(
        [
          ['序号', '考核内容', '分值', '评分标准'],
          ['四、其他奖惩办法（10分）', '', '', ''],
          ['1', '媒体报道', '', '加5分'],
          ['2', '被约谈', '', '扣2分'],
        ],
        [across(1)],
      ),
    );
    expect(scheme.sections[0]).toMatchObject({ bonus: true, penalty: true, points: 10 });
  });

  it('marks every line it could not read with its row, column and the code it would have, in both languages', () => {
    const { scheme, problems } = importSheet(
      grid(
        [
          ['考核细则', '', '', ''],
          ['序号', '考核内容', '分值', '评分标准'],
          ['一、基础（20分）', '', '', ''],
          ['1', '资料', '见说明', '每缺少一项扣2分'],
          ['2', '宣传', '5', '由考核组综合评定'],
          ['3', '漏评率', '5', '达到100%得满分，每低1个百分点扣0.5分'],
          ['4', '档案', '5', '每处扣1分，扣完30分为止'],
          ['5', '经费', '5', ''],
        ],
        [across(0), across(2)],
      ),
    );
    expect(problems.map((p) => [p.code, p.row, p.column, p.node, p.severity])).toEqual([
      // 1.1 has no points read: a deduction without points shares the section's.
      ['pool-inferred', 3, undefined, '1', 'check'],
      ['bad-points', 4, 'C', undefined, 'unread'],
      ['unknown-wording', 5, 'D', '1.2', 'unread'],
      ['rounding-unstated', 6, 'D', '1.3', 'unread'],
      ['pool-not-found', 7, 'D', '1.4', 'unread'],
      ['empty-wording', 8, 'D', '1.5', 'unread'],
    ]);
    // Not read: the item keeps its wording and gets no rule.
    expect(find(scheme.sections, '1.2')).toEqual({ code: '1.2', title: '宣传', points: 5, ruleText: '由考核组综合评定' });
    expect(importProblemLine(problems[2]!, 'zh')).toBe('第5行D列，1.2：未能识别评分标准“由考核组综合评定”：请在表单中选择规则');
    expect(importProblemLine(problems[2]!, 'en')).toBe('row 5, column D: node 1.2: the scoring wording "由考核组综合评定" was not recognised: pick a rule in the form');
  });

  it('without a header row or rows under it: said', () => {
    expect(
      importSheet(
        grid([
          ['a', 'b'],
          ['c', 'd'],
        ]),
      ).problems.map((p) => p.code),
    ).toEqual(['no-header']);
    expect(importSheet(grid([])).problems.map((p) => p.code)).toEqual(['no-header']);
    expect(importSheet(grid([['序号', '考核内容', '分值', '评分标准']])).problems.map((p) => p.code)).toEqual(['no-rows']);
  });

  it('points in the column and in the title disagreeing: the column, and said', () => {
    const { scheme, problems } = importSheet(
      grid([
        ['序号', '考核内容', '分值', '评分标准'],
        ['（一）', '台账（20分）', '15', ''],
        ['1', '有台账', '15', '没有不得分'],
      ]),
    );
    expect(scheme.sections[0]!.points).toBe(15);
    expect(problems.map((p) => [p.code, p.row, p.column])).toEqual([['points-differ', 2, 'C']]);
  });
});

describe('numbering', () => {
  it('knows the usual styles', () => {
    expect(numbering('一、组织领导')).toMatchObject({ style: 'cn', rest: '组织领导' });
    expect(numbering('第二部分 日常工作')).toMatchObject({ style: 'cn', number: '二', rest: '日常工作' });
    expect(numbering('（三）政策宣传')).toMatchObject({ style: 'cnParen', rest: '政策宣传' });
    expect(numbering('(3)政策宣传')).toMatchObject({ style: 'arabicParen' });
    expect(numbering('3.政策宣传')).toMatchObject({ style: 'arabic', rest: '政策宣传' });
    expect(numbering('3、政策宣传')).toMatchObject({ style: 'arabic' });
    expect(numbering('1.2.3 政策')).toMatchObject({ style: 'dotted3', rest: '政策' });
    expect(numbering('①政策')).toMatchObject({ style: 'circled' });
    expect(numbering('100%完成')).toBeUndefined();
    expect(numbering('2.5万元')).toBeUndefined();
  });
});

describe('grades from the notes under the table', () => {
  it('reads them, and a ceiling is the grade below the one a unit may not reach', () => {
    const { scheme, problems } = importSheet(
      grid(
        [
          ['序号', '考核内容', '分值', '评分标准'],
          ['一、扣分项', '', '', '扣分项从总分中扣除，最多扣10分'],
          ['1', '被通报批评', '', '被通报批评的，不得评为“好”等次'],
          ['2', '擅自离岗', '', '擅自离岗的，确定为“差”等次'],
          ['3', '不得评为最低', '', '不得评为“差”等次'],
          ['说明：1. 考核结果分为好（90分及以上）、较好（80分—89.99分）、一般（60分—79.99分）、差（60分以下）四个等次。', '', '', ''],
          ['2. 本行是说明，不是细则的一项。', '', '', ''],
        ],
        [{ top: 1, left: 0, bottom: 1, right: 1 }],
      ),
    );
    // Codes as offices' grades have them (好 good, 较好 fair, 一般 average, 差 poor).
    expect(scheme.grades).toEqual([
      { code: 'good', title: '好', min: 90 },
      { code: 'fair', title: '较好', min: 80 },
      { code: 'average', title: '一般', min: 60 },
      { code: 'poor', title: '差', min: 0 },
    ]);
    expect(scheme.note).toBe('考核结果分为好（90分及以上）、较好（80分—89.99分）、一般（60分—79.99分）、差（60分以下）四个等次。本行是说明，不是细则的一项。');
    expect(scheme.sections).toHaveLength(1);
    expect(scheme.sections[0]).toMatchObject({ penalty: true, penaltyCap: 10 });
    expect(find(scheme.sections, '1.1')!.rule).toEqual({ kind: 'veto', effect: 'ceiling', grade: 'fair' });
    expect(find(scheme.sections, '1.2')!.rule).toEqual({ kind: 'veto', effect: 'grade', grade: 'poor' });
    // Below the lowest grade there is none: said.
    expect(problems.map((p) => [p.code, p.node])).toEqual([['grade-unknown', '1.3']]);
  });
});

describe('rules from the notes under the table', () => {
  const table = (notes: string[], section = ['一、基础工作', '', '10', '']) =>
    importSheet(
      grid(
        [['序号', '考核内容', '分值', '评分标准'], section, ['1', '台账', '10', '缺一项扣1分，扣完为止'], ...notes.map((n) => [n, '', '', ''])],
        [{ top: 1, left: 0, bottom: 1, right: 1 }],
      ),
    );
  const GRADES = '考核结果分为好（90分及以上）、较好（80分—89.99分）、一般（60分—79.99分）、差（60分以下）四个等次';

  it('periods, their weights and how each combines; a quota of a grade; tie-breaks by a period', () => {
    const { scheme, problems } = table([
      '说明：1. 综合得分＝平时考核×30%＋年终考核×70%＋加分－扣分，保留两位小数（四舍五入）。',
      '2. 平时考核为四个季度督查得分的平均分。',
      `3. ${GRADES}，“好”等次不超过参加考核乡镇总数的20%，按综合得分从高到低确定，超出比例的确定为“较好”；综合得分相同的，年终考核得分高者排名在前。`,
    ]);
    expect(problems).toEqual([]);
    expect(scheme.periods).toEqual([
      { code: 'daily', title: '平时考核', weight: 30, combine: 'average' },
      { code: 'final', title: '年终考核', weight: 70, combine: 'last' },
    ]);
    expect(scheme.ranking).toEqual({ quotas: [{ grade: 'good', share: 20, otherwise: 'fair' }], tieBreak: ['final'] });
    expect(() => loadScheme(stringify(scheme))).not.toThrow();
  });

  it('conversion (按实得分÷应得分×100折算) and applicability (仅对脱贫村考核) from a section’s wording', () => {
    const { scheme, problems } = table([], ['一、脱贫村专项', '', '10', '仅对脱贫村考核；非脱贫村本项不参与考核，按实得分÷应得分×100折算']);
    expect(problems).toEqual([]);
    expect(scheme).toMatchObject({ convert: 100, notApplicable: 'exclude' });
    expect(scheme.sections[0]).toMatchObject({ appliesIf: { povertyVillage: true }, note: '仅对脱贫村考核；非脱贫村本项不参与考核，按实得分÷应得分×100折算' });
    expect(scheme.sections[0]!.ruleText).toBeUndefined();
    const built = loadScheme(stringify(scheme));
    expect(built.sections[0]!.appliesIf).toEqual({ povertyVillage: true });
  });

  it('a sentence naming such a rule but not read whole is said with its row, never guessed', () => {
    const { scheme, problems } = table([`说明：${GRADES}。“优秀”等次不超过20%，超出比例的确定为“较好”。综合得分＝平时考核×30%＋其他。`]);
    expect(scheme.ranking).toBeUndefined();
    expect(scheme.periods).toBeUndefined();
    expect(problems.map((p) => [p.code, p.row])).toEqual([
      ['note-unread', 4],
      ['note-unread', 4],
    ]);
    expect(importProblemLine(problems[0]!, 'zh')).toContain('未能识别为规则');
  });

  it('grades a scheme would have two codes for keep their titles as codes', () => {
    const { scheme } = table(['说明：考核结果分为好（90分及以上）、良好（80分—89.99分）、差（80分以下）三个等次。']);
    expect(scheme.grades!.map((g) => g.code)).toEqual(['好', '良好', '差']);
  });
});
