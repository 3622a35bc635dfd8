/** Turning a scheme back into the data of a scheme file, with decimal points. */
import { fromCents } from '../numbers.ts';
import type { Rule, Scheme, SchemeNode, Text } from './model.ts';

type Data = Record<string, unknown>;

function text(t: Text): string | Text {
  return t.en === undefined ? t.zh : { zh: t.zh, en: t.en };
}

function rule(r: Rule): Data {
  switch (r.kind) {
    case 'perOccurrence':
    case 'fixedPenalty':
      return { kind: r.kind, amount: fromCents(r.amount), ...(r.pool ? { pool: r.pool } : {}) };
    case 'allOrNothing':
      return { kind: r.kind, ...(r.pool ? { pool: r.pool } : {}) };
    case 'bonus':
      return { kind: r.kind, amount: fromCents(r.amount) };
    case 'veto':
      return r.effect === 'grade' ? { kind: r.kind, effect: r.effect, grade: r.grade } : { kind: r.kind, effect: r.effect };
  }
}

function node(n: SchemeNode): Data {
  const out: Data = { code: n.code, title: text(n.title) };
  if (n.text) out.text = text(n.text);
  if (n.ruleText) out.ruleText = text(n.ruleText);
  if (n.points !== null) out.points = fromCents(n.points);
  if (n.pool) out.pool = true;
  if (n.bonus) out.bonus = true;
  if (n.rule) out.rule = rule(n.rule);
  if (n.appliesIf) out.appliesIf = n.appliesIf;
  if (n.checklist) out.checklist = n.checklist.map((e) => ({ code: e.code, title: text(e.title) }));
  if (n.unevenChildren) out.unevenChildren = n.unevenChildren;
  if (n.note) out.note = text(n.note);
  if (n.children.length > 0) out.children = n.children.map(node);
  return out;
}

/** The scheme as the plain data of a scheme file (points as decimals), ready for YAML or JSON. */
export function schemeToData(scheme: Scheme): Data {
  const out: Data = { id: scheme.id, version: scheme.version, title: text(scheme.title) };
  if (scheme.source) out.source = scheme.source;
  if (scheme.note) out.note = text(scheme.note);
  out.notApplicable = scheme.notApplicable;
  if (scheme.grades.length > 0) {
    out.gradeBasis = scheme.gradeBasis;
    out.grades = scheme.grades.map((g) => ({ code: g.code, title: text(g.title), min: fromCents(g.min) }));
  }
  out.sections = scheme.sections.map(node);
  return out;
}
