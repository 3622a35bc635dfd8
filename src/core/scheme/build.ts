/**
 * Building the scheme model from a scheme file's data once its shape is known to be right: the
 * checks that need the whole tree (codes, points, rules, pools, grades). `parseScheme`
 * (load.ts) reads and validates the text, then builds here; the browser builds here from the
 * data the server already validated (GET /api/scheme-versions/:vid), without the YAML reader
 * and the shape validator, so its live score runs on the very scheme the server scores with.
 */
import { toCents, type Cents } from '../numbers.ts';
import {
  RULE_KINDS,
  ruleAdds,
  type AttributeTest,
  type ChecklistElement,
  type GradeBand,
  type Measure,
  type MeasuredScoring,
  type Period,
  type RankingRules,
  type Rule,
  type Scheme,
  type SchemeNode,
  type SimpleRule,
  type Text,
} from './model.ts';
import { SchemeError, type SchemeProblem } from './problems.ts';
import { schemeProblemMessage, type SchemeProblemCode, type SchemeProblemParams } from './problem-text.ts';

/** Text as a scheme file gives it: Chinese only, or both languages. */
export type RawText = string | { zh: string; en?: string };
/** Points as a scheme file gives them: a decimal number or a numeric string. */
export type RawPoints = number | string;

/** An item's rule as a scheme file gives it (checked here against the rule kinds). */
export interface RawRule {
  kind: string;
  amount?: RawPoints;
  pool?: string;
  effect?: 'zero' | 'grade' | 'ceiling';
  grade?: string;
  /** range */
  min?: RawPoints;
  max?: RawPoints;
  step?: RawPoints;
  /** measured */
  measure?: RawMeasure;
  scoring?: RawScoring;
  /** parts */
  parts?: Array<{ code: string; title: RawText; rule: RawRule }>;
}

export interface RawMeasure {
  kind: string;
  title?: RawText;
  unit?: RawText;
  terms?: Array<{ code: string; title: RawText; weight: RawPoints }>;
  of?: RawText;
  levels?: Array<{ code: string; title: RawText; points: RawPoints }>;
}

export interface RawScoring {
  by: string;
  target?: RawPoints;
  step?: RawPoints;
  amount?: RawPoints;
  rounding?: string;
  floor?: RawPoints;
  tiers?: Array<{ min: RawPoints; points: RawPoints; above?: boolean }>;
  unit?: RawPoints;
}

/** A node as a scheme file gives it. */
export interface RawNode {
  code: string;
  title: RawText;
  text?: RawText;
  ruleText?: RawText;
  points?: RawPoints | null;
  pool?: boolean;
  bonus?: boolean;
  penalty?: boolean;
  penaltyCap?: RawPoints;
  highestOnly?: boolean;
  dataSource?: RawText;
  department?: RawText;
  rule?: RawRule;
  appliesIf?: Record<string, AttributeTest>;
  checklist?: Array<{ code: string; title: RawText }>;
  unevenChildren?: string;
  note?: RawText;
  children?: RawNode[];
}

/** A scheme file's data of the right shape (what load.ts validates, and schemeToData gives). */
export interface RawScheme {
  id: string;
  version: number;
  title: RawText;
  source?: string;
  note?: RawText;
  notApplicable?: 'keep' | 'exclude';
  gradeBasis?: 'total' | 'base' | 'percent';
  grades?: Array<{ code: string; title: RawText; min: RawPoints }>;
  convert?: RawPoints;
  unmeasured?: 'full' | 'zero';
  periods?: Array<{ code: string; title: RawText; weight: RawPoints; combine?: 'average' | 'sum' | 'last' }>;
  ranking?: {
    quotas?: Array<{ grade: string; share: RawPoints; otherwise: string; rounding?: 'down' | 'halfUp' | 'up'; boundaryTies?: 'demote' | 'keep' }>;
    tieBreak?: string[];
    rankPoints?: RawPoints[];
    rankPointsRest?: RawPoints;
  };
  sections: RawNode[];
}

