/**
 * The printable score sheet of one village (考核扣分明细), assembled from what was read for it:
 * the scheme, the village as a scoring unit, its active findings and their evidence, the header
 * and the rank. Pure, so the one-village page and the whole-campaign reports build the same sheet.
 */
import { fromCents } from '../core/numbers.ts';
import { textOf, walk, type Lang, type Scheme, type SchemeNode } from '../core/scheme/model.ts';
import { explain } from '../core/scoring/explain.ts';
import { score, type Finding, type Unit } from '../core/scoring/score.ts';
import type { VillageAttributes } from '../core/campaign/records.ts';
import { valueFromCents, valueWords } from '../contract/finding-values.ts';
import type { ScoreSheet, ScoreSheetDeduction, ScoreSheetEvidence, ScoreSheetHeader, ScoreSheetNode, ScoreSheetRank } from '../contract/score-sheet.ts';

/** The scoring unit of a village: the attributes the scheme's conditions test. */
export function unitOfVillage(a: VillageAttributes): Unit {
  const attributes: Record<string, string | number | boolean> = { povertyVillage: a.povertyVillage };
  if (a.plannedExitYear !== null) attributes.plannedExitYear = a.plannedExitYear;
  if (a.exitYear !== null) attributes.exitYear = a.exitYear;
  if (a.population !== null) attributes.population = a.population;
  return { name: a.villageName, attributes };
}

// The sheet's shape is the API's (GET /api/assessments/:id/sheet): defined in the contract.
export type { ScoreSheet, ScoreSheetDeduction, ScoreSheetEvidence, ScoreSheetHeader, ScoreSheetNode, ScoreSheetRank } from '../contract/score-sheet.ts';

export interface ScoreSheetInput {
  scheme: Scheme;
  unit: Unit;
  /** The active findings, each with its id (as a string, the engine's finding id). */
  findings: readonly Finding[];
  /** Active evidence of those findings. */
  evidence: ReadonlyArray<ScoreSheetEvidence & { findingId: number | null }>;
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
    if (e.findingId === null) continue;
    const list = evidenceOf.get(e.findingId) ?? [];
    list.push({ id: e.id, filename: e.filename, mime: e.mime, sha256: e.sha256, size: e.size, takenAt: e.takenAt, latitude: e.latitude, longitude: e.longitude });
    evidenceOf.set(e.findingId, list);
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
      const rule = node.rule;
      const part = f.part && rule?.kind === 'parts' ? rule.parts.find((p) => p.code === f.part) : undefined;
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
        value: f.value ? valueWords(valueFromCents(f.value), rule?.kind === 'measured' ? rule.measure : undefined, lang) : null,
        picked: f.amount !== undefined ? fromCents(f.amount) : null,
        part: f.part ?? null,
        partTitle: part ? textOf(part.title, lang) : null,
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
      converted: result.converted === null ? null : fromCents(result.converted),
      bonus: fromCents(result.bonus),
      penalty: fromCents(result.penalty),
      total: fromCents(result.total),
      max: fromCents(result.max),
      bonusMax: fromCents(result.bonusMax),
      percent: result.percent === null ? null : fromCents(result.percent),
    },
    grade: result.grade ? { code: result.grade.code, title: textOf(result.grade.title, lang) } : null,
    veto: result.veto,
    rank: input.rank,
    // Only published results are ranked: a sheet printed before publication says so instead.
    unranked: input.rank || input.header.status === 'published' ? null : input.header.status === 'draft' ? 'unassessed' : 'unpublished',
  };
}
