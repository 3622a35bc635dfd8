/**
 * An inspector's villages in a campaign (我的考核村): each assessment of their teams with its
 * state, what is left in it (items not yet looked at, suggestions still open, the reviewer's
 * comment when it was sent back) and the figures over those villages, ordered by what to do
 * next. The office gets every village of the campaign. A constant number of queries whatever
 * the number of villages: the list, the teams, and one read each of findings, suggestions and
 * marks for all of them.
 *
 * A province's office would get 50,000 villages: a list longer than `worklistTuning.max` (2,000,
 * several counties' worth) is not read village by village. Its answer says so (`tooMany`), counts
 * the villages by status in SQL, leaves the figures that need every village's findings (items
 * looked at, suggestions open) out, and names the townships (`townships`, each with its number of
 * villages, also counted in SQL) for the reader to take one at a time (`township`, cut in SQL),
 * as a county's inspector takes theirs. An inspector's own list is a few dozen villages.
 */
import { lookProgress } from '../../core/campaign/progress.ts';
import type { AssessmentStatus } from '../../core/campaign/records.ts';
import { fromCents } from '../../core/numbers.ts';
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { listCut, listsRow, mayListMyVillages, requirePolicy, type Actor } from '../policies.ts';
import { unitOfVillage } from '../score-sheet.ts';
import type { SchemeVersions } from './scheme-versions.service.ts';
import { townshipCounts } from './campaign-setup.service.ts';
import { itemsForUnit, notFound } from './shared.ts';
import type { MyVillage } from '../../contract/campaigns.ts';

type Repos = Pick<Repositories, 'campaigns' | 'assessments' | 'findings' | 'suggestions' | 'checks' | 'schemeVersions'>;

/** One village of the list: as the API gives it (the contract's MyVillage). */
export type WorklistVillage = MyVillage;

/** The order of work: sent back first, then drafts, submitted, reviewed; published last. */
const RANK: Record<AssessmentStatus, number> = { draft: 1, submitted: 2, reviewed: 3, published: 4 };
const rankOf = (v: WorklistVillage) => (v.sentBack ? 0 : RANK[v.status]);
/** What is left in a draft: items not looked at and suggestions not decided. */
const leftOf = (v: WorklistVillage) => v.items.left.length + v.openSuggestions;

/** Sent back first, then drafts with most left, then submitted, reviewed, published; by village code within. */
export function byWhatToDoNext(a: WorklistVillage, b: WorklistVillage): number {
  const r = rankOf(a) - rankOf(b);
  if (r !== 0) return r;
  if (a.status === 'draft') {
    const d = leftOf(b) - leftOf(a);
    if (d !== 0) return d;
  }
  return a.village < b.village ? -1 : a.village > b.village ? 1 : 0;
}

/** A draft a reviewer sent back (with a comment). */
const isSentBack = (r: { status: AssessmentStatus; comment: string | null }) => r.status === 'draft' && !!r.comment?.trim();

/** Lists longer than `max` are answered by township (see the top of the file); tests lower it. */
export const worklistTuning = { max: 2000 };

export class WorklistService {
  constructor(private readonly deps: { uow: UnitOfWork<Repos>; schemes: SchemeVersions }) {}

