/**
 * What accepting every suggestion of a village does to its score: the what-if behind
 * `bench/derive-demo.ts` and the demo's spread test. Notes (count 0) cannot be accepted and are
 * only counted.
 */
import type { Scheme } from '../scheme/model.ts';
import { score, type Finding } from '../scoring/score.ts';
import { deriveSuggestions } from './derive.ts';
import type { DeriveConfig } from './config.ts';
import type { Period, VillageRecords } from './types.ts';

export interface AcceptedOutcome {
  /** The total in points (not fen). */
  total: number;
  notes: number;
  /** Occurrences accepted per item code. */
  accepted: Map<string, number>;
  /** Points lost per item code, in the scheme's order; items with no loss are left out. */
  lost: Array<{ item: string; points: number }>;
  /** Item codes whose whole points are gone. */
  itemsLostEntirely: string[];
  /** Pools (sections, groups) whose whole points are gone. */
  poolsLostEntirely: string[];
}

export function acceptEverySuggestion(config: DeriveConfig, scheme: Scheme, records: VillageRecords, period: Period): AcceptedOutcome {
  const findings: Finding[] = [];
  const accepted = new Map<string, number>();
  let notes = 0;
  for (const s of deriveSuggestions(config, scheme, records, period)) {
    if (s.count === 0) {
      notes++;
      continue;
    }
    findings.push({ item: s.item, count: s.count, ...(s.element ? { element: s.element } : {}), ...(s.household ? { household: s.household } : {}) });
    accepted.set(s.item, (accepted.get(s.item) ?? 0) + s.count);
  }
  const result = score(scheme, { name: records.village.name, attributes: { povertyVillage: Boolean(records.village.poverty_village) } }, findings);
  const lost: AcceptedOutcome['lost'] = [];
  const itemsLostEntirely: string[] = [];
  const poolsLostEntirely: string[] = [];
  for (const code of result.order) {
    const n = result.nodes[code]!;
    if (n.kind === 'item' && n.deducted > 0) lost.push({ item: code, points: n.deducted / 100 });
    if (!n.applicable || n.max <= 0 || n.deductedRaw <= 0 || n.score > 0) continue;
    (n.kind === 'item' ? itemsLostEntirely : poolsLostEntirely).push(code);
  }
  return { total: result.total / 100, notes, accepted, lost, itemsLostEntirely, poolsLostEntirely };
}
