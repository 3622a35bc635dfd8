import { describe, expect, it } from 'vitest';
import { addNode, canMove, choiceOf, cleanScheme, moveNode, nodeAt, pathOf, removeNode, renumber, ruleFor, sampleFindings, withZh, zhOf, type DraftScheme } from './draft.ts';

const names = { section: '新的一节', item: '新的考核项目' };

function scheme(): DraftScheme {
  return {
    id: 't',
    version: 1,
    title: '测试',
    sections: [
      {
        code: '1',
        title: '一',
        points: 20,
        pool: true,
        children: [
          { code: '1.1', title: '甲', points: 10, rule: { kind: 'perOccurrence', amount: 2 } },
          { code: '1.2', title: '乙', points: 10, rule: { kind: 'range', min: 1, max: 3 } },
        ],
      },
      { code: '2', title: '二', points: 10, children: [{ code: '2.1', title: '丙', points: 10, rule: { kind: 'allOrNothing' } }] },
    ],
  };
}

const codes = (s: DraftScheme) => s.sections.map((n) => [n.code, (n.children ?? []).map((c) => c.code)]);

describe('the form editor’s tree operations', () => {
  it('adds a section, a child (its parent’s rule goes) and a sibling, with free codes, never changing the original', () => {
    const s = scheme();
    const a = addNode(s, 'section', undefined, names);
    expect(a.path).toEqual([2]);
    expect(nodeAt(a.scheme, [2])).toMatchObject({ code: '3', title: '新的一节', children: [{ code: '3.1', title: '新的考核项目' }] });
    const b = addNode(s, 'child', [0, 0], names);
    expect(b.path).toEqual([0, 0, 0]);
    expect(nodeAt(b.scheme, [0, 0])!.rule).toBeUndefined();
    expect(nodeAt(b.scheme, [0, 0, 0])!.code).toBe('1.1.1');
    const c = addNode(s, 'after', [0, 0], names);
    expect(c.path).toEqual([0, 1]);
    expect(codes(c.scheme)).toEqual([
      ['1', ['1.1', '1.3', '1.2']],
      ['2', ['2.1']],
    ]);
    expect(s).toEqual(scheme());
  });

  it('moves up, down, into the section before and out of a section; answers the new path', () => {
    const s = scheme();
    expect(canMove(s, [0, 0], 'up')).toBe(false);
    expect(canMove(s, [0, 0], 'into')).toBe(false); // nothing before it
    expect(canMove(s, [0, 1], 'into')).toBe(false); // 1.1 is an item
    expect(canMove(s, [1], 'out')).toBe(false);
    const down = moveNode(s, [0, 0], 'down');
    expect(down.path).toEqual([0, 1]);
    expect(codes(down.scheme)[0]).toEqual(['1', ['1.2', '1.1']]);
    const out = moveNode(s, [0, 1], 'out');
    expect(out.path).toEqual([1]);
    expect(codes(out.scheme).map((x) => x[0])).toEqual(['1', '1.2', '2']);
    // Not into an item (1.2 is one now).
    expect(canMove(out.scheme, [2], 'into')).toBe(false);
    const section = moveNode(s, [1], 'into');
    expect(section.path).toEqual([0, 2]);
    expect(codes(section.scheme)).toEqual([['1', ['1.1', '1.2', '2']]]);
    expect(moveNode(s, [0, 0], 'up')).toEqual({ scheme: s, path: [0, 0] });
  });

  it('removes a node with what is under it; finds a node by code', () => {
    const s = removeNode(scheme(), [0]);
    expect(codes(s)).toEqual([['2', ['2.1']]]);
    expect(pathOf(scheme(), '1.2')).toEqual([0, 1]);
    expect(pathOf(scheme(), '9')).toBeUndefined();
  });
});

