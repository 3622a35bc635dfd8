/**
 * The scoring engine: applies a scheme to the findings recorded for one unit and explains
 * every point. Pure: everything comes in as arguments, nothing is read or written.
 */
import { KaoheError } from '../errors.ts';
import { fromCents, percentCents, type Cents } from '../numbers.ts';
import { holds, type Attributes } from '../scheme/conditions.ts';
import { ruleAdds as addsWhere, type GradeBand, type Rule, type Scheme, type SchemeNode, type SimpleRule, type Text } from '../scheme/model.ts';
import { measuredEffect, valueProblem, type MeasuredEffect } from './measure.ts';

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
  field: 'item' | 'count' | 'element' | 'value' | 'amount' | 'part' | 'note';
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
  'missing-value': (item) => `考核项目 ${item} 按实测值计分：须填写测得的数值`,
  'unexpected-value': (item) => `考核项目 ${item} 不按实测值计分，不填数值`,
  'value-kind': (item, p) => `考核项目 ${item} 的数值填法不对：不填 ${p.field}`,
  'bad-value': (item, p) => `考核项目 ${item} 的数值 ${p.field} 须为不小于0的数（比率的分母须大于0）`,
  'unknown-term': (item, p) => `考核项目 ${item} 没有分子项 ${p.term}（分子项：${p.terms}）`,
  'unknown-level': (item, p) => `考核项目 ${item} 没有评价等次 ${p.level}（等次：${p.levels}）`,
  'measured-twice': (item) => `考核项目 ${item} 只记一个实测值：已有一个`,
  'measured-count': (item) => `考核项目 ${item} 按实测值计分，次数只能为1`,
  'missing-amount': (item, p) => `考核项目 ${item} 视情况扣分：须在${p.min}至${p.max}分之间选定每处扣分`,
  'bad-amount': (item, p) => `考核项目 ${item} 每处扣分须在${p.min}至${p.max}分之间${p.step ? `，按${p.step}分一档` : ''}，不能是 ${p.amount}`,
  'unexpected-amount': (item) => `考核项目 ${item} 的扣分由规则确定，不另填分值`,
  'missing-reason': (item) => `考核项目 ${item} 视情况扣分：须写明理由`,
  'missing-part': (item, p) => `考核项目 ${item} 有多项评分标准：须选择其中一项（${p.parts}）`,
  'unknown-part': (item, p) => `考核项目 ${item} 没有评分标准 ${p.part}（可选：${p.parts}）`,
  'unexpected-part': (item) => `考核项目 ${item} 只有一项评分标准，不选分项`,
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
  /** The part of a several-rule item the finding is about. */
  part?: string;
  /** A discretionary rule: the amount picked per occurrence. */
  picked?: Cents;
  /** A measured item: the value and what it did. */
  value?: MeasuredValue;
  measured?: MeasuredEffect;
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
  /** Measured items: no value recorded yet. */
  unmeasured?: boolean;
  /** Items in a bonus group that counts only its highest addition, which this one is not. */
  outranked?: boolean;
}

export interface ScoreResult {
  scheme: { id: string; version: number };
  unit: { name?: string };
  base: Cents;
  /** The base converted to the scheme's `convert` points (按实得分÷应得分×100折算); null without conversion. */
  converted: Cents | null;
  /** What the base is converted to (the scheme's `convert`, 10000 = 100 points); null without conversion. */
  convertTo: Cents | null;
  bonus: Cents;
  /** Deductions from the total (penalty sections). */
  penalty: Cents;
  /** (converted ?? base) + bonus − penalty, not below 0; 0 under a veto that zeroes it. */
  total: Cents;
  max: Cents;
  bonusMax: Cents;
  /** Base as a percentage of the applicable maximum, in hundredths of a percent. */
  percent: Cents | null;
  grade: GradeBand | null;
  /**
   * Vetoes triggered, by severity: `effect` is the most severe ('zero' > 'grade' > 'ceiling'),
   * `grade` the grade it forces or caps at (the lowest of its kind), `ceiling` a grade cap that
   * applies beside a more severe effect.
   */
  veto: { items: string[]; effect: 'zero' | 'grade' | 'ceiling'; grade?: string; ceiling?: string } | null;
  /** Measured items that apply and have no value yet. */
  unmeasured: string[];
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
  /** In a penalty section (扣分项从总分中扣除). */
  inPenalty: boolean;
  /** The item's rule adds points (a bonus section's) rather than deducts. */
  adds: boolean;
  /** Items with a deduction rule: indices of the pools they draw on, innermost first. */
  poolChain: number[];
  /** The same pools by code, shared by every result. */
  poolCodes: string[] | undefined;
  /** The nearest node above whose items count only their highest addition; -1 if none. */
  highestGroup: number;
}

