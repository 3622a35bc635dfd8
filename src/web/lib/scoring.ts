/**
 * The live score: the very engine the server scores with (src/core/scoring), run in the browser
 * on the campaign's frozen scheme, so an inspector sees a finding's effect before saving it.
 */
import { parseScheme } from '../../core/scheme/load.ts';
import type { Scheme, SchemeNode } from '../../core/scheme/model.ts';
import type { SchemeProblem } from '../../core/scheme/problems.ts';
import { FindingsError, resultToJson, score, type Finding, type FindingProblem, type ScoreResult, type Unit } from '../../core/scoring/score.ts';
import { explain, type ExplanationLine } from '../../core/scoring/explain.ts';
import { api } from './api.ts';
import type { AssessmentDetail, CampaignDetail, FindingRow, ScoreJson } from './types.ts';

export type { Scheme, SchemeNode, Finding, ScoreResult, ExplanationLine };

export interface LiveScore {
  result?: ScoreResult;
  json?: ScoreJson;
  lines: ExplanationLine[];
  problems: FindingProblem[];
}

/** Scores findings and explains them; a finding the scheme refuses comes back as a problem, not an exception. */
export function liveScore(scheme: Scheme, unit: Unit, findings: readonly Finding[], lang: 'zh' | 'en'): LiveScore {
  try {
    const result = score(scheme, unit, findings);
    return { result, json: resultToJson(result) as ScoreJson, lines: explain(result, scheme, lang), problems: [] };
  } catch (e) {
    if (e instanceof FindingsError) return { lines: [], problems: e.problems };
    throw e;
  }
}

/** The findings that count: active ones, as the engine takes them. */
export function engineFindings(rows: readonly FindingRow[]): Finding[] {
  return rows
    .filter((f) => f.status === 'active')
    .map((f) => {
      const out: Finding = { item: f.item, count: f.count, id: String(f.id) };
      if (f.element) out.element = f.element;
      if (f.note) out.note = f.note;
      if (f.householdNo) out.household = f.householdNo;
      return out;
    });
}

/** The unit the engine scores: the village's attributes, named as the scheme's `appliesIf` names them. */
export function unitOf(village: {
  name: string;
  povertyVillage?: boolean | number | null;
  plannedExitYear?: number | null;
  exitYear?: number | null;
  population?: number | null;
}): Unit {
  const attributes: Record<string, string | number | boolean> = { povertyVillage: village.povertyVillage === true || village.povertyVillage === 1 };
  if (village.plannedExitYear !== null && village.plannedExitYear !== undefined) attributes.plannedExitYear = village.plannedExitYear;
  if (village.exitYear !== null && village.exitYear !== undefined) attributes.exitYear = village.exitYear;
  if (village.population !== null && village.population !== undefined) attributes.population = village.population;
  return { name: village.name, attributes };
}

/** The scheme text of an API answer about a scheme version (whichever name the field has). */
export function sourceTextOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  for (const k of ['sourceText', 'source_text', 'text', 'yaml', 'source']) {
    const v = b[k];
    // `source` is also a scheme's provenance line: only a multi-line text is a scheme file.
    if (typeof v === 'string' && v.includes('\n')) return v;
  }
  for (const k of ['version', 'schemeVersion']) if (b[k] && typeof b[k] === 'object') return sourceTextOf(b[k]);
  return undefined;
}

/** The derivation rules' text of a scheme version answer, if any. */
export function deriveTextOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  for (const k of ['deriveText', 'derive_text']) if (typeof b[k] === 'string') return b[k] as string;
  for (const k of ['version', 'schemeVersion']) if (b[k] && typeof b[k] === 'object') return deriveTextOf(b[k]);
  return undefined;
}

/** A scheme from its text, as the server would load it (problems with lines when it is not valid). */
export function schemeFromText(text: string): { scheme?: Scheme; problems: SchemeProblem[] } {
  return parseScheme(text);
}

const versionCache = new Map<number, Promise<{ scheme: Scheme; text: string; deriveText?: string; body: unknown }>>();

/** A stored scheme version, parsed in the browser (cached: versions never change). */
export function fetchSchemeVersion(versionId: number): Promise<{ scheme: Scheme; text: string; deriveText?: string; body: unknown }> {
  let hit = versionCache.get(versionId);
  if (!hit) {
    hit = api.get<unknown>(`/scheme-versions/${versionId}`).then((body) => {
      const text = sourceTextOf(body);
      if (!text) throw new Error(`scheme version ${versionId}: the answer has no scheme text`);
      const parsed = parseScheme(text);
      if (!parsed.scheme) throw new Error(`scheme version ${versionId}: ${parsed.problems[0]?.message ?? 'not a valid scheme'}`);
      const deriveText = deriveTextOf(body);
      return { scheme: parsed.scheme, text, body, ...(deriveText ? { deriveText } : {}) };
    });
    hit.catch(() => versionCache.delete(versionId));
    versionCache.set(versionId, hit);
  }
  return hit;
}

/** The frozen scheme an assessment is scored by (the campaign names its stored version). */
export async function schemeForAssessment(a: AssessmentDetail): Promise<{ scheme: Scheme; versionId: number }> {
  const campaign = await api.get<CampaignDetail>(`/campaigns/${a.campaignId}`);
  const versionId = campaign.scheme.versionId;
  return { scheme: (await fetchSchemeVersion(versionId)).scheme, versionId };
}

/** Every item of a scheme (leaves with a rule), in scheme order, with their ancestors. */
export function itemsOf(scheme: Scheme): Array<{ node: SchemeNode; ancestors: SchemeNode[] }> {
  const out: Array<{ node: SchemeNode; ancestors: SchemeNode[] }> = [];
  const go = (n: SchemeNode, ancestors: SchemeNode[]) => {
    if (n.rule) out.push({ node: n, ancestors });
    for (const c of n.children) go(c, [...ancestors, n]);
  };
  scheme.sections.forEach((s) => go(s, []));
  return out;
}

/** Nodes by code. */
export function nodeIndex(scheme: Scheme): Map<string, SchemeNode> {
  const map = new Map<string, SchemeNode>();
  const go = (n: SchemeNode) => {
    map.set(n.code, n);
    n.children.forEach(go);
  };
  scheme.sections.forEach(go);
  return map;
}