/** A problem found while building, at a path of the file's data (load.ts turns it into a line). */
export type Report = (path: Array<string | number>, problem: Omit<SchemeProblem, 'file' | 'line' | 'column'>) => void;

/**
 * The scheme of a file's data already validated elsewhere (the server's answer about a stored
 * version: `schemeToData` of a scheme it loaded); throws a SchemeError when it is not valid.
 */
export function schemeFromData(data: RawScheme): Scheme {
  if (!data || typeof data !== 'object' || !Array.isArray(data.sections)) {
    throw new SchemeError([{ severity: 'error', code: 'shape', message: 'not the data of a scheme file (no sections)' }]);
  }
  const problems: SchemeProblem[] = [];
  const scheme = buildScheme(data, (path, p) => problems.push({ ...p, message: `${path.join('.') || '(top level)'}: ${p.message}` }));
  if (problems.some((p) => p.severity === 'error')) throw new SchemeError(problems);
  return scheme;
}

function text(raw: string | Text | undefined): Text | undefined {
  if (raw === undefined) return undefined;
  return typeof raw === 'string' ? { zh: raw } : { ...raw };
}

/** Whether a rule deducts (and so needs points or a pool to stop at), outside a bonus or penalty section. */
function deductsFrom(rule: Rule): boolean {
  switch (rule.kind) {
    case 'perOccurrence':
    case 'allOrNothing':
    case 'fixedPenalty':
    case 'range':
    case 'parts':
      return true;
    case 'measured':
      return rule.scoring.by === 'shortfall' || rule.scoring.by === 'perUnit';
    default:
      return false;
  }
}

