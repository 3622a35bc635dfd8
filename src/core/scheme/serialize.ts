/** Turning a scheme back into the data of a scheme file, with decimal points. */
import { fromCents } from '../numbers.ts';
import type { Measure, MeasuredScoring, Rule, Scheme, SchemeNode, SimpleRule, Text } from './model.ts';

type Data = Record<string, unknown>;

function text(t: Text): string | Text {
  return t.en === undefined ? t.zh : { zh: t.zh, en: t.en };
}

const pool = (r: { pool?: string }): Data => (r.pool ? { pool: r.pool } : {});

function rule(r: Rule | SimpleRule): Data {
  switch (r.kind) {
    case 'perOccurrence':
    case 'fixedPenalty':
      return { kind: r.kind, amount: fromCents(r.amount), ...pool(r) };
    case 'allOrNothing':
      return { kind: r.kind, ...pool(r) };
    case 'range':
      return { kind: r.kind, min: fromCents(r.min), max: fromCents(r.max), ...(r.step !== undefined ? { step: fromCents(r.step) } : {}), ...pool(r) };
    case 'bonus':
      return { kind: r.kind, amount: fromCents(r.amount) };
    case 'veto':
      return r.effect === 'zero' ? { kind: r.kind, effect: r.effect } : { kind: r.kind, effect: r.effect, grade: r.grade };
    case 'measured':
      return { kind: r.kind, measure: measure(r.measure), scoring: scoring(r.scoring), ...pool(r) };
    case 'parts':
      return { kind: r.kind, parts: r.parts.map((p) => ({ code: p.code, title: text(p.title), rule: rule(p.rule) })), ...pool(r) };
  }
}

function measure(m: Measure): Data {
  const out: Data = { kind: m.kind };
  if (m.title) out.title = text(m.title);
  if (m.unit) out.unit = text(m.unit);
  if (m.terms) out.terms = m.terms.map((t) => ({ code: t.code, title: text(t.title), weight: fromCents(t.weight) }));
  if (m.of) out.of = text(m.of);
  if (m.levels) out.levels = m.levels.map((l) => ({ code: l.code, title: text(l.title), points: fromCents(l.points) }));
  return out;
}

function scoring(s: MeasuredScoring): Data {
  switch (s.by) {
    case 'shortfall':
      return {
        by: s.by,
        target: fromCents(s.target),
        step: fromCents(s.step),
        amount: fromCents(s.amount),
        rounding: s.rounding,
        ...(s.floor !== undefined ? { floor: fromCents(s.floor) } : {}),
      };
    case 'tiers':
      return { by: s.by, tiers: s.tiers.map((t) => ({ min: fromCents(t.min), points: fromCents(t.points), ...(t.above ? { above: true } : {}) })) };
    case 'perUnit':
      return { by: s.by, unit: fromCents(s.unit), amount: fromCents(s.amount), rounding: s.rounding };
    case 'rating':
    case 'proportional':
      return { by: s.by };
  }
}

function node(n: SchemeNode): Data {
  const out: Data = { code: n.code, title: text(n.title) };
  if (n.text) out.text = text(n.text);
  if (n.ruleText) out.ruleText = text(n.ruleText);
  if (n.points !== null) out.points = fromCents(n.points);
  if (n.pool) out.pool = true;
  if (n.bonus) out.bonus = true;
  if (n.penalty) out.penalty = true;
  if (n.penaltyCap !== undefined) out.penaltyCap = fromCents(n.penaltyCap);
  if (n.highestOnly) out.highestOnly = true;
  if (n.rule) out.rule = rule(n.rule);
  if (n.appliesIf) out.appliesIf = n.appliesIf;
  if (n.checklist) out.checklist = n.checklist.map((e) => ({ code: e.code, title: text(e.title) }));
  if (n.unevenChildren) out.unevenChildren = n.unevenChildren;
  if (n.dataSource) out.dataSource = text(n.dataSource);
  if (n.department) out.department = text(n.department);
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
  if (scheme.convert !== undefined) out.convert = fromCents(scheme.convert);
  if (scheme.unmeasured) out.unmeasured = scheme.unmeasured;
  if (scheme.periods) out.periods = scheme.periods.map((p) => ({ code: p.code, title: text(p.title), weight: fromCents(p.weight), combine: p.combine }));
  if (scheme.ranking) {
    const r = scheme.ranking;
    const ranking: Data = {};
    if (r.quotas) {
      ranking.quotas = r.quotas.map((q) => ({
        grade: q.grade,
        share: fromCents(q.share),
        otherwise: q.otherwise,
        ...(q.rounding ? { rounding: q.rounding } : {}),
        ...(q.boundaryTies ? { boundaryTies: q.boundaryTies } : {}),
      }));
    }
    if (r.tieBreak) ranking.tieBreak = r.tieBreak;
    if (r.rankPoints) ranking.rankPoints = r.rankPoints.map(fromCents);
    if (r.rankPointsRest !== undefined) ranking.rankPointsRest = fromCents(r.rankPointsRest);
    out.ranking = ranking;
  }
  if (scheme.grades.length > 0) {
    out.gradeBasis = scheme.gradeBasis;
    out.grades = scheme.grades.map((g) => ({ code: g.code, title: text(g.title), min: fromCents(g.min) }));
  }
  out.sections = scheme.sections.map(node);
  return out;
}
