/**
 * The form editor's state: the scheme file's data itself (the shape of a YAML scheme file, points
 * as decimals: RawScheme of src/core/scheme/build.ts, what `schemeToData` gives and what the
 * server answers as `scheme: SchemeData`), and the pure operations the form applies to it:
 * adding, moving and removing nodes, the rule kinds as offices word them, and the sample
 * findings of the live score. No React here, so every operation is tested on its own.
 */
import { toCents } from '../../../../core/numbers.ts';
import type { Finding } from '../../../../core/scoring/score.ts';

/** Text as a scheme file gives it: Chinese only, or both languages. */
export type DraftText = string | { zh: string; en?: string };

export type DraftSimpleRule =
  | { kind: 'perOccurrence'; amount?: number; pool?: string }
  | { kind: 'fixedPenalty'; amount?: number; pool?: string }
  | { kind: 'allOrNothing'; pool?: string }
  | { kind: 'range'; min?: number; max?: number; step?: number; pool?: string };

export interface DraftMeasure {
  kind: 'rate' | 'amount' | 'count' | 'rating';
  title?: DraftText;
  unit?: DraftText;
  terms?: Array<{ code: string; title: DraftText; weight?: number }>;
  of?: DraftText;
  levels?: Array<{ code: string; title: DraftText; points?: number }>;
}

export type DraftScoring =
  | { by: 'shortfall'; target?: number; step?: number; amount?: number; rounding: 'up' | 'exact' | 'down'; floor?: number }
  | { by: 'tiers'; tiers: Array<{ min?: number; points?: number; above?: boolean }> }
  | { by: 'rating' }
  | { by: 'proportional' }
  | { by: 'perUnit'; unit?: number; amount?: number; rounding: 'down' | 'exact' };

export type DraftRule =
  | DraftSimpleRule
  | { kind: 'bonus'; amount?: number }
  | { kind: 'veto'; effect: 'zero' | 'grade' | 'ceiling'; grade?: string }
  | { kind: 'measured'; measure: DraftMeasure; scoring: DraftScoring; pool?: string }
  | { kind: 'parts'; parts: Array<{ code: string; title: DraftText; rule: DraftSimpleRule }>; pool?: string };

export type DraftTest = string | number | boolean | { in: Array<string | number | boolean> } | { ne: string | number | boolean } | { gte: number } | { lte: number };

export interface DraftNode {
  code: string;
  title: DraftText;
  text?: DraftText;
  ruleText?: DraftText;
  points?: number | string | null;
  pool?: boolean;
  bonus?: boolean;
  penalty?: boolean;
  penaltyCap?: number;
  highestOnly?: boolean;
  dataSource?: DraftText;
  department?: DraftText;
  rule?: DraftRule;
  appliesIf?: Record<string, DraftTest>;
  checklist?: Array<{ code: string; title: DraftText }>;
  unevenChildren?: string;
  note?: DraftText;
  children?: DraftNode[];
}

export interface DraftScheme {
  id: string;
  version: number;
  title: DraftText;
  source?: string;
  note?: DraftText;
  notApplicable?: 'keep' | 'exclude';
  gradeBasis?: 'total' | 'base' | 'percent';
  grades?: Array<{ code: string; title: DraftText; min?: number }>;
  convert?: number;
  unmeasured?: 'full' | 'zero';
  periods?: Array<{ code: string; title: DraftText; weight?: number; combine: 'average' | 'sum' | 'last' }>;
  ranking?: {
    quotas?: Array<{ grade: string; share?: number; otherwise: string }>;
    tieBreak?: string[];
    rankPoints?: number[];
    rankPointsRest?: number;
  };
  sections: DraftNode[];
}

/**
 * What the import page hands over in the history entry's state when it opens its result here:
 * `navigate('/schemes/new/form', { state: { draft, unread } })`. `draft` is the scheme file's
 * data (SchemeData); `unread` the lines the importer could not read: `node` the code of the node
 * the line belongs to (shown beside it), `row` the sheet's row (1-based, as the sheet numbers
 * it), `message` a sentence in Chinese, shown as is until the office marks it done.
 */
export interface FormHandover {
  draft: DraftScheme;
  unread?: Array<{ node?: string; row?: number; message: string }>;
}

/** A node's place in the tree: indices from the top-level section down. */
export type NodePath = number[];

/** The Chinese of a text (the form edits the Chinese; an English rendering is kept as it was). */
export function zhOf(text: DraftText | undefined): string {
  if (text === undefined) return '';
  return typeof text === 'string' ? text : text.zh;
}

