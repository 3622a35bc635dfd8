/**
 * The scoring engine: applies a scheme to the findings recorded for one unit and explains
 * every point. Pure: everything comes in as arguments, nothing is read or written.
 */
import { KaoheError } from '../errors.ts';
import { fromCents, percentCents, type Cents } from '../numbers.ts';
import { holds, type Attributes } from '../scheme/conditions.ts';
import type { GradeBand, Rule, Scheme, SchemeNode, Text } from '../scheme/model.ts';

/** One occurrence (or `count` occurrences) of a shortcoming or merit named by an item. */
export interface Finding {
  item: string;
  /** Whole number ≥ 0; default 1. For an all-or-nothing item any count ≥ 1 means "not met". */
  count?: number;
  /** Code of the checklist element that failed. */
  element?: string;
  note?: string;
  /** Household or person concerned, if any (an id or name, shown as given). */
  household?: string;
  id?: string;
  /** A measured item: the value measured (one value finding per item). */
  value?: MeasuredValue;
  /** A discretionary (range) rule: the amount picked per occurrence, within the rule's range; the note gives the reason. */
  amount?: Cents;
  /** An item with several rules: the code of the part this finding is about. */
  part?: string;
}

/**
 * A measured value. A rate is given as counts (`num`, one number or the counts of the measure's
 * terms by code, and the denominator `of`) or as `percent` (hundredths of a percent); an amount
 * or a count as `amount` (hundredths of the measure's unit); a rating as the level's code.
 */
export interface MeasuredValue {
  num?: number | Record<string, number>;
  of?: number;
  percent?: Cents;
  amount?: Cents;
  level?: string;
}

export interface Unit {
  name?: string;
  attributes?: Attributes;
}

export interface FindingProblem {
  /** Position of the finding in the list given (0-based). */
  index: number;
  item: unknown;
  field: 'item' | 'count' | 'element';
  code: string;
  /** The English sentence; `findingProblemText` says it in either language. */
  message: string;
  /** The values the sentence names beside the item (the count given, the element and the item's elements). */
  params?: Readonly<Record<string, string>>;
}

/** What each finding problem says in Chinese, by its code (the English is its message). */
const FINDING_PROBLEM_ZH: Record<string, (item: string, p: Readonly<Record<string, string>>) => string> = {
  'missing-item': () => '每条扣分须写明考核项目编号（如 1.1）',
  'unknown-item': (item) => `考核细则中没有考核项目 ${item}`,
  'not-an-item': (item) => `${item} 是考核项目的上级，不是考核项目：请记在其下的考核项目上`,
  'bad-count': (_, p) => `次数须为不小于0的整数，不能是 ${p.count}`,
  'no-checklist': (item) => `考核项目 ${item} 没有要素清单`,
  'unknown-element': (item, p) => `考核项目 ${item} 没有要素 ${p.element}（要素：${p.elements}）`,
  'not-applicable': (item) => `考核项目 ${item} 不适用于本村`,
};

/** A finding problem's sentence in a language (an unknown code gives its English message). */
export function findingProblemText(p: FindingProblem, lang: 'zh' | 'en'): string {
  const zh = lang === 'zh' ? FINDING_PROBLEM_ZH[p.code] : undefined;
  return zh ? zh(String(p.item), p.params ?? {}) : p.message;
}

/** Thrown when findings cannot be scored; lists every offending finding. */
export class FindingsError extends KaoheError {
  readonly problems: FindingProblem[];
  constructor(problems: FindingProblem[]) {
    super('invalid-findings', problems.map((p) => `findings[${p.index}] (item ${String(p.item)}), ${p.field}: ${p.message}`).join('\n'), problems);
    this.problems = problems;
  }
}

/** A finding's effect on its item, before pooling. */
export interface Deduction {
  /** Index of the finding in the list given. */
  finding: number;
  count: number;
  element?: string;
  note?: string;
  household?: string;
  /** Points this finding deducts (or adds, for a bonus) before any pool or cap. */
  amount: Cents;
}

