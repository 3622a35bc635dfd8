/**
 * The live score: the very engine the server scores with (src/core/scoring), run in the browser
 * on the campaign's frozen scheme, so an inspector sees a finding's effect before saving it. The
 * scheme comes as the data the server loaded and validated from the stored text; the browser
 * builds the model from it with core's own builder (core/scheme/build.ts), without the YAML
 * reader and the shape validator (yaml and zod stay out of the assessment page's first load).
 */
import { schemeFromData, type RawScheme } from '../../core/scheme/build.ts';
import type { Scheme, SchemeNode } from '../../core/scheme/model.ts';
import type { SchemeVersionAnswer } from '../../contract/schemes.ts';
import { FindingsError, resultToJson, score, type Finding, type FindingProblem, type ScoreResult, type Unit } from '../../core/scoring/score.ts';
import { explain, type ExplanationLine } from '../../core/scoring/explain.ts';
import { engineValues } from '../../contract/finding-values.ts';
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
      // A measured value, a picked amount, a part: the API's decimals in the engine's hundredths.
      return Object.assign(out, engineValues(f));
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

/** The scheme of a stored version's answer: built from the data the server validated. */
export function schemeOfVersion(body: Pick<SchemeVersionAnswer, 'id' | 'scheme'>): Scheme {
  try {
    return schemeFromData(body.scheme as unknown as RawScheme);
  } catch (e) {
    const first = e instanceof Error ? (e.message.split('\n')[1] ?? e.message).trim() : String(e);
    throw new Error(`scheme version ${body.id}: ${first || 'not a valid scheme'}`);
  }
}

const versionCache = new Map<number, Promise<{ scheme: Scheme; body: SchemeVersionAnswer }>>();

/** A stored scheme version, built in the browser (cached: versions never change). */
export function fetchSchemeVersion(versionId: number): Promise<{ scheme: Scheme; body: SchemeVersionAnswer }> {
  let hit = versionCache.get(versionId);
  if (!hit) {
    hit = api.get<SchemeVersionAnswer>(`/scheme-versions/${versionId}`).then((body) => ({ scheme: schemeOfVersion(body), body }));
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