/** The text with its Chinese changed, keeping an English rendering; undefined when emptied. */
export function withZh(text: DraftText | undefined, zh: string): DraftText | undefined {
  if (!zh) return undefined;
  return typeof text === 'object' && text.en !== undefined ? { zh, en: text.en } : zh;
}

/** A new scheme's start: one section with one item. */
export function newScheme(): DraftScheme {
  return {
    id: 'my-county',
    version: 1,
    title: '我县考核细则',
    notApplicable: 'keep',
    sections: [{ code: '1', title: '第一部分', points: 10, children: [{ code: '1.1', title: '考核项目', points: 10, rule: { kind: 'perOccurrence', amount: 1 } }] }],
  };
}

export function nodeAt(scheme: DraftScheme, path: NodePath): DraftNode | undefined {
  let list = scheme.sections;
  let node: DraftNode | undefined;
  for (const i of path) {
    node = list[i];
    if (!node) return undefined;
    list = node.children ?? [];
  }
  return node;
}

/** The path of the node with this code (the first one, in scheme order). */
export function pathOf(scheme: DraftScheme, code: string): NodePath | undefined {
  const go = (list: DraftNode[], at: NodePath): NodePath | undefined => {
    for (const [i, n] of list.entries()) {
      if (n.code === code) return [...at, i];
      const inner = go(n.children ?? [], [...at, i]);
      if (inner) return inner;
    }
    return undefined;
  };
  return go(scheme.sections, []);
}

/** A copy of the scheme with the list that holds `path`'s last index changed by `change`. */
function editList(scheme: DraftScheme, parentPath: NodePath, change: (list: DraftNode[]) => DraftNode[]): DraftScheme {
  const go = (list: DraftNode[], rest: NodePath): DraftNode[] => {
    if (rest.length === 0) return change([...list]);
    const [i, ...more] = rest;
    return list.map((n, j) => (j === i ? { ...n, children: go(n.children ?? [], more) } : n));
  };
  return { ...scheme, sections: go(scheme.sections, parentPath) };
}

/** Replaces the node at `path` with what `change` makes of it. */
export function updateNode(scheme: DraftScheme, path: NodePath, change: (node: DraftNode) => DraftNode): DraftScheme {
  return editList(scheme, path.slice(0, -1), (list) => {
    const i = path.at(-1)!;
    list[i] = change(list[i]!);
    return list;
  });
}

/** Every code in use, for proposing a free one. */
function codes(scheme: DraftScheme): Set<string> {
  const out = new Set<string>();
  const go = (list: DraftNode[]) => list.forEach((n) => (out.add(n.code), go(n.children ?? [])));
  go(scheme.sections);
  return out;
}

/** A code not in use: the parent's code and the next number (1.3 after 1.1 and 1.2), or the next section number. */
function freeCode(scheme: DraftScheme, parent: DraftNode | undefined, siblings: number): string {
  const used = codes(scheme);
  for (let n = siblings + 1; ; n++) {
    const code = parent ? `${parent.code}.${n}` : String(n);
    if (!used.has(code)) return code;
  }
}

export type AddWhere = 'section' | 'child' | 'after';

/**
 * Adds a node: a new top-level section at the end, a child at the end of the selected node (which
 * becomes a section: its rule goes), or a sibling right after it. Answers the new node's path.
 */
export function addNode(scheme: DraftScheme, where: AddWhere, at: NodePath | undefined, names: { section: string; item: string }): { scheme: DraftScheme; path: NodePath } {
  if (where === 'section' || !at || at.length === 0) {
    const code = freeCode(scheme, undefined, scheme.sections.length);
    const node: DraftNode = { code, title: names.section, children: [{ code: `${code}.1`, title: names.item, points: 0, rule: { kind: 'perOccurrence', amount: 1 } }] };
    if (codes(scheme).has(`${code}.1`)) node.children = [];
    return { scheme: { ...scheme, sections: [...scheme.sections, node] }, path: [scheme.sections.length] };
  }
  if (where === 'child') {
    const parent = nodeAt(scheme, at)!;
    const count = parent.children?.length ?? 0;
    const child: DraftNode = { code: freeCode(scheme, parent, count), title: names.item, points: 0, rule: { kind: 'perOccurrence', amount: 1 } };
    const next = updateNode(scheme, at, (n) => {
      const { rule: _rule, checklist: _checklist, ...rest } = n;
      return { ...rest, children: [...(n.children ?? []), child] };
    });
    return { scheme: next, path: [...at, count] };
  }
  const parentPath = at.slice(0, -1);
  const parent = parentPath.length ? nodeAt(scheme, parentPath) : undefined;
  const siblings = parent ? (parent.children ?? []) : scheme.sections;
  const i = at.at(-1)! + 1;
  const node: DraftNode = { code: freeCode(scheme, parent, siblings.length), title: names.item, points: 0, rule: { kind: 'perOccurrence', amount: 1 } };
  return { scheme: editList(scheme, parentPath, (list) => (list.splice(i, 0, node), list)), path: [...parentPath, i] };
}