export interface NodeScore {
  code: string;
  kind: 'section' | 'item';
  applicable: boolean;
  /** Maximum points of the node for this unit (0 where a non-applicable node leaves the maximum). */
  max: Cents;
  /** Deductions recorded under the node, before pooling. */
  deductedRaw: Cents;
  /** Deductions that count, after pools and caps. */
  deducted: Cents;
  score: Cents;
  /** Bonus sections and items: points added before and after the cap. */
  addedRaw?: Cents;
  added?: Cents;
  /** Items: the pool their deductions draw on (a node code), innermost first. */
  pools?: string[];
  /** Items: the findings that caused the deduction or bonus. */
  deductions?: Deduction[];
  /** Items: a veto item that was triggered. */
  vetoed?: boolean;
}

export interface ScoreResult {
  scheme: { id: string; version: number };
  unit: { name?: string };
  base: Cents;
  bonus: Cents;
  total: Cents;
  max: Cents;
  bonusMax: Cents;
  /** Base as a percentage of the applicable maximum, in hundredths of a percent. */
  percent: Cents | null;
  grade: GradeBand | null;
  veto: { items: string[]; effect: 'zero' | 'grade'; grade?: string } | null;
  nodes: Record<string, NodeScore>;
  /** Node codes in scheme order. */
  order: string[];
}

interface CompiledNode {
  node: SchemeNode;
  code: string;
  parent: number;
  children: number[];
  points: Cents;
  isItem: boolean;
  isVeto: boolean;
  inBonus: boolean;
  /** Items with a deduction rule: indices of the pools they draw on, innermost first. */
  poolChain: number[];
  /** The same pools by code, shared by every result. */
  poolCodes: string[] | undefined;
}

interface Compiled {
  nodes: CompiledNode[];
  byCode: Map<string, number>;
  conditional: boolean;
  /** Bonus sections, each with its bonus items in scheme order. */
  bonusSections: Array<{ section: number; items: number[] }>;
  /** Every node applies (shared, never written to). */
  allApplicable: Uint8Array;
  /**
   * Working arrays reused by every call (score() is synchronous, so calls never overlap):
   * scoring 100,000 units allocates no typed arrays.
   */
  scratch: {
    counts: Float64Array;
    max: Float64Array;
    excluded: Float64Array;
    raw: Float64Array;
    after: Float64Array;
    addedRaw: Float64Array;
    added: Float64Array;
    remaining: Float64Array;
  };
}

const compiledCache = new WeakMap<Scheme, Compiled>();

/** Flattens a scheme into arrays once; reused for every unit scored with it. */
function compile(scheme: Scheme): Compiled {
  const cached = compiledCache.get(scheme);
  if (cached) return cached;
  const nodes: CompiledNode[] = [];
  const byCode = new Map<string, number>();
  let conditional = false;
  const add = (node: SchemeNode, parent: number, inBonus: boolean, lineage: number[]) => {
    const index = nodes.length;
    const entry: CompiledNode = {
      node,
      code: node.code,
      parent,
      children: [],
      points: node.points ?? 0,
      isItem: node.rule !== undefined,
      isVeto: node.rule?.kind === 'veto',
      inBonus: inBonus || node.bonus,
      poolChain: [],
      poolCodes: undefined,
    };
    nodes.push(entry);
    byCode.set(node.code, index);
    if (node.appliesIf) conditional = true;
    if (parent >= 0) nodes[parent]!.children.push(index);
    const here = [...lineage, index];
    if (node.rule && isDeduction(node.rule)) {
      entry.poolChain = poolChainOf(node.rule, here, nodes);
      entry.poolCodes = Object.freeze(entry.poolChain.map((p) => nodes[p]!.code)) as string[];
    }
    for (const child of node.children) add(child, index, entry.inBonus, here);
  };
  for (const section of scheme.sections) add(section, -1, false, []);
  const n = nodes.length;
  const bonusSections: Compiled['bonusSections'] = [];
  nodes.forEach((c, i) => {
    if (!c.node.bonus) return;
    const items: number[] = [];
    const collect = (j: number) => {
      if (nodes[j]!.isItem) items.push(j);
      for (const child of nodes[j]!.children) collect(child);
    };
    collect(i);
    bonusSections.push({ section: i, items });
  });
  const compiled: Compiled = {
    nodes,
    byCode,
    conditional,
    bonusSections,
    allApplicable: new Uint8Array(n).fill(1),
    scratch: {
      counts: new Float64Array(n),
      max: new Float64Array(n),
      excluded: new Float64Array(n),
      raw: new Float64Array(n),
      after: new Float64Array(n),
      addedRaw: new Float64Array(n),
      added: new Float64Array(n),
      remaining: new Float64Array(n),
    },
  };
  compiledCache.set(scheme, compiled);
  return compiled;
}

