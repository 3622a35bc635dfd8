/**
 * Reading a scheme file (YAML, or JSON, which YAML reads too) into the model, checking it
 * on the way and reporting every problem with its line and node code: the text's shape here
 * (zod), the tree's rules in build.ts.
 */
import { z } from 'zod';
import type { Document } from 'yaml';
import { readYaml } from '../yaml-source.ts';
import { buildScheme, type RawNode, type RawRule } from './build.ts';
import type { Scheme } from './model.ts';
import { SchemeError, type SchemeProblem } from './problems.ts';
import { schemeProblemMessage } from './problem-text.ts';
import { issueText } from '../field-issue.ts';

const TextSchema = z.union([z.string().min(1), z.strictObject({ zh: z.string().min(1), en: z.string().min(1).optional() })]);
const PointsSchema = z.union([z.number(), z.string()]);
const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const AttributeTestSchema = z.union([
  Scalar,
  z.strictObject({ in: z.array(Scalar).min(1) }),
  z.strictObject({ ne: Scalar }),
  z.strictObject({ gte: z.number() }),
  z.strictObject({ lte: z.number() }),
]);
const MeasureSchema = z.strictObject({
  kind: z.string(),
  title: TextSchema.optional(),
  unit: TextSchema.optional(),
  terms: z.array(z.strictObject({ code: z.string().min(1), title: TextSchema, weight: PointsSchema })).optional(),
  of: TextSchema.optional(),
  levels: z.array(z.strictObject({ code: z.string().min(1), title: TextSchema, points: PointsSchema })).optional(),
});
const ScoringSchema = z.strictObject({
  by: z.string(),
  target: PointsSchema.optional(),
  step: PointsSchema.optional(),
  amount: PointsSchema.optional(),
  rounding: z.string().optional(),
  floor: PointsSchema.optional(),
  tiers: z.array(z.strictObject({ min: PointsSchema, points: PointsSchema, above: z.boolean().optional() })).optional(),
  unit: PointsSchema.optional(),
});
const RuleSchema: z.ZodType<RawRule> = z.lazy(() =>
  z.strictObject({
    kind: z.string(),
    amount: PointsSchema.optional(),
    pool: z.string().optional(),
    effect: z.enum(['zero', 'grade', 'ceiling']).optional(),
    grade: z.string().optional(),
    min: PointsSchema.optional(),
    max: PointsSchema.optional(),
    step: PointsSchema.optional(),
    measure: MeasureSchema.optional(),
    scoring: ScoringSchema.optional(),
    parts: z.array(z.strictObject({ code: z.string().min(1), title: TextSchema, rule: RuleSchema })).optional(),
  }),
);
const NodeSchema: z.ZodType<RawNode> = z.lazy(() =>
  z.strictObject({
    code: z.string().min(1),
    title: TextSchema,
    text: TextSchema.optional(),
    ruleText: TextSchema.optional(),
    points: PointsSchema.nullable().optional(),
    pool: z.boolean().optional(),
    bonus: z.boolean().optional(),
    penalty: z.boolean().optional(),
    penaltyCap: PointsSchema.optional(),
    highestOnly: z.boolean().optional(),
    dataSource: TextSchema.optional(),
    department: TextSchema.optional(),
    rule: RuleSchema.optional(),
    appliesIf: z.record(z.string().min(1), AttributeTestSchema).optional(),
    checklist: z.array(z.strictObject({ code: z.string().min(1), title: TextSchema })).optional(),
    unevenChildren: z.string().min(1).optional(),
    note: TextSchema.optional(),
    children: z.array(NodeSchema).optional(),
  }),
);
const SchemeFileSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash or underscore'),
  version: z.number().int().positive(),
  title: TextSchema,
  source: z.string().optional(),
  note: TextSchema.optional(),
  notApplicable: z.enum(['keep', 'exclude']).optional(),
  gradeBasis: z.enum(['total', 'base', 'percent']).optional(),
  grades: z.array(z.strictObject({ code: z.string().min(1), title: TextSchema, min: PointsSchema })).optional(),
  convert: PointsSchema.optional(),
  unmeasured: z.enum(['full', 'zero']).optional(),
  periods: z
    .array(z.strictObject({ code: z.string().min(1), title: TextSchema, weight: PointsSchema, combine: z.enum(['average', 'sum', 'last']).optional() }))
    .min(1)
    .optional(),
  ranking: z
    .strictObject({
      quotas: z
        .array(
          z.strictObject({
            grade: z.string().min(1),
            share: PointsSchema,
            otherwise: z.string().min(1),
            rounding: z.enum(['down', 'halfUp', 'up']).optional(),
            boundaryTies: z.enum(['demote', 'keep']).optional(),
          }),
        )
        .optional(),
      tieBreak: z.array(z.string().min(1)).optional(),
      rankPoints: z.array(PointsSchema).min(1).optional(),
      rankPointsRest: PointsSchema.optional(),
    })
    .optional(),
  sections: z.array(NodeSchema).min(1),
});

/** Keys whose values are codes: a plain `1.10` in YAML must stay "1.10", not become 1.1. */
const CODE_KEYS = new Set(['code', 'pool', 'grade', 'otherwise', 'tieBreak']);

export interface LoadResult {
  scheme?: Scheme;
  problems: SchemeProblem[];
}

/** Parses and checks scheme text; returns the scheme only when there is no error. */
export function parseScheme(source: string, file?: string): LoadResult {
  const read = readYaml(source, CODE_KEYS);
  if (!read.ok) {
    return {
      problems: read.syntax.map(({ yamlCode, message, ...place }) => ({ severity: 'error', ...schemeProblemMessage('syntax', { detail: message, yamlCode }), file, ...place })),
    };
  }
  const { doc, locate, placeOf } = read.source;
  const problems: SchemeProblem[] = [];
  const parsed = SchemeFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { path, ...place } = placeOf(issue);
      const said = issueText(issue);
      const params = { path: path.join('.'), zh: said.zh, en: said.en };
      problems.push({ severity: 'error', ...schemeProblemMessage('shape', params), file, node: nodeCodeAt(doc, path), ...place });
    }
    return { problems };
  }
  const scheme = buildScheme(
    parsed.data,
    (path, p) => problems.push({ file, ...locate(path), ...p }),
    (path) => locate(path).line,
  );
  const hasError = problems.some((p) => p.severity === 'error');
  return { scheme: hasError ? undefined : scheme, problems };
}

/** Parses scheme text and throws a SchemeError listing every error if it is invalid. */
export function loadScheme(source: string, file?: string): Scheme {
  const result = parseScheme(source, file);
  if (!result.scheme) throw new SchemeError(result.problems);
  return result.scheme;
}

function nodeCodeAt(doc: Document, path: ReadonlyArray<string | number>): string | undefined {
  for (let end = path.length; end > 0; end--) {
    if (typeof path[end - 1] !== 'number') continue;
    const code = doc.getIn([...path.slice(0, end), 'code']);
    if (typeof code === 'string' && path[0] === 'sections') return code;
  }
  return undefined;
}
