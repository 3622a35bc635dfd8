/**
 * What is left to look at in an assessment (已查 n/N): the items of the scheme that apply to the
 * village, each looked at once it has a finding (not withdrawn), a suggestion decided on it
 * (accepted or dismissed), or the inspector's mark "checked, no deduction" (已查，无扣分).
 * Bonus items (section 4 of the seed) count like the others: no suggestion is ever derived for
 * them, so they are looked at when a bonus is recorded or the item is marked. See
 * docs/campaigns.md.
 */
import type { ScoreResult } from '../scoring/score.ts';
import type { SuggestionStatus } from './records.ts';

/** The items a village is assessed on, in scheme order: the scored items that apply to it (the N of 已查 n/N). */
export function itemsToLook(result: Pick<ScoreResult, 'order' | 'nodes'>): string[] {
  return result.order.filter((code) => {
    const n = result.nodes[code]!;
    return n.kind === 'item' && n.applicable;
  });
}

/** What shows that an item was looked at. */
export interface LookedAt {
  /** Items with a finding that is not withdrawn. */
  findings: Iterable<string>;
  /** Suggestions by item and status: a decided one marks its item looked at, an open one is still to do. */
  suggestions: Iterable<{ item: string; status: SuggestionStatus }>;
  /** Items marked "checked, no deduction". */
  checks: Iterable<string>;
}

/** An assessment's progress: items looked at of those that apply, the ones left (in scheme order), and the suggestions still open. */
export interface LookProgress {
  total: number;
  done: number;
  left: string[];
  openSuggestions: number;
}

/** The progress of an assessment over the items it is assessed on (itemsToLook). */
export function lookProgress(items: readonly string[], seen: LookedAt): LookProgress {
  const looked = new Set<string>(seen.findings);
  for (const c of seen.checks) looked.add(c);
  let openSuggestions = 0;
  for (const s of seen.suggestions) {
    if (s.status === 'open') openSuggestions++;
    else looked.add(s.item);
  }
  const left = items.filter((code) => !looked.has(code));
  return { total: items.length, done: items.length - left.length, left, openSuggestions };
}