describe('rules, texts and cleaning', () => {
  it('makes a rule for each choice and names the choice of a rule', () => {
    expect(ruleFor('perOccurrence', { kind: 'fixedPenalty', amount: 3 })).toEqual({ kind: 'perOccurrence', amount: 3 });
    expect(choiceOf(ruleFor('shortfall'))).toBe('shortfall');
    expect(ruleFor('shortfall')).toMatchObject({ kind: 'measured', measure: { kind: 'rate' }, scoring: { by: 'shortfall', target: 100, step: 1, rounding: 'up' } });
    expect(choiceOf(ruleFor('parts'))).toBe('parts');
    expect(choiceOf(undefined)).toBeUndefined();
  });

  it('edits the Chinese of a text and keeps its English', () => {
    expect(withZh({ zh: '甲', en: 'A' }, '乙')).toEqual({ zh: '乙', en: 'A' });
    expect(withZh('甲', '乙')).toBe('乙');
    expect(withZh('甲', '')).toBeUndefined();
    expect(zhOf({ zh: '甲' })).toBe('甲');
  });

  it('leaves empty fields out of the data, keeping empty sections and points: null', () => {
    const s = cleanScheme({
      id: 't',
      version: 1,
      title: { zh: '测试', en: '' },
      note: '',
      grades: [],
      sections: [{ code: '1', title: '一', text: '', points: null, children: [], checklist: [] }],
    });
    expect(s).toEqual({ id: 't', version: 1, title: '测试', sections: [{ code: '1', title: '一', points: null, children: [] }] });
  });

  it('turns sample findings into the engine’s, in hundredths', () => {
    expect(
      sampleFindings([
        { item: '1.1', count: 2 },
        { item: '1.2', pick: 1.5, note: '资料不全' },
        { item: '2.1', percent: 95.5 },
        { item: '2.2', amount: 12.5 },
        { item: '2.3', level: 'b' },
        { item: '2.4', part: 'a', count: 1 },
        { item: '' },
      ]),
    ).toEqual([
      { item: '1.1', count: 2 },
      { item: '1.2', count: 1, amount: 150, note: '资料不全' },
      { item: '2.1', value: { percent: 9550 } },
      { item: '2.2', value: { amount: 1250 } },
      { item: '2.3', value: { level: 'b' } },
      { item: '2.4', count: 1, part: 'a' },
    ]);
  });
});

describe('the built-in schemes in the form', () => {
  it('lose nothing: the form’s data of each is its file’s data, and builds the same scheme', async () => {
    const { builtinScheme, builtinSchemeIds } = await import('../../../../schemes/index.ts');
    const { schemeToData } = await import('../../../../core/scheme/serialize.ts');
    const { schemeFromData } = await import('../../../../core/scheme/build.ts');
    const ids = builtinSchemeIds();
    expect(ids.length).toBeGreaterThan(1);
    for (const id of ids) {
      const scheme = builtinScheme(id);
      const data = schemeToData(scheme) as unknown as DraftScheme;
      const cleaned = cleanScheme(structuredClone(data));
      expect(cleaned, id).toEqual(data);
      expect(schemeFromData(JSON.parse(JSON.stringify(cleaned))), id).toEqual(scheme);
      // Every rule of it is one the picker offers.
      const walk = (list: DraftScheme['sections']): void =>
        list.forEach((n) => {
          if (n.rule) expect(choiceOf(n.rule), `${id} ${n.code}`).toBeDefined();
          walk(n.children ?? []);
        });
      walk(data.sections);
    }
  });
});

describe('renumbering', () => {
  it('numbers every node by its place after moves, says what changed, and a tie-break follows its node', () => {
    const scheme: DraftScheme = {
      id: 'x',
      version: 1,
      title: 'x',
      ranking: { tieBreak: ['final', '2.3'] },
      sections: [
        { code: '2', title: '二', children: [{ code: '2.3', title: 'a', points: 5, rule: { kind: 'perOccurrence', amount: 1 } }] },
        {
          code: '1',
          title: '一',
          children: [
            { code: '1.1', title: 'b', points: 5, rule: { kind: 'perOccurrence', amount: 1 } },
            { code: '2.1', title: 'c', points: 5, rule: { kind: 'perOccurrence', amount: 1 } },
          ],
        },
      ],
    };
    const { scheme: out, changed } = renumber(scheme);
    expect(out.sections.map((s) => [s.code, (s.children ?? []).map((c) => c.code)])).toEqual([
      ['1', ['1.1']],
      ['2', ['2.1', '2.2']],
    ]);
    expect(changed).toEqual([
      ['2', '1'],
      ['2.3', '1.1'],
      ['1', '2'],
      ['1.1', '2.1'],
      ['2.1', '2.2'],
    ]);
    expect(out.ranking!.tieBreak).toEqual(['final', '1.1']);
    expect(renumber(out).changed).toEqual([]);
  });
});
