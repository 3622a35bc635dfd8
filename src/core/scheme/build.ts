/**
 * Building the scheme model from a scheme file's data once its shape is known to be right: the
 * checks that need the whole tree (codes, points, rules, pools, grades). `parseScheme`
 * (load.ts) reads and validates the text, then builds here; the browser builds here from the
 * data the server already validated (GET /api/scheme-versions/:vid), without the YAML reader
 * and the shape validator, so its live score runs on the very scheme the server scores with.
 */
import { toCents, type Cents } from '../numbers.ts';
import { RULE_KINDS, type AttributeTest, type ChecklistElement, type GradeBand, type Rule, type Scheme, type SchemeNode, type Text } from './model.ts';
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
  effect?: 'zero' | 'grade';
  grade?: string;
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
  const build = (rawNode: RawNode, path: Array<string | number>, ancestors: SchemeNode[], inBonus: boolean): SchemeNode => {
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
    const bonusHere = inBonus || node.bonus;
    const lineage = [...ancestors, node];
    node.children = (rawNode.children ?? []).map((c, i) => build(c, [...path, 'children', i], lineage, bonusHere));

    if (rawNode.rule) {
      const rule = buildRule(rawNode.rule, [...path, 'rule'], node, lineage, bonusHere);
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
    if (node.children.length > 0 && node.points !== null && !node.bonus && !badPoints.has(node) && !node.children.some((c) => badPoints.has(c))) {
      const sum = node.children.reduce((s, c) => s + (c.points ?? 0), 0);
      if (sum !== node.points) {
        if (node.unevenChildren) warn(path, 'uneven-children', { sum, points: node.points, deliberate: node.unevenChildren }, code);
        else error(path, 'uneven-children', { sum, points: node.points }, code);
      }
    }
    if (node.children.length > 0 && node.points === null) {
      const sum = node.children.reduce((s, c) => s + (c.points ?? 0), 0);
      node.points = sum;
    }
    return node;
  };

  const buildRule = (rawRule: RawRule, path: Array<string | number>, node: SchemeNode, lineage: SchemeNode[], inBonus: boolean): Rule | undefined => {
    const code = node.code;
    const kind = rawRule.kind;
    if (!(RULE_KINDS as readonly string[]).includes(kind)) {
      error([...path, 'kind'], 'unknown-rule-kind', { kind, known: RULE_KINDS.join(', ') }, code);
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
    const deducts = kind === 'perOccurrence' || kind === 'allOrNothing' || kind === 'fixedPenalty';
    if (kind === 'bonus' && !inBonus) {
      error([...path, 'kind'], 'bonus-outside-bonus-section', {}, code);
    }
    if (deducts && inBonus) {
      error([...path, 'kind'], 'deduction-in-bonus-section', {}, code);
    }
    if (rawRule.pool !== undefined && !deducts) {
      error([...path, 'pool'], 'unexpected-pool', { kind }, code);
    }
    if (kind === 'allOrNothing' && !node.points && !badPoints.has(node)) {
      error(path, 'all-or-nothing-without-points', {}, code);
    }
    if (kind === 'veto') {
      if (node.points) error([...path], 'veto-with-points', {}, code);
      if (!rawRule.effect) error(path, 'missing-effect', {}, code);
      if (rawRule.effect === 'grade') {
        if (!rawRule.grade) error(path, 'missing-grade', {}, code);
        // Grade existence is checked once all grades are known (they are, above).
        else if (!gradeCodes.has(rawRule.grade)) error([...path, 'grade'], 'unknown-grade', { grade: rawRule.grade }, code);
      }
      return rawRule.effect === 'grade' ? { kind: 'veto', effect: 'grade', grade: rawRule.grade ?? '' } : { kind: 'veto', effect: 'zero' };
    }
    if (rawRule.effect !== undefined || rawRule.grade !== undefined) {
      error(path, 'unexpected-effect', { kind }, code);
    }
    if (deducts) {
      if (rawRule.pool !== undefined) {
        const poolNode = lineage.find((a) => a.code === rawRule.pool);
        if (!poolNode) {
          error([...path, 'pool'], 'pool-not-ancestor', { pool: rawRule.pool, code }, code);
        }
      }
    }
    switch (kind) {
      case 'perOccurrence':
        return rawRule.pool ? { kind, amount, pool: rawRule.pool } : { kind, amount };
      case 'fixedPenalty':
        return rawRule.pool ? { kind, amount, pool: rawRule.pool } : { kind, amount };
      case 'allOrNothing':
        return rawRule.pool ? { kind, pool: rawRule.pool } : { kind };
      case 'bonus':
        return { kind, amount };
    }
    return undefined;
  };

  const sections = raw.sections.map((s, i) => build(s, ['sections', i], [], false));
  // Pools are checked once every node's points are known (a section without points sums its children).
  const checkPools = (node: SchemeNode, path: Array<string | number>, lineage: SchemeNode[]) => {
    const here = [...lineage, node];
    const rule = node.rule;
    if (rule && (rule.kind === 'perOccurrence' || rule.kind === 'allOrNothing' || rule.kind === 'fixedPenalty')) {
      const poolNode = rule.pool ? here.find((a) => a.code === rule.pool) : [...here].reverse().find((a) => a.pool);
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
  if (raw.source) scheme.source = raw.source;
  const note = text(raw.note);
  if (note) scheme.note = note;
  if (raw.gradeBasis && grades.length === 0) {
    warn(['gradeBasis'], 'grade-basis-without-grades', {});
  }
  return scheme;
}