  /**
   * The actor's villages in a campaign with what is left in each, and the figures over them;
   * `township`: only that township's.
   */
  async myVillages(actor: Actor, campaignId: number, options: { township?: string } = {}) {
    requirePolicy(actor, mayListMyVillages);
    const read = this.deps.uow.read;
    const c = await read.campaigns.byId(campaignId);
    if (!c) throw notFound(`campaign ${campaignId}`);
    // Counted in SQL under the reader's cut (by team, township and status): a province's 50,000
    // villages are not read to name their townships or to find that they are too many.
    const cut = listCut(actor);
    const groups = await read.assessments.groups(campaignId, cut);
    const campaign = { id: c.id, name: c.name, year: c.year };
    // The townships of the reader's villages, by code, each with its number of villages.
    const townshipList = townshipCounts(groups).flatMap((t) => (t.code === null ? [] : [{ code: t.code, name: t.name ?? t.code, villages: t.villages }]));
    const asked = options.township === undefined ? cut : { ...cut, township: options.township };
    const inList = options.township === undefined ? groups : groups.filter((g) => g.townshipCode === options.township);
    const listed = inList.reduce((n, g) => n + g.n, 0);
    if (listed > worklistTuning.max) {
      // Too many to read village by village: the counts by status, and the rest by township.
      const count = (s: AssessmentStatus) => inList.reduce((n, g) => n + (g.status === s ? g.n : 0), 0);
      return {
        campaign,
        figures: {
          villages: listed,
          draft: count('draft'),
          submitted: count('submitted'),
          reviewed: count('reviewed'),
          published: count('published'),
          sentBack: (await read.assessments.draftComments(campaignId, asked)).filter((comment) => isSentBack({ status: 'draft', comment })).length,
          items: null,
          openSuggestions: null,
        },
        villages: [] as WorklistVillage[],
        townships: townshipList,
        tooMany: true,
        max: worklistTuning.max,
      };
    }
    // The list itself, cut in SQL (the township asked too), and checked row by row by the policy.
    const { scheme } = await this.deps.schemes.schemeOf(c.schemeVersionId);
    const teams = new Map((await read.campaigns.teams(campaignId)).map((t) => [t.id, t]));
    const rows = (await read.assessments.worklist(campaignId, asked)).filter((r) => {
      const team = r.teamId === null ? undefined : teams.get(r.teamId);
      return listsRow(actor, { status: r.status, townshipCode: r.townshipCode, inspectors: team?.members ?? [] });
    });
    const count = (s: AssessmentStatus) => rows.filter((r) => r.status === s).length;
    const counts = {
      villages: rows.length,
      draft: count('draft'),
      submitted: count('submitted'),
      reviewed: count('reviewed'),
      published: count('published'),
      sentBack: rows.filter(isSentBack).length,
    };
    const ids = rows.map((r) => r.id);
    const findings = groupItems(await read.findings.itemsOf(ids));
    const checks = groupItems(await read.checks.itemsOf(ids));
    const suggestions = new Map<number, Array<{ item: string; status: 'open' | 'accepted' | 'dismissed' }>>();
    for (const s of await read.suggestions.statusesOf(ids)) (suggestions.get(s.assessmentId) ?? suggestions.set(s.assessmentId, []).get(s.assessmentId)!).push(s);

    const villages: WorklistVillage[] = rows.map((r) => {
      const p = lookProgress(itemsForUnit(scheme, unitOfVillage(r)), {
        findings: findings.get(r.id) ?? [],
        suggestions: suggestions.get(r.id) ?? [],
        checks: checks.get(r.id) ?? [],
      });
      const sentBack = isSentBack(r);
      return {
        id: r.id,
        village: r.villageCode,
        villageName: r.villageName,
        township: r.townshipCode,
        townshipName: r.townshipName,
        team: r.teamId === null ? null : (teams.get(r.teamId)?.name ?? null),
        status: r.status,
        sentBack,
        comment: sentBack ? r.comment : null,
        version: r.version,
        total: fromCents(r.total),
        items: { done: p.done, total: p.total, left: p.left },
        openSuggestions: p.openSuggestions,
        updatedAt: r.updatedAt,
        submittedAt: r.submittedAt,
      };
    });
    villages.sort(byWhatToDoNext);

    return {
      campaign,
      figures: {
        ...counts,
        items: { done: villages.reduce((n, v) => n + v.items.done, 0), total: villages.reduce((n, v) => n + v.items.total, 0) },
        openSuggestions: villages.reduce((n, v) => n + v.openSuggestions, 0),
      },
      villages,
      townships: townshipList,
      tooMany: false,
      max: worklistTuning.max,
    };
  }
}

function groupItems(rows: ReadonlyArray<{ assessmentId: number; item: string }>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) (out.get(r.assessmentId) ?? out.set(r.assessmentId, []).get(r.assessmentId)!).push(r.item);
  return out;
}