/** Builds the model from a file's data of the right shape, reporting every problem the tree has. */
export function buildScheme(raw: RawScheme, report: Report, lineOf: (path: Array<string | number>) => number | undefined = () => undefined): Scheme {
  const error = (path: Array<string | number>, code: SchemeProblemCode, params: SchemeProblemParams, node?: string) =>
    report(path, { severity: 'error', ...schemeProblemMessage(code, params), node });
  const warn = (path: Array<string | number>, code: SchemeProblemCode, params: SchemeProblemParams, node?: string) =>
    report(path, { severity: 'warning', ...schemeProblemMessage(code, params), node });

  const points = (value: number | string, path: Array<string | number>, node?: string): Cents => {
    const cents = toCents(value);
    if (cents === null) {
      error(path, 'bad-points', { value: JSON.stringify(value) }, node);
      return 0;
    }
    if (cents < 0) {
      error(path, 'negative-points', { value }, node);
      return 0;
    }
    return cents;
  };

  const grades: GradeBand[] = (raw.grades ?? []).map((g, i) => ({
    code: g.code,
    title: text(g.title)!,
    min: points(g.min, ['grades', i, 'min']),
  }));
  const gradeCodes = new Set<string>();
  grades.forEach((g, i) => {
    if (gradeCodes.has(g.code)) error(['grades', i, 'code'], 'duplicate-grade', { grade: g.code });
    gradeCodes.add(g.code);
    const previous = grades[i - 1];
    if (previous && previous.min <= g.min) {
      error(['grades', i, 'min'], 'grade-order', { grade: g.code, previous: previous.code });
    }
  });

  const seen = new Map<string, Array<string | number>>();
  // Nodes whose points were already reported as unreadable or negative (and read as 0): the
  // checks that depend on their points would only repeat that problem in false words.
  const badPoints = new WeakSet<SchemeNode>();
  const positive = (value: RawPoints | undefined, path: Array<string | number>, field: string, node: string): Cents | undefined => {
    if (value === undefined) {
      error(path, 'missing-field', { field }, node);
      return undefined;
    }
    const cents = points(value, [...path, field], node);
    if (cents === 0 && toCents(value) === 0) {
      error([...path, field], 'zero-field', { field }, node);
      return undefined;
    }
    return toCents(value) === null || cents < 0 ? undefined : cents;
  };
  const optional = (value: RawPoints | undefined, path: Array<string | number>, node: string): Cents | undefined => (value === undefined ? undefined : points(value, path, node));

  const build = (rawNode: RawNode, path: Array<string | number>, ancestors: SchemeNode[], inBonus: boolean, inPenalty: boolean): SchemeNode => {
    const code = rawNode.code;
    if (seen.has(code)) {
      error([...path, 'code'], 'duplicate-code', { code, first: seen.get(code)!.join('.'), firstLine: lineOf([...seen.get(code)!, 'code']) ?? '' }, code);
    } else {
      seen.set(code, path);
    }
    const node: SchemeNode = {
      code,
      title: text(rawNode.title)!,
      points: rawNode.points === undefined || rawNode.points === null ? null : points(rawNode.points, [...path, 'points'], code),
      pool: rawNode.pool ?? false,
      bonus: rawNode.bonus ?? false,
      children: [],
    };
    if (rawNode.points !== undefined && rawNode.points !== null) {
      const cents = toCents(rawNode.points);
      if (cents === null || cents < 0) badPoints.add(node);
    }
    const t = text(rawNode.text);
    if (t) node.text = t;
    const rt = text(rawNode.ruleText);
    if (rt) node.ruleText = rt;
    const note = text(rawNode.note);
    if (note) node.note = note;
    const source = text(rawNode.dataSource);
    if (source) node.dataSource = source;
    const department = text(rawNode.department);
    if (department) node.department = department;
    if (rawNode.unevenChildren) node.unevenChildren = rawNode.unevenChildren;
    if (rawNode.appliesIf) node.appliesIf = rawNode.appliesIf as Record<string, AttributeTest>;
    if (rawNode.checklist) {
      const elementCodes = new Set<string>();
      node.checklist = rawNode.checklist.map((e, i): ChecklistElement => {
        if (elementCodes.has(e.code)) {
          error([...path, 'checklist', i, 'code'], 'duplicate-element', { element: e.code }, code);
        }
        elementCodes.add(e.code);
        return { code: e.code, title: text(e.title)! };
      });
    }
    if (node.bonus && ancestors.length > 0) {
      error([...path, 'bonus'], 'nested-bonus', {}, code);
    }
    if (node.bonus && node.points === null) {
      error([...path, 'bonus'], 'bonus-without-cap', {}, code);
    }
    if (rawNode.penalty) {
      node.penalty = true;
      if (ancestors.length > 0) error([...path, 'penalty'], 'nested-penalty', {}, code);
      if (node.pool) error([...path, 'pool'], 'penalty-pool', {}, code);
      if (!node.bonus && node.points !== null) error([...path, 'points'], 'penalty-with-points', {}, code);
    }
    if (rawNode.penaltyCap !== undefined) {
      if (!rawNode.penalty) error([...path, 'penaltyCap'], 'penalty-cap-outside-penalty', {}, code);
      else node.penaltyCap = points(rawNode.penaltyCap, [...path, 'penaltyCap'], code);
    }
    const bonusHere = inBonus || node.bonus;
    const penaltyHere = inPenalty || node.penalty === true;
    if (rawNode.highestOnly) {
      node.highestOnly = true;
      if (!bonusHere) error([...path, 'highestOnly'], 'highest-only-outside-bonus', {}, code);
    }
    if (penaltyHere && !node.penalty && node.pool) error([...path, 'pool'], 'penalty-pool', {}, code);
    const lineage = [...ancestors, node];
    node.children = (rawNode.children ?? []).map((c, i) => build(c, [...path, 'children', i], lineage, bonusHere, penaltyHere));
    if (node.highestOnly && node.children.length === 0) error([...path, 'highestOnly'], 'highest-only-on-item', {}, code);

    if (rawNode.rule) {
      const rule = buildRule(rawNode.rule, [...path, 'rule'], node, lineage, { bonus: bonusHere, penalty: penaltyHere, mixed: bonusHere && penaltyHere });
      if (rule) node.rule = rule;
      if (node.children.length > 0) {
        error([...path, 'rule'], 'rule-on-section', {}, code);
      }
    } else if (node.children.length === 0) {
      error(path, 'missing-rule', {}, code);
    }
    if (node.checklist && !rawNode.rule) {
      error([...path, 'checklist'], 'checklist-on-section', {}, code);
    }
    if (
      node.children.length > 0 &&
      node.points !== null &&
      !node.bonus &&
      !penaltyHere &&
      !node.highestOnly &&
      !badPoints.has(node) &&
      !node.children.some((c) => badPoints.has(c))
    ) {
      const sum = node.children.reduce((s, c) => s + (c.points ?? 0), 0);
      if (sum !== node.points) {
        if (node.unevenChildren) warn(path, 'uneven-children', { sum, points: node.points, deliberate: node.unevenChildren }, code);
        else error(path, 'uneven-children', { sum, points: node.points }, code);
      }
    }
    if (node.children.length > 0 && node.points === null && !penaltyHere && !node.highestOnly) {
      const sum = node.children.reduce((s, c) => s + (c.points ?? 0), 0);
      node.points = sum;
    }
    return node;
  };

  interface Place {
    bonus: boolean;
    penalty: boolean;
    /** A section that both adds and deducts (其他奖惩办法). */
    mixed: boolean;
  }

  /** Whether a rule of this kind adds in this place (a bonus section's) rather than deducts. */
  const adds = (kind: string, place: Place, rawRule: RawRule) => ruleAdds(kind, rawRule.scoring?.by, place.bonus, place.penalty);

  const buildRule = (rawRule: RawRule, path: Array<string | number>, node: SchemeNode, lineage: SchemeNode[], place: Place, inParts = false): Rule | undefined => {
    const code = node.code;
    const kind = rawRule.kind;
    if (!(RULE_KINDS as readonly string[]).includes(kind)) {
      error([...path, 'kind'], 'unknown-rule-kind', { kind, known: RULE_KINDS.join(', ') }, code);
      return undefined;
    }
    if (inParts && !['perOccurrence', 'fixedPenalty', 'allOrNothing', 'range'].includes(kind)) {
      error([...path, 'kind'], 'part-kind', { kind }, code);
      return undefined;
    }
    const needsAmount = kind === 'perOccurrence' || kind === 'fixedPenalty' || kind === 'bonus';
    let amount: Cents = 0;
    if (needsAmount) {
      if (rawRule.amount === undefined) {
        error(path, 'missing-amount', { kind }, code);
      } else {
        amount = points(rawRule.amount, [...path, 'amount'], code);
        // An amount already reported as unreadable or negative is not also "zero".
        if (amount === 0 && toCents(rawRule.amount) === 0) error([...path, 'amount'], 'zero-amount', {}, code);
      }
    } else if (rawRule.amount !== undefined) {
      error([...path, 'amount'], 'unexpected-amount', { kind }, code);
    }
    for (const field of ['min', 'max', 'step'] as const) {
      if (rawRule[field] !== undefined && kind !== 'range') error([...path, field], 'unexpected-field', { field, kind }, code);
    }
    if (rawRule.measure !== undefined && kind !== 'measured') error([...path, 'measure'], 'unexpected-field', { field: 'measure', kind }, code);
    if (rawRule.scoring !== undefined && kind !== 'measured') error([...path, 'scoring'], 'unexpected-field', { field: 'scoring', kind }, code);
    if (rawRule.parts !== undefined && kind !== 'parts') error([...path, 'parts'], 'unexpected-field', { field: 'parts', kind }, code);
    const adding = adds(kind, place, rawRule);
    const deducts = kind !== 'veto' && !adding;
    if (kind === 'bonus' && !place.bonus) {
      error([...path, 'kind'], 'bonus-outside-bonus-section', {}, code);
    }
    if (deducts && place.bonus && !place.mixed) {
      error([...path, 'kind'], 'deduction-in-bonus-section', {}, code);
    }
    if (rawRule.pool !== undefined && !deducts) {
      error([...path, 'pool'], 'unexpected-pool', { kind }, code);
    }
    if (rawRule.pool !== undefined && place.penalty) {
      error([...path, 'pool'], 'penalty-pool', {}, code);
    }
    if (kind === 'allOrNothing' && !node.points && !badPoints.has(node)) {
      error(path, place.penalty ? 'all-or-nothing-in-penalty' : 'all-or-nothing-without-points', {}, code);
    }
    if (kind === 'veto') {
      if (node.points) error([...path], 'veto-with-points', {}, code);
      if (!rawRule.effect) error(path, 'missing-effect', {}, code);
      if (rawRule.effect === 'grade' || rawRule.effect === 'ceiling') {
        if (!rawRule.grade) error(path, 'missing-grade', {}, code);
        // Grade existence is checked once all grades are known (they are, above).
        else if (!gradeCodes.has(rawRule.grade)) error([...path, 'grade'], 'unknown-grade', { grade: rawRule.grade }, code);
        return { kind: 'veto', effect: rawRule.effect, grade: rawRule.grade ?? '' };
      }
      return { kind: 'veto', effect: 'zero' };
    }
    if (rawRule.effect !== undefined || rawRule.grade !== undefined) {
      error(path, 'unexpected-effect', { kind }, code);
    }
    if (deducts && rawRule.pool !== undefined && !lineage.find((a) => a.code === rawRule.pool)) {
      error([...path, 'pool'], 'pool-not-ancestor', { pool: rawRule.pool, code }, code);
    }
    const pool = rawRule.pool ? { pool: rawRule.pool } : {};
    switch (kind) {
      case 'perOccurrence':
        return { kind, amount, ...pool };
      case 'fixedPenalty':
        return { kind, amount, ...pool };
      case 'allOrNothing':
        return { kind, ...pool };
      case 'bonus':
        return { kind, amount };
      case 'range': {
        const min = positive(rawRule.min, path, 'min', code);
        const max = positive(rawRule.max, path, 'max', code);
        const step = rawRule.step === undefined ? undefined : positive(rawRule.step, path, 'step', code);
        if (min === undefined || max === undefined) return undefined;
        if (min > max) error([...path, 'max'], 'range-order', { min, max }, code);
        if (step !== undefined && (max - min) % step !== 0) error([...path, 'step'], 'range-step', { min, max, step }, code);
        if (!inParts && !place.penalty && !adding && node.points !== null && max > node.points && !badPoints.has(node)) {
          warn([...path, 'max'], 'range-above-points', { max, points: node.points }, code);
        }
        return step !== undefined ? { kind, min, max, step, ...pool } : { kind, min, max, ...pool };
      }
      case 'measured': {
        const measure = buildMeasure(rawRule.measure, [...path, 'measure'], code);
        const scoring = buildScoring(rawRule.scoring, [...path, 'scoring'], code, node, measure, place, adding);
        if (!measure || !scoring) return undefined;
        return { kind, measure, scoring, ...pool };
      }
      case 'parts': {
        const raw = rawRule.parts ?? [];
        if (raw.length === 0) {
          error(path, 'missing-field', { field: 'parts' }, code);
          return undefined;
        }
        const codes = new Set<string>();
        const parts = raw.map((p, i) => {
          if (codes.has(p.code)) error([...path, 'parts', i, 'code'], 'duplicate-part', { part: p.code }, code);
          codes.add(p.code);
          if (p.rule.pool !== undefined) error([...path, 'parts', i, 'rule', 'pool'], 'part-pool', {}, code);
          const rule = buildRule({ ...p.rule, pool: undefined }, [...path, 'parts', i, 'rule'], node, lineage, place, true) as SimpleRule | undefined;
          return rule ? { code: p.code, title: text(p.title)!, rule } : undefined;
        });
        if (parts.some((p) => p === undefined)) return undefined;
        return { kind, parts: parts as Array<{ code: string; title: Text; rule: SimpleRule }>, ...pool };
      }
    }
    return undefined;
  };

  const MEASURE_KINDS = ['rate', 'amount', 'count', 'rating'];
  const buildMeasure = (raw: RawMeasure | undefined, path: Array<string | number>, code: string): Measure | undefined => {
    if (!raw) {
      error(path.slice(0, -1), 'missing-field', { field: 'measure' }, code);
      return undefined;
    }
    if (!MEASURE_KINDS.includes(raw.kind)) {
      error([...path, 'kind'], 'unknown-measure-kind', { kind: raw.kind, known: MEASURE_KINDS.join(', ') }, code);
      return undefined;
    }
    const measure: Measure = { kind: raw.kind as Measure['kind'] };
    const title = text(raw.title);
    if (title) measure.title = title;
    const unit = text(raw.unit);
    if (unit) measure.unit = unit;
    const of = text(raw.of);
    if (of) measure.of = of;
    const only = (field: 'terms' | 'of' | 'levels' | 'unit', kinds: string[]) => {
      if (raw[field] !== undefined && !kinds.includes(raw.kind)) error([...path, field], 'unexpected-field', { field, kind: raw.kind }, code);
    };
    only('terms', ['rate']);
    only('of', ['rate']);
    only('levels', ['rating']);
    only('unit', ['amount', 'count']);
    if (raw.terms) {
      const codes = new Set<string>();
      measure.terms = raw.terms.map((t, i) => {
        if (codes.has(t.code)) error([...path, 'terms', i, 'code'], 'duplicate-term', { term: t.code }, code);
        codes.add(t.code);
        return { code: t.code, title: text(t.title)!, weight: points(t.weight, [...path, 'terms', i, 'weight'], code) };
      });
      if (measure.terms.length === 0) error([...path, 'terms'], 'missing-field', { field: 'terms' }, code);
    }
    if (raw.kind === 'rating') {
      if (!raw.levels || raw.levels.length === 0) {
        error(path, 'missing-field', { field: 'levels' }, code);
        return undefined;
      }
      const codes = new Set<string>();
      measure.levels = raw.levels.map((l, i) => {
        if (codes.has(l.code)) error([...path, 'levels', i, 'code'], 'duplicate-level', { level: l.code }, code);
        codes.add(l.code);
        return { code: l.code, title: text(l.title)!, points: points(l.points, [...path, 'levels', i, 'points'], code) };
      });
    }
    return measure;
  };

  const SCORINGS = ['shortfall', 'tiers', 'rating', 'proportional', 'perUnit'];
  const buildScoring = (
    raw: RawScoring | undefined,
    path: Array<string | number>,
    code: string,
    node: SchemeNode,
    measure: Measure | undefined,
    place: Place,
    adding: boolean,
  ): MeasuredScoring | undefined => {
    if (!raw) {
      error(path.slice(0, -1), 'missing-field', { field: 'scoring' }, code);
      return undefined;
    }
    if (!SCORINGS.includes(raw.by)) {
      error([...path, 'by'], 'unknown-scoring', { by: raw.by, known: SCORINGS.join(', ') }, code);
      return undefined;
    }
    const fields: Record<string, string[]> = {
      shortfall: ['target', 'step', 'amount', 'rounding', 'floor'],
      tiers: ['tiers'],
      rating: [],
      proportional: [],
      perUnit: ['unit', 'amount', 'rounding'],
    };
    for (const field of ['target', 'step', 'amount', 'rounding', 'floor', 'tiers', 'unit'] as const) {
      if (raw[field] !== undefined && !fields[raw.by]!.includes(field)) error([...path, field], 'unexpected-field', { field, kind: raw.by }, code);
    }
    if (!measure) return undefined;
    const earns = raw.by === 'tiers' || raw.by === 'rating' || raw.by === 'proportional';
    // An item that earns by its value needs points to earn (a bonus one may take its section's cap).
    if (earns && place.penalty && !adding) error([...path, 'by'], 'earning-in-penalty', { by: raw.by }, code);
    if (earns && !adding && node.points === null) error(path, 'measured-without-points', { by: raw.by }, code);
    if (raw.by === 'shortfall' && !place.penalty && node.points === null && !badPoints.has(node)) error(path, 'measured-without-points', { by: raw.by }, code);
    const needKind = (kinds: string[]) => {
      if (!kinds.includes(measure.kind)) error([...path, 'by'], 'scoring-measure', { by: raw.by, kind: measure.kind, kinds: kinds.join(', ') }, code);
    };
    const rounding = (allowed: string[], fallback: string) => {
      const r = raw.rounding ?? fallback;
      if (!allowed.includes(r)) error([...path, 'rounding'], 'unknown-rounding', { rounding: r, known: allowed.join(', ') }, code);
      return r;
    };
    switch (raw.by) {
      case 'shortfall': {
        needKind(['rate', 'amount', 'count']);
        const target = positive(raw.target, path, 'target', code);
        const step = positive(raw.step, path, 'step', code);
        const amount = positive(raw.amount, path, 'amount', code);
        const r = rounding(['up', 'exact', 'down'], 'up') as 'up' | 'exact' | 'down';
        const floor = optional(raw.floor, [...path, 'floor'], code);
        if (floor !== undefined && target !== undefined && floor >= target) error([...path, 'floor'], 'floor-above-target', { floor, target }, code);
        if (floor !== undefined && place.penalty) error([...path, 'floor'], 'floor-in-penalty', {}, code);
        if (target === undefined || step === undefined || amount === undefined) return undefined;
        return floor !== undefined ? { by: 'shortfall', target, step, amount, rounding: r, floor } : { by: 'shortfall', target, step, amount, rounding: r };
      }
      case 'tiers': {
        needKind(['rate', 'amount', 'count']);
        const tiers = (raw.tiers ?? []).map((t, i) => {
          const tier: { min: Cents; points: Cents; above?: boolean } = {
            min: points(t.min, [...path, 'tiers', i, 'min'], code),
            points: points(t.points, [...path, 'tiers', i, 'points'], code),
          };
          if (t.above) tier.above = true;
          return tier;
        });
        if (tiers.length === 0) {
          error(path, 'missing-field', { field: 'tiers' }, code);
          return undefined;
        }
        tiers.forEach((t, i) => {
          const prev = tiers[i - 1];
          if (prev && (prev.min < t.min || (prev.min === t.min && !(prev.above && !t.above)))) error([...path, 'tiers', i, 'min'], 'tier-order', { tier: i + 1 }, code);
          if (node.points !== null && t.points > node.points && !badPoints.has(node))
            error([...path, 'tiers', i, 'points'], 'tier-above-points', { tier: i + 1, points: node.points }, code);
        });
        return { by: 'tiers', tiers };
      }
      case 'rating':
        needKind(['rating']);
        for (const [i, l] of (measure.levels ?? []).entries()) {
          if (node.points !== null && l.points > node.points && !badPoints.has(node))
            error([...path.slice(0, -1), 'measure', 'levels', i, 'points'], 'tier-above-points', { tier: i + 1, points: node.points }, code);
        }
        return { by: 'rating' };
      case 'proportional':
        needKind(['rate']);
        return { by: 'proportional' };
      case 'perUnit': {
        needKind(['rate', 'amount', 'count']);
        const unit = positive(raw.unit, path, 'unit', code);
        const amount = positive(raw.amount, path, 'amount', code);
        const r = rounding(['down', 'exact'], 'down') as 'down' | 'exact';
        if (unit === undefined || amount === undefined) return undefined;
        return { by: 'perUnit', unit, amount, rounding: r };
      }
    }
    return undefined;
  };

  const sections = raw.sections.map((s, i) => build(s, ['sections', i], [], false, false));
  // Pools are checked once every node's points are known (a section without points sums its children).
  const checkPools = (node: SchemeNode, path: Array<string | number>, lineage: SchemeNode[]) => {
    const here = [...lineage, node];
    const rule = node.rule;
    const inPenalty = here[0]!.penalty === true;
    if (rule && !inPenalty && !here[0]!.bonus && deductsFrom(rule)) {
      const designated = 'pool' in rule ? rule.pool : undefined;
      const poolNode = designated ? here.find((a) => a.code === designated) : [...here].reverse().find((a) => a.pool);
      if (!poolNode && !node.points && !badPoints.has(node)) {
        error(path, 'uncapped-penalty', {}, node.code);
      } else if (poolNode && !poolNode.points && !badPoints.has(poolNode)) {
        error(path, 'pool-without-points', { pool: poolNode.code }, node.code);
      }
    }
    node.children.forEach((c, i) => checkPools(c, [...path, 'children', i], here));
  };
  sections.forEach((s, i) => checkPools(s, ['sections', i], []));
  for (const [i, s] of sections.entries()) {
    if (s.pool && s.bonus) error(['sections', i], 'bonus-pool', {}, s.code);
  }
  const scheme: Scheme = {
    id: raw.id,
    version: raw.version,
    title: text(raw.title)!,
    notApplicable: raw.notApplicable ?? 'keep',
    gradeBasis: raw.gradeBasis ?? 'total',
    grades,
    sections,
  };
  if (raw.convert !== undefined) {
    const convert = positive(raw.convert, [], 'convert', '');
    if (convert !== undefined) scheme.convert = convert;
  }
  if (raw.unmeasured) scheme.unmeasured = raw.unmeasured;
  if (raw.periods) {
    const periods: Period[] = [];
    const codes = new Set<string>();
    raw.periods.forEach((p, i) => {
      if (codes.has(p.code)) error(['periods', i, 'code'], 'duplicate-period', { period: p.code });
      codes.add(p.code);
      periods.push({ code: p.code, title: text(p.title)!, weight: points(p.weight, ['periods', i, 'weight']), combine: p.combine ?? 'average' });
    });
    const sum = periods.reduce((t, p) => t + p.weight, 0);
    if (periods.length > 0 && sum !== 10000) error(['periods'], 'period-weights', { sum });
    if (periods.length > 0) scheme.periods = periods;
  }
  if (raw.ranking) {
    const r = raw.ranking;
    const ranking: RankingRules = {};
    const grade = (g: string, path: Array<string | number>) => {
      if (!gradeCodes.has(g)) error(path, 'unknown-grade', { grade: g });
    };
    if (r.quotas) {
      ranking.quotas = r.quotas.map((q, i) => {
        grade(q.grade, ['ranking', 'quotas', i, 'grade']);
        grade(q.otherwise, ['ranking', 'quotas', i, 'otherwise']);
        const share = points(q.share, ['ranking', 'quotas', i, 'share']);
        if (share <= 0 || share > 10000) error(['ranking', 'quotas', i, 'share'], 'bad-share', { share });
        const at = grades.findIndex((g) => g.code === q.grade);
        const below = grades.findIndex((g) => g.code === q.otherwise);
        if (at >= 0 && below >= 0 && below <= at) error(['ranking', 'quotas', i, 'otherwise'], 'quota-otherwise', { grade: q.grade, otherwise: q.otherwise });
        return { grade: q.grade, share, otherwise: q.otherwise, ...(q.rounding ? { rounding: q.rounding } : {}), ...(q.boundaryTies ? { boundaryTies: q.boundaryTies } : {}) };
      });
    }
    if (r.tieBreak) {
      const known = new Set(['base', 'bonus', 'penalty', ...(scheme.periods ?? []).map((p) => p.code), ...seen.keys()]);
      r.tieBreak.forEach((t, i) => {
        if (!known.has(t)) error(['ranking', 'tieBreak', i], 'unknown-tie-break', { key: t });
      });
      ranking.tieBreak = [...r.tieBreak];
    }
    if (r.rankPoints) ranking.rankPoints = r.rankPoints.map((v, i) => points(v, ['ranking', 'rankPoints', i]));
    if (r.rankPointsRest !== undefined) ranking.rankPointsRest = points(r.rankPointsRest, ['ranking', 'rankPointsRest']);
    scheme.ranking = ranking;
  }
  if (raw.source) scheme.source = raw.source;
  const note = text(raw.note);
  if (note) scheme.note = note;
  if (raw.gradeBasis && grades.length === 0) {
    warn(['gradeBasis'], 'grade-basis-without-grades', {});
  }
  return scheme;
}