function isDeduction(rule: Rule): rule is Extract<Rule, { kind: 'perOccurrence' | 'allOrNothing' | 'fixedPenalty' }> {
  return rule.kind === 'perOccurrence' || rule.kind === 'allOrNothing' || rule.kind === 'fixedPenalty';
}

/** The designated pool (explicit, else the nearest pool at or above the item, else the item itself) and every pool above it. */
function poolChainOf(rule: Rule & { pool?: string }, lineage: number[], nodes: CompiledNode[]): number[] {
  let start = -1;
  for (let i = lineage.length - 1; i >= 0; i--) {
    const n = nodes[lineage[i]!]!.node;
    if (rule.pool !== undefined ? n.code === rule.pool : n.pool) {
      start = i;
      break;
    }
  }
  if (start < 0) return [lineage[lineage.length - 1]!];
  const chain = [lineage[start]!];
  for (let i = start - 1; i >= 0; i--) if (nodes[lineage[i]!]!.node.pool) chain.push(lineage[i]!);
  return chain;
}

/** Checks findings against the scheme and the unit; returns every problem (empty when all are fine). */
export function checkFindings(scheme: Scheme, unit: Unit, findings: readonly Finding[]): FindingProblem[] {
  const compiled = compile(scheme);
  const applicable = applicability(compiled, unit);
  const problems: FindingProblem[] = [];
  for (let i = 0; i < findings.length; i++) {
    const p = problemOf(compiled, applicable, findings[i]!, i);
    if (p) problems.push(p);
  }
  return problems;
}

/** The problem with one finding, or null when it can be scored. (No closures: this runs for every finding.) */
function problemOf(compiled: Compiled, applicable: Uint8Array, f: Finding, index: number): FindingProblem | null {
  const item = (f as { item?: unknown }).item;
  if (typeof item !== 'string' || item === '') {
    return { index, item, field: 'item', code: 'missing-item', message: 'each finding names an item code (a string such as "1.1")' };
  }
  const at = compiled.byCode.get(item);
  if (at === undefined) return { index, item, field: 'item', code: 'unknown-item', message: `no item ${item} in the scheme` };
  const entry = compiled.nodes[at]!;
  if (!entry.isItem) {
    return { index, item, field: 'item', code: 'not-an-item', message: `${item} is a section, not an item: record findings on its items` };
  }
  const count = f.count === undefined ? 1 : f.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    return { index, item, field: 'count', code: 'bad-count', message: `count must be a whole number ≥ 0, not ${String(f.count)}`, params: { count: String(f.count) } };
  }
  if (f.element !== undefined) {
    const list = entry.node.checklist;
    if (!list) return { index, item, field: 'element', code: 'no-checklist', message: `item ${item} has no checklist to name an element of` };
    if (!list.some((e) => e.code === f.element)) {
      return {
        index,
        item,
        field: 'element',
        code: 'unknown-element',
        message: `item ${item} has no element ${JSON.stringify(f.element)} (elements: ${list.map((e) => e.code).join(', ')})`,
        params: { element: JSON.stringify(f.element), elements: list.map((e) => e.code).join('、') },
      };
    }
  }
  if (!applicable[at]) return { index, item, field: 'item', code: 'not-applicable', message: `item ${item} does not apply to this unit` };
  return null;
}

function applicability(compiled: Compiled, unit: Unit): Uint8Array {
  if (!compiled.conditional) return compiled.allApplicable;
  const { nodes } = compiled;
  const out = new Uint8Array(nodes.length);
  const attributes = unit.attributes ?? {};
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const parentOk = n.parent < 0 || out[n.parent] === 1;
    out[i] = parentOk && (!n.node.appliesIf || holds(n.node.appliesIf, attributes)) ? 1 : 0;
  }
  return out;
}

