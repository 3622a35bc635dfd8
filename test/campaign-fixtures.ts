/**
 * A small hand-made registry for the campaign tests, written through the store: one county,
 * two townships, four villages, a few households, and just the records that make the seed
 * scheme's derivation rules suggest a known list of findings for village V1 in 2020:
 *
 *   1.3   no topic meeting in 2020-03 (every other month has one, with minutes; a
 *         team-leader meeting every Monday, so no week is missing one)
 *   2.3.1 one 'unaware' answer of a policy-awareness survey (household H1): one case
 *   2.5.4 no home visit recorded: the team leader visited neither household in any quarter
 *         (the helper has no assignment here); one all-or-nothing suggestion
 *   2.6.1 V1 is a poverty village due to exit in 2020 that did not
 *   2.6.2 household H1 was due to exit in 2020 and did not (H2 did)
 *   3.1.3 H2's 2020 exit has no publicity records: application form, review form, two
 *         publications and one announcement each missing, −2 per kind of paper
 *   3.2.1 one report sent late (another on time)
 *
 * Also: actors for every role, a fixed clock the tests move by hand, a temporary evidence
 * store, the seed scheme's text (and a version 2 with other amounts), and a tiny real PNG.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { BUILTIN_DIR } from '../src/schemes/index.ts';
import { type CampaignServices } from '../src/services/campaign/index.ts';
import { EvidenceStore } from '../src/services/evidence/evidence-store.ts';
import type { Actor } from '../src/services/policies.ts';
import type { Store } from '../src/store/db.ts';
import { compose } from '../src/compose.ts';
import { pngChunk } from '../src/services/demo/campaign-in-progress.ts';

export const COUNTY = '522425000000';
export const T1 = '522425100000';
export const T2 = '522425101000';
export const V1 = '522425100201';
export const V2 = '522425100202';
export const V3 = '522425101201';
export const V4 = '522425101202';
export const VILLAGES = [V1, V2, V3, V4] as const;
export const H1 = '5224251002010001';
export const H2 = '5224251002010002';
export const H3 = '5224251002020001';

/** The keys of the suggestions the registry gives V1 for 2020, in the scheme's order. */
export const V1_SUGGESTIONS_2020 = [
  '1.3:monthly-meeting:2020-03',
  `2.3.1:unaware:${H1}`,
  '2.5.4:home-visits:no-records',
  '2.6.1:village-exit',
  `2.6.2:household-exit:${H1}`,
  '3.1.3:papers:no-records',
  '3.2.1:report:2020-06-30:扶贫月报（6月）',
] as const;

export const ACTORS = {
  admin: { user: 'office', role: 'admin' },
  /** On team A (V1, V2). */
  zhang: { user: 'zhang', role: 'inspector' },
  /** On team B (V3, V4). */
  wang: { user: 'wang', role: 'inspector' },
  /** On no team. */
  li: { user: 'li', role: 'inspector' },
  reviewerT1: { user: 'rev-longchang', role: 'reviewer', township: T1 },
  reviewerT2: { user: 'rev-baiyan', role: 'reviewer', township: T2 },
  villageV1: { user: 'shiqiao', role: 'village', village: V1 },
  villageV2: { user: 'qinglong', role: 'village', village: V2 },
  viewer: { user: 'press', role: 'viewer' },
} as const satisfies Record<string, Actor>;

/** The seed scheme and its derivation rules, as shipped. */
export const SEED_TEXT = readFileSync(join(BUILTIN_DIR, 'seed-2020.yaml'), 'utf8');
export const DERIVE_TEXT = readFileSync(join(BUILTIN_DIR, 'seed-2020.derive.yaml'), 'utf8');

/**
 * Version 2 of the seed scheme: a late or wrong report (3.2.1) costs 2 points instead of 1.
 * `extra` lets a test make a third text with the same id and version but other content.
 */
export function seedV2Text(extra = ''): string {
  const at = SEED_TEXT.indexOf('code: "3.2.1"');
  const head = SEED_TEXT.slice(0, at);
  const tail = SEED_TEXT.slice(at);
  const changed = tail.replace('rule: { kind: perOccurrence, amount: 1 }', 'rule: { kind: perOccurrence, amount: 2 }');
  if (changed === tail) throw new Error('seed-2020.yaml changed: cannot make version 2');
  const text = (head + changed).replace(/^version: 1$/m, 'version: 2');
  if (!/^version: 2$/m.test(text)) throw new Error('seed-2020.yaml changed: no "version: 1" line');
  return text + extra;
}