/**
 * Codes from the tree as it stands (1, 1.1, 1.1.1, as the seed's), after moves left them as they
 * were: every node numbered by its place. A tie-break naming a node follows it to its new code.
 * Answers the scheme and the codes changed, old → new.
 */
export function renumber(scheme: DraftScheme): { scheme: DraftScheme; changed: Array<[string, string]> } {
  const changed: Array<[string, string]> = [];
  const map = new Map<string, string>();
  const go = (list: DraftNode[], prefix: string): DraftNode[] =>
    list.map((n, i) => {
      const code = prefix ? `${prefix}.${i + 1}` : String(i + 1);
      if (code !== n.code) changed.push([n.code, code]);
      if (!map.has(n.code)) map.set(n.code, code);
      return { ...n, code, ...(n.children ? { children: go(n.children, code) } : {}) };
    });
  const sections = go(scheme.sections, '');
  const next: DraftScheme = { ...scheme, sections };
  if (scheme.ranking?.tieBreak) next.ranking = { ...scheme.ranking, tieBreak: scheme.ranking.tieBreak.map((k) => map.get(k) ?? k) };
  return { scheme: next, changed };
}

export function removeNode(scheme: DraftScheme, at: NodePath): DraftScheme {
  return editList(scheme, at.slice(0, -1), (list) => (list.splice(at.at(-1)!, 1), list));
}

export type Move = 'up' | 'down' | 'into' | 'out';

/** Whether a move can be made: up/down within its list, into the section before it, out of its section. */
export function canMove(scheme: DraftScheme, at: NodePath, move: Move): boolean {
  const i = at.at(-1)!;
  const parentPath = at.slice(0, -1);
  const siblings = parentPath.length ? (nodeAt(scheme, parentPath)?.children ?? []) : scheme.sections;
  switch (move) {
    case 'up':
      return i > 0;
    case 'down':
      return i < siblings.length - 1;
    case 'into':
      return i > 0 && !siblings[i - 1]!.rule;
    case 'out':
      return parentPath.length > 0;
  }
}

/**
 * Moves a node: up or down among its siblings, into the node before it (as its last child), or
 * out of its section (right after it). Answers the node's new path (the same where it cannot move).
 */
export function moveNode(scheme: DraftScheme, at: NodePath, move: Move): { scheme: DraftScheme; path: NodePath } {
  if (!canMove(scheme, at, move)) return { scheme, path: at };
  const i = at.at(-1)!;
  const parentPath = at.slice(0, -1);
  const node = nodeAt(scheme, at)!;
  switch (move) {
    case 'up':
    case 'down': {
      const j = move === 'up' ? i - 1 : i + 1;
      const next = editList(scheme, parentPath, (list) => {
        [list[i], list[j]] = [list[j]!, list[i]!];
        return list;
      });
      return { scheme: next, path: [...parentPath, j] };
    }
    case 'into': {
      const without = removeNode(scheme, at);
      const target = [...parentPath, i - 1];
      const count = nodeAt(without, target)!.children?.length ?? 0;
      return { scheme: updateNode(without, target, (n) => ({ ...n, children: [...(n.children ?? []), node] })), path: [...target, count] };
    }
    case 'out': {
      const without = removeNode(scheme, at);
      const grand = parentPath.slice(0, -1);
      const j = parentPath.at(-1)! + 1;
      return { scheme: editList(without, grand, (list) => (list.splice(j, 0, node), list)), path: [...grand, j] };
    }
  }
}

/** The rule kinds as the form offers them, worded as offices word them (keys of `form.kinds.*`). */
export const RULE_CHOICES = [
  'perOccurrence',
  'fixedPenalty',
  'allOrNothing',
  'range',
  'shortfall',
  'tiers',
  'rating',
  'proportional',
  'perUnit',
  'bonus',
  'veto',
  'parts',
] as const;
export type RuleChoice = (typeof RULE_CHOICES)[number];

/** The kinds one part of a several-rules item can have. */
export const PART_CHOICES = ['perOccurrence', 'fixedPenalty', 'allOrNothing', 'range'] as const;