/** Scores one unit's findings by the scheme; throws FindingsError naming every bad finding. */
export function score(scheme: Scheme, unit: Unit, findings: readonly Finding[]): ScoreResult {
  const compiled = compile(scheme);
  const { nodes } = compiled;
  const n = nodes.length;
  const applicable = applicability(compiled, unit);
  const { counts, max, excluded, raw, after, addedRaw, added, remaining } = compiled.scratch;
  counts.fill(0);
  raw.fill(0);
  after.fill(0);
  addedRaw.fill(0);
  added.fill(0);

  let problems: FindingProblem[] | undefined;
  const deductions: Array<Deduction[] | undefined> = new Array(n);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    const problem = problemOf(compiled, applicable, f, i);
    if (problem) {
      (problems ??= []).push(problem);
      continue;
    }
    const at = compiled.byCode.get(f.item)!;
    const count = f.count === undefined ? 1 : f.count;
    counts[at] = counts[at]! + count;
    const d: Deduction = { finding: i, count, amount: 0 };
    if (f.element !== undefined) d.element = f.element;
    if (f.note !== undefined) d.note = f.note;
    if (f.household !== undefined) d.household = f.household;
    const list = deductions[at];
    if (list) list.push(d);
    else deductions[at] = [d];
  }
  if (problems) throw new FindingsError(problems);

  // Maximum per node: a non-applicable node leaves the maximum only where the scheme says so.
  const exclude = scheme.notApplicable === 'exclude';
  for (let i = n - 1; i >= 0; i--) {
    const c = nodes[i]!;
    let x = 0;
    if (exclude && !applicable[i]) x = c.points;
    else for (const child of c.children) x += excluded[child]!;
    excluded[i] = x;
    max[i] = c.points - x;
  }
  remaining.set(max);

  const vetoItems: string[] = [];
  let vetoRule: Extract<Rule, { kind: 'veto' }> | null = null;

  for (let i = 0; i < n; i++) {
    const count = counts[i]!;
    if (count === 0) continue;
    const c = nodes[i]!;
    const rule = c.node.rule!;
    const list = deductions[i]!;
    switch (rule.kind) {
      case 'perOccurrence':
      case 'fixedPenalty':
        raw[i] = count * rule.amount;
        for (const d of list) d.amount = d.count * rule.amount;
        break;
      case 'allOrNothing': {
        raw[i] = c.points;
        // The item is lost once, whatever the count: the first finding that says "not met" carries it.
        let carried = false;
        for (const d of list) {
          d.amount = !carried && d.count > 0 ? c.points : 0;
          if (d.amount > 0) carried = true;
        }
        break;
      }
      case 'bonus':
        addedRaw[i] = count * rule.amount;
        for (const d of list) d.amount = d.count * rule.amount;
        break;
      case 'veto':
        vetoItems.push(c.code);
        vetoRule ??= rule;
        break;
    }
    if (raw[i]! > 0) {
      // Pools give in scheme order: a deduction must fit in every pool from the item's own up.
      let take = raw[i]!;
      const chain = c.poolChain;
      for (let k = 0; k < chain.length; k++) take = Math.min(take, remaining[chain[k]!]!);
      for (let k = 0; k < chain.length; k++) remaining[chain[k]!] = remaining[chain[k]!]! - take;
      after[i] = take;
    }
  }

  // Bonus: item caps (an item's own points, where it has them), then the section's cap, in scheme order.
  for (const { section, items } of compiled.bonusSections) {
    let room = max[section]!;
    for (const j of items) {
      if (addedRaw[j]! === 0) continue;
      const capped = nodes[j]!.node.points !== null ? Math.min(addedRaw[j]!, max[j]!) : addedRaw[j]!;
      added[j] = Math.min(capped, room);
      room -= added[j]!;
    }
  }

  // Roll up from the leaves: a node's deductions are its items' deductions after pooling.
  for (let i = n - 1; i >= 0; i--) {
    const c = nodes[i]!;
    if (c.isItem) continue;
    for (const child of c.children) {
      raw[i] = raw[i]! + raw[child]!;
      after[i] = after[i]! + after[child]!;
      addedRaw[i] = addedRaw[i]! + addedRaw[child]!;
      added[i] = added[i]! + added[child]!;
    }
  }

  const result: Record<string, NodeScore> = {};
  const order: string[] = new Array(n);
  let base = 0;
  let baseMax = 0;
  let bonus = 0;
  let bonusMax = 0;
  for (let i = 0; i < n; i++) {
    const c = nodes[i]!;
    const code = c.code;
    order[i] = code;
    // An item's score reflects its own findings (an all-or-nothing item not met scores 0 even
    // when the pool gave up less for it); a section's score is what its pool gave up.
    const lost = c.isItem ? raw[i]! : after[i]!;
    const entry: NodeScore = {
      code,
      kind: c.isItem ? 'item' : 'section',
      applicable: applicable[i] === 1,
      max: max[i]!,
      deductedRaw: raw[i]!,
      deducted: after[i]!,
      score: c.inBonus ? added[i]! : Math.max(0, max[i]! - lost),
    };
    if (c.inBonus) {
      entry.addedRaw = addedRaw[i]!;
      entry.added = added[i]!;
    }
    if (c.isItem) {
      if (c.poolCodes) entry.pools = c.poolCodes;
      entry.deductions = deductions[i] ?? [];
      if (c.isVeto) entry.vetoed = counts[i]! > 0;
    }
    result[code] = entry;
    if (c.parent < 0) {
      if (c.node.bonus) {
        bonus += entry.score;
        bonusMax += max[i]!;
      } else {
        base += entry.score;
        baseMax += max[i]!;
      }
    }
  }

  let total = base + bonus;
  let veto: ScoreResult['veto'] = null;
  if (vetoRule) {
    veto = vetoRule.effect === 'grade' ? { items: vetoItems, effect: 'grade', grade: vetoRule.grade } : { items: vetoItems, effect: 'zero' };
    if (vetoRule.effect === 'zero') total = 0;
  }
  const percent = percentCents(base, baseMax);
  const grade = gradeOf(scheme, { total, base, percent }, veto);
  return {
    scheme: { id: scheme.id, version: scheme.version },
    unit: unit.name !== undefined ? { name: unit.name } : {},
    base,
    bonus,
    total,
    max: baseMax,
    bonusMax,
    percent,
    grade,
    veto,
    nodes: result,
    order,
  };
}