/** A clock that stands still until a test moves it. */
export class FixedClock {
  private t: number;
  constructor(iso: string) {
    this.t = Date.parse(iso);
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
  readonly now = (): Date => new Date(this.t);
}

export interface Harness {
  service: CampaignServices;
  evidence: EvidenceStore;
  clock: FixedClock;
  evidenceDir: string;
  /** Removes the evidence directory. */
  cleanup(): void;
}

/** A campaign service on the store with a fixed clock and an evidence store in a temporary directory. */
export function harness(store: Store, start = '2020-12-01T08:00:00.000Z'): Harness {
  const evidenceDir = mkdtempSync(join(tmpdir(), 'kaohe-evidence-'));
  const evidence = new EvidenceStore(evidenceDir);
  const clock = new FixedClock(start);
  const service = compose({ store, evidence, clock: clock.now }).campaigns;
  return { service, evidence, clock, evidenceDir, cleanup: () => rmSync(evidenceDir, { recursive: true, force: true }) };
}

/** Every Monday of a year, 'YYYY-MM-DD'. */
function mondays(year: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    if (new Date(t).getUTCDay() === 1) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * The inspectors' user accounts (zhang, wang, li): a team's members must be inspectors' user
 * names. They cannot sign in (no password hash is valid); the services take actors directly.
 */
export async function addInspectors(store: Store): Promise<void> {
  const inspectors = [ACTORS.zhang, ACTORS.wang, ACTORS.li];
  await store.db
    .insertInto('users')
    .values(
      inspectors.map((a) => ({
        username: a.user,
        display_name: null,
        role: 'inspector' as const,
        township_code: null,
        village_code: null,
        password_hash: '!',
        created_at: '2020-01-01T00:00:00.000Z',
      })),
    )
    .execute();
}

/** Writes the hand-made registry (see the file's comment) into an empty store. */
export async function buildRegistry(store: Store): Promise<void> {
  await addInspectors(store);
  await store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('areas')
      .values([
        { code: COUNTY, level: 'county', name: '青山县', parent_code: null, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
        { code: T1, level: 'township', name: '龙场镇', parent_code: COUNTY, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
        { code: T2, level: 'township', name: '白岩镇', parent_code: COUNTY, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
        // A poverty village due to exit in 2020 that did not.
        { code: V1, level: 'village', name: '石桥村', parent_code: T1, poverty_village: 1, planned_exit_year: 2020, exit_year: null, population: 1200 },
        { code: V2, level: 'village', name: '青龙村', parent_code: T1, poverty_village: 0, planned_exit_year: null, exit_year: null, population: 900 },
        { code: V3, level: 'village', name: '红星村', parent_code: T2, poverty_village: 1, planned_exit_year: 2019, exit_year: 2019, population: 800 },
        { code: V4, level: 'village', name: '新寨村', parent_code: T2, poverty_village: 0, planned_exit_year: null, exit_year: null, population: 700 },
      ])
      .execute();
    const household = (no: string, village: string, head: string, idNumber: string, status: string, planned: number | null, exited: number | null) => ({
      household_no: no,
      village_code: village,
      year: 2020,
      head_name: head,
      head_id_number: idNumber,
      size: 4,
      workers: 2,
      attribute: 'general',
      main_cause: 'illness',
      status,
      identified_year: 2014,
      planned_exit_year: planned,
      exit_year: exited,
      income_fen: 480_000,
      phone: null,
      standard: null,
      other_causes: null,
      housing_grade: null,
      safe_water: 1,
      electricity: 1,
      road: 1,
    });
    await trx
      .insertInto('households')
      .values([
        household(H1, V1, '王大山', '522425196805120013', 'not-exited', 2020, null),
        household(H2, V1, '李秀英', '52242519750815002X', 'exited', 2020, 2020),
        household(H3, V2, '张国强', '522425195201010116', 'exited', 2019, 2019),
      ])
      .execute();
    const ids = new Map((await trx.selectFrom('households').select(['id', 'household_no']).execute()).map((h) => [h.household_no, h.id]));
    const hid = (no: string) => ids.get(no)!;

    // V1: a topic meeting with minutes every month but March; a team-leader meeting every Monday.
    const topic = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => ({
      village_code: V1,
      kind: 'topic' as const,
      date: `2020-${String(m).padStart(2, '0')}-15`,
      has_minutes: 1,
      topic: `${m}月扶贫工作推进`,
      attendees: 12,
    }));
    const leader = mondays(2020).map((date) => ({ village_code: V1, kind: 'leader' as const, date, has_minutes: 1, topic: '队长碰头会', attendees: 4 }));
    await trx
      .insertInto('meetings')
      .values([...topic, ...leader])
      .execute();

    await trx
      .insertInto('surveys')
      .values([
        { household_id: hid(H1), kind: 'awareness', date: '2020-05-10', respondent: '王大山', topic: '教育扶贫政策', answer: 'unaware' },
        { household_id: hid(H2), kind: 'awareness', date: '2020-05-10', respondent: '李秀英', topic: '教育扶贫政策', answer: 'aware' },
        { household_id: hid(H2), kind: 'satisfaction', date: '2020-05-10', respondent: '李秀英', topic: '帮扶工作', answer: 'satisfied' },
      ])
      .execute();

    await trx
      .insertInto('reports')
      .values([
        { village_code: V1, title: '扶贫月报（5月）', deadline: '2020-05-31', submitted_date: '2020-05-29', status: 'on-time', note: null },
        { village_code: V1, title: '扶贫月报（6月）', deadline: '2020-06-30', submitted_date: '2020-07-03', status: 'late', note: null },
      ])
      .execute();
  });
}

/** The current edit version of an assessment. */
export async function versionOf(store: Store, assessmentId: number): Promise<number> {
  const row = await store.db.selectFrom('assessments').select('version').where('id', '=', assessmentId).executeTakeFirstOrThrow();
  return row.version;
}

/** The stored total of an assessment, in cents. */
export async function totalOf(store: Store, assessmentId: number): Promise<number> {
  const row = await store.db.selectFrom('assessments').select('total').where('id', '=', assessmentId).executeTakeFirstOrThrow();
  return row.total;
}

export async function countRows(store: Store, table: 'audit_log' | 'findings' | 'evidence' | 'suggestions' | 'appeals' | 'ranking_snapshots' | 'campaigns'): Promise<number> {
  const { n } = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** A campaign over the four villages with team A (zhang: V1, V2) and team B (wang: V3, V4). */
export async function setUpCampaign(
  service: CampaignServices,
  options: { name?: string; year?: number; appealDays?: number; schemeVersionId?: number; period?: string } = {},
): Promise<{ campaignId: number; schemeVersionId: number; assessments: Record<string, number> }> {
  const admin = ACTORS.admin;
  const schemeVersionId = options.schemeVersionId ?? (await service.schemes.storeSchemeVersion(admin, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml')).id;
  const year = options.year ?? 2020;
  const campaignId = await service.setup.createCampaign(admin, {
    name: options.name ?? `${year}年度考核`,
    year,
    schemeVersionId,
    villages: [...VILLAGES],
    ...(options.appealDays !== undefined ? { appealDays: options.appealDays } : {}),
    ...(options.period !== undefined ? { period: options.period } : {}),
  });
  await service.setup.setTeam(admin, campaignId, 'A', [ACTORS.zhang.user]);
  await service.setup.setTeam(admin, campaignId, 'B', [ACTORS.wang.user]);
  await service.setup.assignVillages(admin, campaignId, 'A', [V1, V2]);
  await service.setup.assignVillages(admin, campaignId, 'B', [V3, V4]);
  const assessments: Record<string, number> = {};
  for (const v of VILLAGES) assessments[v] = await service.assessments.assessmentId(campaignId, v);
  return { campaignId, schemeVersionId, assessments };
}

// ---------------------------------------------------------------------------------------------
// A tiny real PNG (1×1, one red pixel), built by hand: signature, IHDR, IDAT, IEND.

/** A valid 1×1 RGB PNG of the given colour. */
export function tinyPng(rgb: [number, number, number] = [200, 30, 30]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0); // width
  ihdr.writeUInt32BE(1, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace
  const scanline = Buffer.from([0, ...rgb]); // filter byte 0, then the pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(scanline)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Saves a finding every `everyMs` until stopped; each save's start, time taken and error. */
export function saver(save: () => Promise<unknown>, everyMs: number) {
  const saves: Array<{ at: number; ms: number; error?: string }> = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = performance.now();
      try {
        await save();
        saves.push({ at, ms: performance.now() - at });
      } catch (e) {
        saves.push({ at, ms: performance.now() - at, error: String((e as Error).message ?? e) });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (performance.now() - at))));
    }
  })();
  return {
    saves,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * The small township scheme with periods and ranking rules (test/fixtures/schemes/township-periods.yaml)
 * under its own id, with extra sections appended where a test needs them.
 */
export function periodsScheme(id: string, extraSections = ''): string {
  const text = readFileSync(new URL('./fixtures/schemes/township-periods.yaml', import.meta.url), 'utf8');
  return text.replace(/^id: township-periods$/m, `id: ${id}`) + extraSections;
}
