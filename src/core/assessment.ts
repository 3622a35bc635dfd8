/**
 * The assessment file of `kaohe score`: a unit, its findings and optionally the scheme id.
 * `{"scheme"?: id, "unit": {"name": "…", "attributes": {…}}, "findings": [{"item": "1.1", "count": 2}]}`
 */
import { z } from 'zod';
import { readYaml } from './yaml-source.ts';
import { KaoheError } from './errors.ts';
import type { Finding, FindingProblem, Unit } from './scoring/score.ts';

const AssessmentSchema = z.strictObject({
  scheme: z.string().min(1).optional(),
  unit: z.strictObject({
    name: z.string().min(1),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  }),
  findings: z.array(
    z.strictObject({
      item: z.unknown(),
      count: z.unknown().optional(),
      element: z.string().optional(),
      note: z.string().optional(),
      household: z.string().optional(),
      id: z.string().optional(),
    }),
  ),
});

const CODE_KEYS = new Set(['item', 'element']);

export interface Assessment {
  scheme?: string;
  unit: Unit & { name: string };
  findings: Finding[];
  /** Line of each finding in the file (1-based), for messages. */
  findingLines: number[];
}

/** Parses an assessment file's text (JSON or YAML); throws KaoheError('invalid-assessment') naming the field and line. */
export function parseAssessment(source: string, file = '<assessment>'): Assessment {
  // An unquoted `item: 1.10` is a code, not the number 1.1: keep it as written.
  const read = readYaml(source, CODE_KEYS);
  if (!read.ok) {
    const e = read.syntax[0]!;
    throw new KaoheError('invalid-assessment', `${file}:${e.line}: not valid JSON or YAML: ${e.message}`);
  }
  const { doc, locate, placeOf } = read.source;
  const parsed = AssessmentSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => {
      const { path, line } = placeOf(issue);
      return `${file}${line ? `:${line}` : ''}: ${formatPath(path) || '(top level)'}: ${issue.message}`;
    });
    throw new KaoheError('invalid-assessment', messages.join('\n'));
  }
  const findingLines = parsed.data.findings.map((_, i) => locate(['findings', i]).line ?? 0);
  const a: Assessment = {
    unit: parsed.data.unit,
    findings: parsed.data.findings as Finding[],
    findingLines,
  };
  if (parsed.data.scheme) a.scheme = parsed.data.scheme;
  return a;
}

function formatPath(path: Array<string | number>): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** Formats finding problems with the file and line of each finding. */
export function describeFindingProblems(problems: FindingProblem[], file: string, lines: number[]): string {
  return problems
    .map((p) => {
      const line = lines[p.index];
      return `${file}${line ? `:${line}` : ''}: findings[${p.index}] (item ${JSON.stringify(p.item)}) ${p.field}: ${p.message}`;
    })
    .join('\n');
}