function gradeOf(scheme: Scheme, values: { total: Cents; base: Cents; percent: Cents | null }, veto: ScoreResult['veto']): GradeBand | null {
  if (scheme.grades.length === 0) return null;
  if (veto?.effect === 'grade') return scheme.grades.find((g) => g.code === veto.grade) ?? null;
  const value = scheme.gradeBasis === 'percent' ? (values.percent ?? 0) : scheme.gradeBasis === 'base' ? values.base : values.total;
  return scheme.grades.find((g) => value >= g.min) ?? null;
}

/** A finding's effect on its item in a result's JSON (points as decimals). */
export interface DeductionJson {
  finding: number;
  count: number;
  element?: string;
  note?: string;
  household?: string;
  amount: number;
}

/** A node of a result's JSON (points as decimals). */
export interface ScoreNodeJson {
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
  findings?: DeductionJson[];
}

/** A result as JSON: points as decimals, nodes by code in scheme order. */
export interface ScoreJson {
  scheme: { id: string; version: number };
  unit: { name?: string };
  base: number;
  bonus: number;
  total: number;
  max: number;
  bonusMax: number;
  percent: number | null;
  grade: { code: string; title: Text; min: number } | null;
  veto: ScoreResult['veto'];
  nodes: Record<string, ScoreNodeJson>;
}

/** Converts a result's cents to decimal points, for JSON output. */
export function resultToJson(result: ScoreResult): ScoreJson {
  const nodes: Record<string, ScoreNodeJson> = {};
  for (const code of result.order) {
    const n = result.nodes[code]!;
    const out: ScoreNodeJson = {
      kind: n.kind,
      applicable: n.applicable,
      max: fromCents(n.max),
      deductedRaw: fromCents(n.deductedRaw),
      deducted: fromCents(n.deducted),
      score: fromCents(n.score),
    };
    if (n.addedRaw !== undefined) out.addedRaw = fromCents(n.addedRaw);
    if (n.added !== undefined) out.added = fromCents(n.added);
    if (n.pools) out.pools = n.pools;
    if (n.vetoed !== undefined) out.vetoed = n.vetoed;
    if (n.deductions) out.findings = n.deductions.map((d) => ({ ...d, amount: fromCents(d.amount) }));
    nodes[code] = out;
  }
  return {
    scheme: result.scheme,
    unit: result.unit,
    base: fromCents(result.base),
    bonus: fromCents(result.bonus),
    total: fromCents(result.total),
    max: fromCents(result.max),
    bonusMax: fromCents(result.bonusMax),
    percent: result.percent === null ? null : fromCents(result.percent),
    grade: result.grade ? { code: result.grade.code, title: result.grade.title, min: fromCents(result.grade.min) } : null,
    veto: result.veto,
    nodes,
  };
}
