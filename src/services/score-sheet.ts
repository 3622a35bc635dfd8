/**
 * The printable score sheet of one village (考核扣分明细), assembled from what was read for it:
 * the scheme, the village as a scoring unit, its active findings and their evidence, the header
 * and the rank. Pure, so the one-village page and the whole-campaign reports build the same sheet.
 */
import { fromCents } from '../core/numbers.ts';
import { textOf, walk, type Lang, type Scheme, type SchemeNode } from '../core/scheme/model.ts';
import { explain } from '../core/scoring/explain.ts';
import { score, type Finding, type ScoreResult, type Unit } from '../core/scoring/score.ts';

/** A village row as the assessment queries read it, enough to score it. */
export interface VillageAttributesRow {
  village_name: string;
  poverty_village: number;
  planned_exit_year: number | null;
  exit_year: number | null;
  population: number | null;
}

/** A village as a repository gives it, enough to score it. */
export interface VillageAttributes {
  villageName: string;
  povertyVillage: boolean;
  plannedExitYear: number | null;
  exitYear: number | null;
  population: number | null;
}

/** The scoring unit of a village: the attributes the scheme's conditions test. */
export function villageUnit(a: VillageAttributes): Unit {
  const attributes: Record<string, string | number | boolean> = { povertyVillage: a.povertyVillage };
  if (a.plannedExitYear !== null) attributes.plannedExitYear = a.plannedExitYear;
  if (a.exitYear !== null) attributes.exitYear = a.exitYear;
  if (a.population !== null) attributes.population = a.population;
  return { name: a.villageName, attributes };
}

/** The scoring unit of a village read as a row (snake_case, the flag 0/1): see villageUnit. */
export function unitOfVillage(a: VillageAttributesRow): Unit {
  return villageUnit({
    villageName: a.village_name,
    povertyVillage: Number(a.poverty_village) === 1,
    plannedExitYear: a.planned_exit_year,
    exitYear: a.exit_year,
    population: a.population,
  });
}

export interface ScoreSheetHeader {
  county: { code: string; name: string } | null;
  township: { code: string; name: string } | null;
  campaign: { id: number; name: string; year: number; period: { from: string; to: string } };
  village: { code: string; name: string };
  team: string | null;
  scheme: { id: string; version: number; title: string };
  status: string;
  publishedAt: string | null;
  /** The day the sheet was produced (YYYY-MM-DD). */
  date: string;
  /** The audit log's head when the sheet was produced, `N:HEX` (审计锚点): kept on paper, checked by `kaohe audit verify --anchor`. */
  auditAnchor: string | null;
}

export interface ScoreSheetNode {
  code: string;
  title: string;
  /** 0 for a section, 1 for its children, … */
  depth: number;
  kind: string;
  applicable: boolean;
  max: number;
  deducted: number;
  score: number;
  added?: number;
  rule?: string;
}

export interface ScoreSheetEvidence {
  id: number;
  filename: string;
  mime: string;
  takenAt: string | null;
}

export interface ScoreSheetDeduction {
  item: string;
  title: string;
  findingId: number;
  count: number;
  element: string | null;
  elementTitle: string | null;
  note: string | null;
  household: string | null;
  /** Points this finding takes off (or adds, for a bonus item), before any pool cap. */
  amount: number;
  bonus: boolean;
  /** The explanation line of this finding. */
  reason: string;
  evidence: ScoreSheetEvidence[];
}

export interface ScoreSheetRank {
  /** Which results the rank is among: 'all', 'published', 'published-and-own-township'. */
  basis: string;
  county: number;
  countyOf: number;
  township: number;
  townshipOf: number | null;
}

export interface ScoreSheet {
  header: ScoreSheetHeader;
  nodes: ScoreSheetNode[];
  deductions: ScoreSheetDeduction[];
  explanation: string[];
  totals: { base: number; bonus: number; total: number; max: number; bonusMax: number; percent: number | null };
  grade: { code: string; title: string } | null;
  veto: ScoreResult['veto'];
  rank: ScoreSheetRank | null;
}

export interface ScoreSheetInput {
  scheme: Scheme;
  unit: Unit;
  /** The active findings, each with its id (as a string, the engine's finding id). */
  findings: readonly Finding[];
  /** Active evidence of those findings. */
  evidence: ReadonlyArray<{ id: number; finding_id: number | null; filename: string; mime: string; taken_at: string | null }>;
  header: ScoreSheetHeader;
  rank: ScoreSheetRank | null;
  lang: Lang;
}

/** Scores the village and lays out its sheet: every node, every deduction with its reason and evidence, totals, grade and rank. */
export function buildScoreSheet(input: ScoreSheetInput): ScoreSheet {
  const { scheme, lang } = input;
  const findings = input.findings;
  const result = score(scheme, input.unit, findings);
  const lines = explain(result, scheme, lang);
  const nodes: ScoreSheetNode[] = [];
  const index = new Map<string, SchemeNode>();
  walk(scheme, (node, ancestors) => {
    index.set(node.code, node);
    const n = result.nodes[node.code]!;
    nodes.push({
      code: node.code,
      title: textOf(node.title, lang),
      depth: ancestors.length,
      kind: n.kind,
      applicable: n.applicable,
      max: fromCents(n.max),
      deducted: fromCents(n.deducted),
      score: fromCents(n.score),
      ...(n.added !== undefined ? { added: fromCents(n.added) } : {}),
      ...(node.ruleText ? { rule: textOf(node.ruleText, lang) } : {}),
    });
  });
  const evidenceOf = new Map<number, ScoreSheetEvidence[]>();
  for (const e of input.evidence) {
    if (e.finding_id === null) continue;
    const list = evidenceOf.get(e.finding_id) ?? [];
    list.push({ id: e.id, filename: e.filename, mime: e.mime, takenAt: e.taken_at });
    evidenceOf.set(e.finding_id, list);
  }
  // explain() gives each counted finding of an item one line, in the item's order.
  const queue = new Map<string, string[]>();
  for (const l of lines) if (l.kind === 'finding' || l.kind === 'bonus' || l.kind === 'veto') (queue.get(l.code) ?? queue.set(l.code, []).get(l.code)!).push(l.text);
  const deductions: ScoreSheetDeduction[] = [];
  for (const code of result.order) {
    const n = result.nodes[code]!;
    if (n.kind !== 'item') continue;
    const node = index.get(code)!;
    for (const d of n.deductions ?? []) {
      if (d.count === 0) continue;
      const f = findings[d.finding]!;
      const element = d.element ? node.checklist?.find((e) => e.code === d.element) : undefined;
      deductions.push({
        item: code,
        title: textOf(node.title, lang),
        findingId: Number(f.id),
        count: d.count,
        element: d.element ?? null,
        elementTitle: element ? textOf(element.title, lang) : null,
        note: d.note ?? null,
        household: d.household ?? null,
        amount: fromCents(d.amount),
        bonus: node.rule?.kind === 'bonus',
        reason: queue.get(code)?.shift() ?? '',
        evidence: evidenceOf.get(Number(f.id)) ?? [],
      });
    }
  }
  return {
    header: input.header,
    nodes,
    deductions,
    explanation: lines.map((l) => l.text),
    totals: {
      base: fromCents(result.base),
      bonus: fromCents(result.bonus),
      total: fromCents(result.total),
      max: fromCents(result.max),
      bonusMax: fromCents(result.bonusMax),
      percent: result.percent === null ? null : fromCents(result.percent),
    },
    grade: result.grade ? { code: result.grade.code, title: textOf(result.grade.title, lang) } : null,
    veto: result.veto,
    rank: input.rank,
  };
}
