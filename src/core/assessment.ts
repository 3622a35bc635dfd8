/**
 * The assessment file of `kaohe score`: a unit, its findings and optionally the scheme id.
 * `{"scheme"?: id, "unit": {"name": "…", "attributes": {…}}, "findings": [{"item": "1.1", "count": 2}]}`
 */
import { z } from 'zod';
import { LineCounter, isScalar, parseDocument, visit } from 'yaml';
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

export interface Assessment {
  scheme?: string;
  unit: Unit & { name: string };
  findings: Finding[];
  /** Line of each finding in the file (1-based), for messages. */
  findingLines: number[];
}

/** Parses an assessment file's text (JSON or YAML); throws KaoheError('invalid-assessment') naming the field and line. */
export function parseAssessment(source: string, file = '<assessment>'): Assessment {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, keepSourceTokens: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new KaoheError('invalid-assessment', `${file}:${lineOf(e.pos[0])}: not valid JSON or YAML: ${e.message.split('\n')[0]}`);
  }
  // An unquoted `item: 1.10` is a code, not the number 1.1: keep it as written.
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && (pair.key.value === 'item' || pair.key.value === 'element') && isScalar(pair.value)) {
        const v = pair.value;
        if (typeof v.value === 'number') v.value = v.source ?? String(v.value);
      }
    },
  });
  const parsed = AssessmentSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => {
      const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
      const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
      const line = lineOf(node?.range?.[0]);
      return `${file}${line ? `:${line}` : ''}: ${formatPath(path) || '(top level)'}: ${issue.message}`;
    });
    throw new KaoheError('invalid-assessment', messages.join('\n'));
  }
  const findingLines = parsed.data.findings.map((_, i) => {
    const node = doc.getIn(['findings', i], true) as { range?: [number, number, number] } | undefined;
    return lineOf(node?.range?.[0]) ?? 0;
  });
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