/** Which choice a rule is. */
export function choiceOf(rule: DraftRule | undefined): RuleChoice | undefined {
  if (!rule) return undefined;
  if (rule.kind === 'measured') return rule.scoring.by;
  return rule.kind;
}

/** A new rule of a choice, with the numbers of the rule it replaces where they fit. */
export function ruleFor(choice: RuleChoice, old?: DraftRule): DraftRule {
  const amount = old && 'amount' in old && typeof old.amount === 'number' ? old.amount : 1;
  switch (choice) {
    case 'perOccurrence':
    case 'fixedPenalty':
    case 'bonus':
      return { kind: choice, amount };
    case 'allOrNothing':
      return { kind: 'allOrNothing' };
    case 'range':
      return { kind: 'range', min: 1, max: 3 };
    case 'veto':
      return { kind: 'veto', effect: 'zero' };
    case 'parts':
      return { kind: 'parts', parts: [{ code: 'a', title: '', rule: { kind: 'perOccurrence', amount } }] };
    case 'shortfall':
      return { kind: 'measured', measure: { kind: 'rate' }, scoring: { by: 'shortfall', target: 100, step: 1, amount: 0.5, rounding: 'up' } };
    case 'tiers':
      return {
        kind: 'measured',
        measure: { kind: 'amount', unit: '万元' },
        scoring: {
          by: 'tiers',
          tiers: [
            { min: 10, points: 2 },
            { min: 0, points: 0 },
          ],
        },
      };
    case 'rating':
      return {
        kind: 'measured',
        measure: {
          kind: 'rating',
          levels: [
            { code: 'a', title: '好', points: 0 },
            { code: 'b', title: '较好', points: 0 },
            { code: 'c', title: '一般', points: 0 },
            { code: 'd', title: '差', points: 0 },
          ],
        },
        scoring: { by: 'rating' },
      };
    case 'proportional':
      return { kind: 'measured', measure: { kind: 'rate' }, scoring: { by: 'proportional' } };
    case 'perUnit':
      return { kind: 'measured', measure: { kind: 'amount', unit: '万元' }, scoring: { by: 'perUnit', unit: 1, amount: 0.5, rounding: 'down' } };
  }
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * The data as a scheme file has it: empty fields left out (an empty English, an empty note, an
 * empty list), so that what is stored reads as an office would write it.
 */
export function cleanScheme(scheme: DraftScheme): DraftScheme {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const c = clean(x);
        // `children: []` and `points: null` say something (an empty section, no points of its own): kept.
        if (isEmpty(c) && !(k === 'points' && c === null) && !(k === 'children' && Array.isArray(c))) continue;
        if (k === 'title' && c && typeof c === 'object' && !Array.isArray(c) && isEmpty((c as { en?: string }).en)) {
          out[k] = (c as { zh: string }).zh;
          continue;
        }
        out[k] = c;
      }
      return out;
    }
    return v;
  };
  return clean(scheme) as DraftScheme;
}

/** Every node with its path and depth, in scheme order. */
export function flatten(scheme: DraftScheme): Array<{ node: DraftNode; path: NodePath }> {
  const out: Array<{ node: DraftNode; path: NodePath }> = [];
  const go = (list: DraftNode[], at: NodePath) =>
    list.forEach((n, i) => {
      out.push({ node: n, path: [...at, i] });
      go(n.children ?? [], [...at, i]);
    });
  go(scheme.sections, []);
  return out;
}

/** One sample finding as the office enters it in the sample score. */
export interface SampleFinding {
  item: string;
  count?: number;
  /** A rate: the percentage reached; an amount or count: the value; a rating: the level's code. */
  percent?: number;
  amount?: number;
  level?: string;
  /** A range rule: the amount picked per occurrence (the note gives the reason). */
  pick?: number;
  note?: string;
  part?: string;
}

/** The sample findings as the engine takes them (points and values in hundredths). */
export function sampleFindings(samples: readonly SampleFinding[]): Finding[] {
  return samples
    .filter((s) => s.item)
    .map((s) => {
      const f: Finding = { item: s.item };
      // A measured item takes one value; any other finding a count of occurrences.
      if (s.level) f.value = { level: s.level };
      else if (s.percent !== undefined) f.value = { percent: toCents(s.percent) ?? 0 };
      else if (s.amount !== undefined) f.value = { amount: toCents(s.amount) ?? 0 };
      else f.count = s.count ?? 1;
      if (s.pick !== undefined) f.amount = toCents(s.pick) ?? 0;
      if (s.note) f.note = s.note;
      if (s.part) f.part = s.part;
      return f;
    });
}