interface Compiled {
  nodes: CompiledNode[];
  byCode: Map<string, number>;
  conditional: boolean;
  /** Bonus sections, each with its adding items in scheme order. */
  bonusSections: Array<{ section: number; items: number[] }>;
  /** Measured items, in scheme order. */
  measured: number[];
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

/** Whether a rule adds points where it sits (in a bonus section, which may also deduct), rather than deducts. */
export function ruleAdds(rule: Rule, bonus: boolean, penalty: boolean): boolean {
  return addsWhere(rule.kind, rule.kind === 'measured' ? rule.scoring.by : undefined, bonus, penalty);
}

/** Flattens a scheme into arrays once; reused for every unit scored with it. */
function compile(scheme: Scheme): Compiled {
  const cached = compiledCache.get(scheme);
  if (cached) return cached;
  const nodes: CompiledNode[] = [];
  const byCode = new Map<string, number>();
  const measured: number[] = [];
  let conditional = false;
  const add = (node: SchemeNode, parent: number, inBonus: boolean, inPenalty: boolean, group: number, lineage: number[]) => {
    const index = nodes.length;
    const bonus = inBonus || node.bonus;
    const penalty = inPenalty || node.penalty === true;
    const entry: CompiledNode = {
      node,
      code: node.code,
      parent,
      children: [],
      points: node.points ?? 0,
      isItem: node.rule !== undefined,
      isVeto: node.rule?.kind === 'veto',
      inBonus: bonus,
      inPenalty: penalty,
      adds: node.rule !== undefined && ruleAdds(node.rule, bonus, penalty),
      poolChain: [],
      poolCodes: undefined,
      highestGroup: group,
    };
    nodes.push(entry);
    byCode.set(node.code, index);
    if (node.appliesIf) conditional = true;
    if (parent >= 0) nodes[parent]!.children.push(index);
    if (node.rule?.kind === 'measured') measured.push(index);
    const here = [...lineage, index];
    if (node.rule && !entry.adds && node.rule.kind !== 'bonus' && node.rule.kind !== 'veto') {
      if (penalty) {
        // Deductions from the total stop at nothing but the section's own cap, where it has one.
        const section = here[0]!;
        if (nodes[section]!.node.penaltyCap !== undefined) entry.poolChain = [section];
      } else {
        entry.poolChain = poolChainOf(node.rule, here, nodes);
      }
      entry.poolCodes = Object.freeze(entry.poolChain.map((p) => nodes[p]!.code)) as string[];
    }
    for (const child of node.children) add(child, index, bonus, penalty, node.highestOnly ? index : group, here);
  };
  for (const section of scheme.sections) add(section, -1, false, false, -1, []);
  const n = nodes.length;
  const bonusSections: Compiled['bonusSections'] = [];
  nodes.forEach((c, i) => {
    if (!c.node.bonus) return;
    const items: number[] = [];
    const collect = (j: number) => {
      if (nodes[j]!.isItem && nodes[j]!.adds) items.push(j);
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
    measured,
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

/** The designated pool (explicit, else the nearest pool at or above the item, else the item itself) and every pool above it. */
function poolChainOf(rule: Rule, lineage: number[], nodes: CompiledNode[]): number[] {
  const designated = 'pool' in rule ? rule.pool : undefined;
  let start = -1;
  for (let i = lineage.length - 1; i >= 0; i--) {
    const n = nodes[lineage[i]!]!.node;
    if (designated !== undefined ? n.code === designated : n.pool) {
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
  const valued = new Set<number>();
  for (let i = 0; i < findings.length; i++) {
    const p = problemOf(compiled, applicable, findings[i]!, i) ?? twiceMeasured(compiled, findings[i]!, i, valued);
    if (p) problems.push(p);
  }
  return problems;
}

/** A second value for a measured item (one value per item), or null; records the item in `valued`. */
function twiceMeasured(compiled: Compiled, f: Finding, index: number, valued: Set<number>): FindingProblem | null {
  const at = compiled.byCode.get(f.item)!;
  if (compiled.nodes[at]!.node.rule?.kind !== 'measured' || (f.count ?? 1) === 0) return null;
  if (valued.has(at)) return { index, item: f.item, field: 'value', code: 'measured-twice', message: `item ${f.item} takes one measured value, and has one already` };
  valued.add(at);
  return null;
}

const fmt = (cents: Cents) => String(cents / 100);

/** The problem with a finding's amount under a discretionary rule, or null. */
function rangeProblem(rule: Extract<SimpleRule, { kind: 'range' }>, f: Finding, index: number, item: string): FindingProblem | null {
  const params = { min: fmt(rule.min), max: fmt(rule.max), step: rule.step !== undefined ? fmt(rule.step) : '', amount: String(f.amount) };
  if (f.amount === undefined) {
    return { index, item, field: 'amount', code: 'missing-amount', message: `item ${item} deducts as judged: pick an amount from ${params.min} to ${params.max}`, params };
  }
  const a = f.amount;
  if (!Number.isSafeInteger(a) || a < rule.min || a > rule.max || (rule.step !== undefined && (a - rule.min) % rule.step !== 0)) {
    params.amount = typeof a === 'number' ? fmt(a) : String(a);
    const step = rule.step !== undefined ? ` in steps of ${params.step}` : '';
    return { index, item, field: 'amount', code: 'bad-amount', message: `item ${item} deducts ${params.min} to ${params.max}${step} per occurrence, not ${params.amount}`, params };
  }
  if (typeof f.note !== 'string' || f.note.trim() === '') {
    return { index, item, field: 'note', code: 'missing-reason', message: `item ${item} deducts as judged: give the reason in the note` };
  }
  return null;
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
  const rule = entry.node.rule!;
  // The fields of the newer rule kinds: present exactly where the item's rule takes them.
  if (rule.kind === 'measured') {
    if (count > 1) return { index, item, field: 'count', code: 'measured-count', message: `item ${item} is measured: its count is 1` };
    if (f.value === undefined) return { index, item, field: 'value', code: 'missing-value', message: `item ${item} is measured: give the value measured` };
    const wrong = valueProblem(rule.measure, f.value);
    if (wrong)
      return {
        index,
        item,
        field: 'value',
        code: wrong.code,
        message: `item ${item}: the value is not one of its measure (${wrong.code})`,
        ...(wrong.params ? { params: wrong.params } : {}),
      };
  } else if (f.value !== undefined) {
    return { index, item, field: 'value', code: 'unexpected-value', message: `item ${item} is not measured: it takes no value` };
  }
  let simple: SimpleRule | undefined = rule.kind === 'perOccurrence' || rule.kind === 'fixedPenalty' || rule.kind === 'allOrNothing' || rule.kind === 'range' ? rule : undefined;
  if (rule.kind === 'parts') {
    const parts = rule.parts.map((p) => p.code).join('、');
    if (f.part === undefined) return { index, item, field: 'part', code: 'missing-part', message: `item ${item} has several rules: name the part (${parts})`, params: { parts } };
    const part = rule.parts.find((p) => p.code === f.part);
    if (!part)
      return { index, item, field: 'part', code: 'unknown-part', message: `item ${item} has no part ${String(f.part)} (parts: ${parts})`, params: { part: String(f.part), parts } };
    simple = part.rule;
  } else if (f.part !== undefined) {
    return { index, item, field: 'part', code: 'unexpected-part', message: `item ${item} has one rule: it takes no part` };
  }
  if (simple?.kind === 'range') return count === 0 && f.amount === undefined ? null : rangeProblem(simple, f, index, item);
  if (f.amount !== undefined) return { index, item, field: 'amount', code: 'unexpected-amount', message: `item ${item}'s rule sets the amount: it takes none` };
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

/** What one finding of a simple rule deducts before caps; `carried` tells whether an all-or-nothing loss is already counted. */
function simpleAmount(rule: SimpleRule, points: Cents, d: Deduction, f: Finding, carried: boolean): Cents {
  switch (rule.kind) {
    case 'perOccurrence':
    case 'fixedPenalty':
      return d.count * rule.amount;
    case 'allOrNothing':
      return !carried && d.count > 0 ? points : 0;
    case 'range':
      return d.count * (f.amount ?? 0);
  }
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
  let valued: Set<number> | undefined;
  const deductions: Array<Deduction[] | undefined> = new Array(n);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    let problem = problemOf(compiled, applicable, f, i);
    if (!problem && f.value !== undefined) problem = twiceMeasured(compiled, f, i, (valued ??= new Set()));
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
    if (f.part !== undefined) d.part = f.part;
    if (f.amount !== undefined) d.picked = f.amount;
    if (f.value !== undefined) d.value = f.value;
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
  for (const s of scheme.sections) if (s.penaltyCap !== undefined) remaining[compiled.byCode.get(s.code)!] = s.penaltyCap;

  const vetoes: Array<{ code: string; rule: Extract<Rule, { kind: 'veto' }> }> = [];
  const unmeasured: string[] = [];
  const zeroUnmeasured = scheme.unmeasured === 'zero';
  for (const i of compiled.measured) {
    // A bonus measured without a value simply adds nothing: only an item that can lose is waiting for its value.
    if (counts[i]! > 0 || !applicable[i] || nodes[i]!.adds) continue;
    unmeasured.push(nodes[i]!.code);
    // Not measured: the item keeps its points (as any item without findings) unless the scheme says it earns nothing.
    if (zeroUnmeasured && !nodes[i]!.adds && !nodes[i]!.inPenalty) raw[i] = max[i]!;
  }

  for (let i = 0; i < n; i++) {
    const count = counts[i]!;
    if (count === 0 && raw[i] === 0) continue;
    const c = nodes[i]!;
    const rule = c.node.rule!;
    const list = deductions[i] ?? [];
    switch (rule.kind) {
      case 'perOccurrence':
      case 'fixedPenalty':
      case 'range': {
        let sum = 0;
        for (const d of list) sum += d.amount = simpleAmount(rule, c.points, d, findings[d.finding]!, false);
        if (c.adds) addedRaw[i] = sum;
        else raw[i] = sum;
        break;
      }
      case 'allOrNothing': {
        raw[i] = c.points;
        // The item is lost once, whatever the count: the first finding that says "not met" carries it.
        let carried = false;
        for (const d of list) {
          d.amount = simpleAmount(rule, c.points, d, findings[d.finding]!, carried);
          if (d.amount > 0) carried = true;
        }
        break;
      }
      case 'parts': {
        let sum = 0;
        let carried = false;
        for (const d of list) {
          const part = rule.parts.find((p) => p.code === d.part)!;
          d.amount = simpleAmount(part.rule, c.points, d, findings[d.finding]!, carried);
          if (part.rule.kind === 'allOrNothing' && d.amount > 0) carried = true;
          sum += d.amount;
        }
        raw[i] = sum;
        break;
      }
      case 'measured': {
        for (const d of list) {
          if (d.count === 0 || d.value === undefined) continue;
          const effect = measuredEffect(rule, c.node.points, d.value, c.adds);
          d.measured = effect;
          d.amount = effect.amount;
          if (c.adds) addedRaw[i] = effect.amount;
          else raw[i] = effect.amount;
        }
        break;
      }
      case 'bonus':
        addedRaw[i] = count * rule.amount;
        for (const d of list) d.amount = d.count * rule.amount;
        break;
      case 'veto':
        vetoes.push({ code: c.code, rule });
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

  // Bonus: item caps (an item's own points, where it has them), then the highest-only groups,
  // then the section's cap, in scheme order.
  const outranked = new Set<number>();
  for (const { section, items } of compiled.bonusSections) {
    const capped = new Map<number, Cents>();
    for (const j of items) {
      if (addedRaw[j]! === 0) continue;
      capped.set(j, nodes[j]!.node.points !== null ? Math.min(addedRaw[j]!, max[j]!) : addedRaw[j]!);
    }
    const best = new Map<number, number>();
    for (const [j, v] of capped) {
      const g = nodes[j]!.highestGroup;
      if (g < 0) continue;
      const b = best.get(g);
      if (b === undefined || v > capped.get(b)!) best.set(g, j);
    }
    let room = max[section]!;
    for (const j of items) {
      const v = capped.get(j);
      if (v === undefined) continue;
      const g = nodes[j]!.highestGroup;
      if (g >= 0 && best.get(g) !== j) {
        outranked.add(j);
        continue;
      }
      added[j] = Math.min(v, room);
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
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    const c = nodes[i]!;
    const code = c.code;
    order[i] = code;
    // An item's score reflects its own findings (an all-or-nothing item not met scores 0 even
    // when the pool gave up less for it); a section's score is what its pool gave up. In a
    // bonus or penalty section a node's score is what it adds less what it deducts.
    const lost = c.isItem ? raw[i]! : after[i]!;
    const entry: NodeScore = {
      code,
      kind: c.isItem ? 'item' : 'section',
      applicable: applicable[i] === 1,
      max: max[i]!,
      deductedRaw: raw[i]!,
      deducted: after[i]!,
      score: c.inBonus || c.inPenalty ? added[i]! - after[i]! : Math.max(0, max[i]! - lost),
    };
    if (c.inBonus) {
      entry.addedRaw = addedRaw[i]!;
      entry.added = added[i]!;
    }
    if (c.isItem) {
      if (c.poolCodes) entry.pools = c.poolCodes;
      entry.deductions = deductions[i] ?? [];
      if (c.isVeto) entry.vetoed = counts[i]! > 0;
      if (c.node.rule!.kind === 'measured' && counts[i] === 0 && applicable[i] && !c.adds) entry.unmeasured = true;
      if (outranked.has(i)) entry.outranked = true;
    }
    result[code] = entry;
    if (c.parent < 0) {
      if (c.node.bonus || c.node.penalty) {
        if (c.node.bonus) {
          bonus += added[i]!;
          bonusMax += max[i]!;
        }
        penalty += after[i]!;
      } else {
        base += entry.score;
        baseMax += max[i]!;
      }
    }
  }

  const converted = scheme.convert === undefined ? null : baseMax === 0 ? 0 : Number((2n * BigInt(base) * BigInt(scheme.convert) + BigInt(baseMax)) / (2n * BigInt(baseMax)));
  let total = Math.max(0, (converted ?? base) + bonus - penalty);
  const veto = vetoOf(scheme, vetoes);
  if (veto?.effect === 'zero') total = 0;
  const percent = percentCents(base, baseMax);
  const grade = gradeOf(scheme, { total, base: converted ?? base, percent }, veto);
  return {
    scheme: { id: scheme.id, version: scheme.version },
    unit: unit.name !== undefined ? { name: unit.name } : {},
    base,
    converted,
    convertTo: scheme.convert ?? null,
    bonus,
    penalty,
    total,
    max: baseMax,
    bonusMax,
    percent,
    grade,
    veto,
    unmeasured,
    nodes: result,
    order,
  };
}

/** The vetoes triggered, the most severe effect first: zero, then a forced grade (the lowest), then a ceiling (the lowest). */
function vetoOf(scheme: Scheme, vetoes: Array<{ code: string; rule: Extract<Rule, { kind: 'veto' }> }>): ScoreResult['veto'] {
  if (vetoes.length === 0) return null;
  const rank = (g: string | undefined) => scheme.grades.findIndex((b) => b.code === g);
  const lowest = (effect: 'grade' | 'ceiling') =>
    vetoes
      .filter((v) => v.rule.effect === effect)
      .map((v) => v.rule.grade)
      .reduce<string | undefined>((low, g) => (low === undefined || rank(g) > rank(low) ? g : low), undefined);
  const items = vetoes.map((v) => v.code);
  const forced = lowest('grade');
  const ceiling = lowest('ceiling');
  const withCeiling = ceiling !== undefined ? { ceiling } : {};
  if (vetoes.some((v) => v.rule.effect === 'zero')) return { items, effect: 'zero', ...withCeiling };
  if (forced !== undefined) return { items, effect: 'grade', grade: forced, ...withCeiling };
  return { items, effect: 'ceiling', grade: ceiling!, ...withCeiling };
}

function gradeOf(scheme: Scheme, values: { total: Cents; base: Cents; percent: Cents | null }, veto: ScoreResult['veto']): GradeBand | null {
  if (scheme.grades.length === 0) return null;
  let grade: GradeBand | null;
  if (veto?.effect === 'grade') grade = scheme.grades.find((g) => g.code === veto.grade) ?? null;
  else {
    const value = scheme.gradeBasis === 'percent' ? (values.percent ?? 0) : scheme.gradeBasis === 'base' ? values.base : values.total;
    grade = scheme.grades.find((g) => value >= g.min) ?? null;
  }
  // A ceiling (不得评为“好”等次) lowers a grade above it to it.
  const ceiling = veto?.ceiling;
  if (ceiling !== undefined && grade) {
    const at = scheme.grades.findIndex((g) => g.code === ceiling);
    if (scheme.grades.indexOf(grade) < at) grade = scheme.grades[at]!;
  }
  return grade;
}

/** A finding's effect on its item in a result's JSON (points as decimals). */
export interface DeductionJson {
  finding: number;
  count: number;
  element?: string;
  note?: string;
  household?: string;
  amount: number;
  part?: string;
  /** A discretionary rule's amount picked per occurrence, in points. */
  picked?: number;
  /** A measured item's value as recorded (core's hundredths, see MeasuredValue) and the value shown, in its unit. */
  value?: MeasuredValue;
  shown?: number | null;
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
  unmeasured?: boolean;
  outranked?: boolean;
  findings?: DeductionJson[];
}

/** A result as JSON: points as decimals, nodes by code in scheme order. */
export interface ScoreJson {
  scheme: { id: string; version: number };
  unit: { name?: string };
  base: number;
  converted: number | null;
  convertTo: number | null;
  bonus: number;
  penalty: number;
  total: number;
  max: number;
  bonusMax: number;
  percent: number | null;
  grade: { code: string; title: Text; min: number } | null;
  veto: ScoreResult['veto'];
  unmeasured: string[];
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
    if (n.unmeasured) out.unmeasured = true;
    if (n.outranked) out.outranked = true;
    if (n.deductions) out.findings = n.deductions.map(deductionJson);
    nodes[code] = out;
  }
  return {
    scheme: result.scheme,
    unit: result.unit,
    base: fromCents(result.base),
    converted: result.converted === null ? null : fromCents(result.converted),
    convertTo: result.convertTo === null ? null : fromCents(result.convertTo),
    bonus: fromCents(result.bonus),
    penalty: fromCents(result.penalty),
    total: fromCents(result.total),
    max: fromCents(result.max),
    bonusMax: fromCents(result.bonusMax),
    percent: result.percent === null ? null : fromCents(result.percent),
    grade: result.grade ? { code: result.grade.code, title: result.grade.title, min: fromCents(result.grade.min) } : null,
    veto: result.veto,
    unmeasured: result.unmeasured,
    nodes,
  };
}

function deductionJson(d: Deduction): DeductionJson {
  const { measured, picked, ...rest } = d;
  const out: DeductionJson = { ...rest, amount: fromCents(d.amount) };
  if (picked !== undefined) out.picked = fromCents(picked);
  if (measured) out.shown = measured.shown === null ? null : fromCents(measured.shown);
  return out;
}
