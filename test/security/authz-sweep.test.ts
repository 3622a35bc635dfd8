/**
 * The authorisation sweep: every operation of the OpenAPI document (`app.swagger()`), asked by
 * every kind of caller — no session, the office, the office of township A's county (an office
 * with an area: township B is another county's), a reviewer of township A and of B, an inspector
 * of team 1 and of team 2, the village users of A1 and B1, a viewer — about an object in the
 * caller's reach, every object out of it (another village, another team, another township, an
 * unpublished result) and a missing id. For each request:
 *
 *   1. no session: 401 (public routes excepted);
 *   2. a role the route is not for: 403 `forbidden`; an object out of reach: 404 `not-found`
 *      with word for word the message a missing id gets; in reach: the route's success; never
 *      a 500, never data beside an error;
 *   3. no answer to anyone but the office holds a whole resident ID number (17 digits and a
 *      digit or X) — JSON, CSV and text bodies, headers (file names), workbooks cell by cell
 *      and PDFs as text (pdftotext, where installed);
 *   4. a refused change changes nothing: the audit log and a checksum of the main tables are
 *      the same before and after.
 *
 * The sweep fails when the OpenAPI document has an operation the table below does not
 * describe (or the table one the document lacks), so a new route is swept from its first day.
 * Refusals are asked first, on the fixture as it was built; then the allowed requests, each
 * destructive one on a fresh object (a new finding to withdraw, a new appeal to decide, the
 * workflow villages A3/B3 set to the step about to be taken). See docs/security-authz.md.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRegistry, COUNTY, DERIVE_TEXT, H1, H3, SEED_TEXT, T1, T2, tinyPng, V1, V2, V3, V4 } from '../campaign-fixtures.ts';
import { multipart, startServer, type Part, type TestServer } from '../http.ts';
import { storeTargets } from '../stores.ts';
import { checkCharacter } from '../../src/core/ids/gb11643.ts';
import { pdfText, popplerAvailable } from '../reports/pdf/poppler.ts';
import { SESSION_COOKIE } from '../../src/http/server.ts';
import type { Actor, Role } from '../../src/services/policies.ts';
import { csrfTokenFor } from '../../src/services/user.service.ts';

const HOOK = 120_000;
const poppler = popplerAvailable();

// ---------------------------------------------------------------------------------------------
// The county: township A (T1) and B (T2), three villages each. A1 and B1 are published (their
// village users read them and appealed), A2 and B2 drafts being worked on, A3 and B3 are moved
// through the workflow by the sweep itself. Team 1 inspects A*, team 2 B*.

const TA = T1;
const TB = T2;
/** Township A's county; township B is moved under another county of the same city (buildMore). */
const COUNTY_A = COUNTY;
const COUNTY_B = '522401000000';
const CITY = '522400000000';
const A1 = V2;
const A2 = V1;
const A3 = '522425100203';
const B1 = V3;
const B2 = V4;
const B3 = '522425101203';
const NAMES: Record<string, string> = { [TA]: '龙场镇', [TB]: '白岩镇', [A1]: '青龙村', [A2]: '石桥村', [A3]: '松林村', [B1]: '红星村', [B2]: '新寨村', [B3]: '桃园村' };
const TOWNSHIP_OF: Record<string, string> = { [A1]: TA, [A2]: TA, [A3]: TA, [B1]: TB, [B2]: TB, [B3]: TB };
const TEAM_OF: Record<string, 1 | 2> = { [A1]: 1, [A2]: 1, [A3]: 1, [B1]: 2, [B2]: 2, [B3]: 2 };
/** Households: H3 in A1, H1 (and H2) in A2, H4 in B1, H5 in B2. */
const H4 = '5224251012010001';
const H5 = '5224251012020001';
const HOUSEHOLD_VILLAGE: Record<string, string> = { [H3]: A1, [H1]: A2, [H4]: B1, [H5]: B2 };

/** A valid GB 11643 ID number (check character computed). */
function idNumber(area: string, birth: string, seq: string): string {
  const first17 = `${area}${birth}${seq}`;
  return first17 + checkCharacter(first17);
}
/** A resident's ID number typed into notes, reasons and file names. */
const TYPED_ID = idNumber('522425', '19610304', '027');

/** What a missing object is called: each parameter its own value, so messages can be compared. */
const MISSING: Record<string, string | number> = {
  id: 999_999,
  fid: 999_998,
  sid: 999_997,
  vid: 999_996,
  a: 999_995,
  b: 999_994,
  code: '522425999999',
  village: '522425999999',
  no: '5224259999990001',
  token: 'x'.repeat(43),
};

// ---------------------------------------------------------------------------------------------
// Callers

type CallerName = 'none' | 'admin' | 'officeA' | 'reviewerA' | 'reviewerB' | 'inspector1' | 'inspector2' | 'villageA1' | 'villageB1' | 'viewer';
interface Caller {
  name: CallerName;
  role: Role | null;
  /** An office of an area: the county of township A (B is another county's). */
  area?: string;
  township?: string;
  team?: 1 | 2;
  village?: string;
}
const CALLERS: Caller[] = [
  { name: 'none', role: null },
  { name: 'admin', role: 'admin' },
  { name: 'officeA', role: 'admin', area: COUNTY_A },
  { name: 'reviewerA', role: 'reviewer', township: TA },
  { name: 'reviewerB', role: 'reviewer', township: TB },
  { name: 'inspector1', role: 'inspector', team: 1 },
  { name: 'inspector2', role: 'inspector', team: 2 },
  { name: 'villageA1', role: 'village', village: A1 },
  { name: 'villageB1', role: 'village', village: B1 },
  { name: 'viewer', role: 'viewer' },
];
/** Who may see whole ID numbers (canSeeFullIds in src/services/policies.ts: the office). */
const SEES_FULL_IDS: readonly CallerName[] = ['admin', 'officeA'];

/**
 * Reach, as docs/api.md and docs/campaigns.md describe it (written out here, not taken from
 * policies.ts, so the two can disagree). An assessment and what hangs on it (findings,
 * evidence, suggestions, appeals, its score sheet and deduction detail): the office all; a
 * reviewer their township's; an inspector their team's villages; a village its own once
 * published; a viewer published results.
 */
function readsAssessment(c: Caller, village: string, status: string): boolean {
  // An office of an area: what its area holds, as the office does (docs/security-authz.md).
  if (c.area) return TOWNSHIP_OF[village] === TA;
  switch (c.role) {
    case 'admin':
      return true;
    case 'reviewer':
      return TOWNSHIP_OF[village] === c.township;
    case 'inspector':
      return TEAM_OF[village] === c.team;
    case 'village':
      return c.village === village && status === 'published';
    case 'viewer':
      return status === 'published';
    default:
      return false;
  }
}

/** A registry village (and its households, work teams, helpers, records): the office and viewers all; a reviewer the township; an inspector the team's villages; a village its own. */
function reachesVillage(c: Caller, village: string): boolean {
  if (c.area) return TOWNSHIP_OF[village] === TA;
  switch (c.role) {
    case 'admin':
    case 'viewer':
      return true;
    case 'reviewer':
      return TOWNSHIP_OF[village] === c.township;
    case 'inspector':
      return TEAM_OF[village] === c.team;
    case 'village':
      return c.village === village;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The table: one entry per operation of the OpenAPI document.

type Values = Record<string, string | number>;
/** One object a request can be about: the path/query values that name it, and its village. */
interface Target {
  label: string;
  village?: string;
  values: Values;
}
interface Subject {
  /** assessment: reach by readsAssessment; village: by reachesVillage; open: everyone's; whole: every caller's but an office of an area (a user of the whole database's office). */
  reach: 'assessment' | 'village' | 'open' | 'whole';
  targets: Target[];
  /** The values of a missing object (default: MISSING for each name). */
  missing?: Values;
  /** The error code a missing one gets (default not-found). */
  missingCode?: string;
}
interface Ask {
  caller: Caller;
  target: Target | null;
  values: Values;
}
interface Entry {
  /** Who may call it ('public': no session needed). Everyone else gets 403. */
  roles: Role[] | 'any' | 'public';
  subject?: (f: Fixture) => Subject;
  /** Other path and query values. */
  fixed?: (f: Fixture) => Values;
  body?: (f: Fixture, ask: Ask) => unknown;
  /** A multipart upload: the parts. */
  upload?: (f: Fixture, ask: Ask) => Part[];
  /** A raw body (application/octet-stream): a part of an upload by SHA-256. */
  raw?: (f: Fixture, ask: Ask) => Buffer;
  /** Before an allowed request: make the fresh object it changes; returns values to use instead. */
  prepare?: (f: Fixture, ask: Ask) => Promise<Values | void>;
  /** The office of the whole database's alone: an office of an area gets 403 (assertWholeDatabaseOffice). */
  wholeOffice?: true;
  /** The status of an allowed request (default: any 2xx). */
  ok?: number[];
  /** Send it on a session of its own (signing out ends the session it is sent on). */
  ownSession?: boolean;
  /**
   * Drawing it takes seconds (a worker thread): the allowed request is made for these callers
   * only (its refusals for everyone).
   */
  drawnFor?: CallerName[];
}

const ROLES_RESIDENTS: Role[] = ['admin', 'reviewer', 'inspector', 'village'];

const png = tinyPng();
/** A scheme table as an office keeps it (POST /api/schemes/import). */
const SCHEME_TABLE = await (async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('考核细则');
  ws.addRow(['序号', '考核内容', '分值', '评分标准']);
  ws.addRow(['一、基础工作（10分）']);
  ws.mergeCells(2, 1, 2, 4);
  ws.addRow([1, '台账', 10, '每缺少一项扣2分，扣完10分为止']);
  return Buffer.from(await wb.xlsx.writeBuffer());
})();
const PNG_SHA = createHash('sha256').update(png).digest('hex');
const photo = (): Part[] => [{ name: 'file', filename: `${TYPED_ID}.png`, type: 'image/png', data: png }];

/** The assessments read by id, in the order tried. */
const readTargets = (f: Fixture): Target[] => [A1, A2, B1, B2].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]! } }));
/** Drafts first: what is recorded on. */
const draftTargets = (f: Fixture): Target[] => [A2, B2, A1, B1].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]! } }));
const byCode = (name: 'code' | 'village', villages: string[]) => (): Target[] => villages.map((v) => ({ label: v, village: v, values: { [name]: v } }));
const campaign = (f: Fixture): Subject => ({ reach: 'open', targets: [{ label: 'campaign', values: { id: f.campaignId } }] });
/** A user the office manages (the refusals are asked about it; an allowed change gets a fresh one: prepare). */
const user = (f: Fixture): Subject => ({ reach: 'whole', targets: [{ label: 'user', values: { id: f.sweptUser } }] });
/** The campaign the office's campaign-wide changes are tried on (so the main one stays as built). */
const scratch = (f: Fixture): Subject => ({ reach: 'open', targets: [{ label: 'scratch campaign', values: { id: f.scratchId } }] });
const version = (f: Fixture, ask: Ask) => f.versionOf(Number(ask.values.id));
let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;
/** Items any village may appeal (each appeal of an item must be the only open one). */
const APPEAL_ITEMS = ['2.1.1', '2.1.2', '2.1.3', '2.1.4', '2.1.5', '2.2.1', '2.2.2', '3.3.1', '3.5.1', '3.1.1', '3.4.1', '2.4.1'];
let appealItem = 0;
const nextAppealItem = () => APPEAL_ITEMS[appealItem++ % APPEAL_ITEMS.length]!;
/** The workflow step each role takes in the sweep, and the status it starts from. */
const STEP: Partial<Record<Role, { step: string; from: string }>> = {
  inspector: { step: 'submit', from: 'draft' },
  reviewer: { step: 'review', from: 'submitted' },
  admin: { step: 'publish', from: 'reviewed' },
};

const TABLE: Record<string, Entry> = {
  // auth
  'POST /api/auth/login': { roles: 'public', body: () => ({ username: 'nobody-here', password: 'not-the-password' }), ok: [401, 429] },
  'POST /api/auth/logout': { roles: 'any', ownSession: true },
  'GET /api/auth/me': { roles: 'any' },
  // A wrong current password: the route is reached (400), and the user's sessions live on.
  'POST /api/auth/password': { roles: 'any', body: () => ({ currentPassword: 'not-the-password', newPassword: 'another-good-password' }), ok: [400] },
  'GET /api/users': { roles: ['admin'] },
  'POST /api/users': { roles: ['admin'], body: () => ({ username: unique('swept-user-'), role: 'viewer' }) },
  // The office's changes are made on a user made for the request (never one of the callers).
  'PATCH /api/users/{id}': { roles: ['admin'], subject: user, prepare: async (f) => ({ id: await f.newUser() }), body: () => ({ role: 'inspector' }) },
  'POST /api/users/{id}/reset-password': { roles: ['admin'], subject: user, prepare: async (f) => ({ id: await f.newUser() }) },
  'POST /api/users/{id}/disable': { roles: ['admin'], subject: user, prepare: async (f) => ({ id: await f.newUser() }) },
  'POST /api/users/{id}/enable': { roles: ['admin'], subject: user, prepare: async (f) => ({ id: await f.newUser(true) }) },
  'GET /api/health': { roles: 'public' },

  // registry
  'GET /api/areas': { roles: 'any' },
  'GET /api/villages/{code}': { roles: 'any', subject: () => ({ reach: 'village', targets: byCode('code', [A1, A2, B1, B2])() }) },
  'GET /api/households': { roles: ROLES_RESIDENTS, subject: () => ({ reach: 'village', targets: byCode('village', [A1, A2, B1, B2])() }) },
  'GET /api/households/{no}': {
    roles: ROLES_RESIDENTS,
    subject: () => ({ reach: 'village', targets: [H3, H1, H4, H5].map((no) => ({ label: no, village: HOUSEHOLD_VILLAGE[no]!, values: { no } })) }),
  },
  'GET /api/work-teams': { roles: 'any', subject: () => ({ reach: 'village', targets: byCode('village', [A1, A2, B1, B2])() }) },
  'GET /api/helpers': { roles: ROLES_RESIDENTS, subject: () => ({ reach: 'village', targets: byCode('village', [A1, A2, B1, B2])() }) },
  'GET /api/records/{kind}': { roles: ROLES_RESIDENTS, fixed: () => ({ kind: 'visits' }), subject: () => ({ reach: 'village', targets: byCode('village', [A1, A2, B1, B2])() }) },
  'GET /api/kinds': { roles: 'any' },
  'POST /api/imports/{kind}': {
    roles: ['admin'],
    wholeOffice: true,
    fixed: () => ({ kind: 'areas' }),
    upload: () => [
      { name: 'dryRun', data: 'true' },
      { name: 'file', filename: 'areas.csv', type: 'text/csv', data: `区划代码,名称,级别,上级区划代码\n${A3},松林村,村,${TA}\n` },
    ],
  },
  // The imports so far: an office of an area gets those of its own area's offices.
  'GET /api/imports': { roles: ['admin'] },
  'GET /api/imports/errors/{token}': {
    roles: ['admin'],
    // The importer's alone: the fixture's is the whole database's office's (an office of an area imports its own villages' records).
    subject: (f) => ({ reach: 'whole', targets: [{ label: 'errors file', values: { token: f.errorsToken } }] }),
  },
  // An office of an area exports its own villages' households (the sweep scans the file for whole ID numbers).
  'GET /api/exports/{kind}': { roles: ['admin'], fixed: () => ({ kind: 'households', format: 'csv' }) },
  'GET /api/templates/{kind}': { roles: 'any', fixed: () => ({ kind: 'households' }) },

  // schemes
  'GET /api/schemes': { roles: 'any' },
  'GET /api/schemes/{id}': {
    roles: 'any',
    subject: () => ({ reach: 'open', targets: [{ label: 'seed-2020', values: { id: 'seed-2020' } }], missing: { id: 'no-such-scheme' }, missingCode: 'unknown-scheme' }),
  },
  'GET /api/scheme-versions/{vid}': { roles: 'any', subject: (f) => ({ reach: 'open', targets: [{ label: 'version', values: { vid: f.schemeVersionId } }] }) },
  'POST /api/schemes/lint': { roles: 'any', body: () => ({ text: 'id: x\n' }) },
  // Importing a table prepares a version to store: the office's, as storing is.
  'POST /api/schemes/import': {
    roles: ['admin'],
    upload: () => [{ name: 'file', filename: `${TYPED_ID}.xlsx`, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: SCHEME_TABLE }],
  },
  // The stored text again: answered with the stored version (200), nothing added.
  'POST /api/scheme-versions': { roles: ['admin'], body: () => ({ text: SEED_TEXT, deriveText: DERIVE_TEXT }) },
  'GET /api/scheme-versions/{a}/diff/{b}': {
    roles: 'any',
    subject: (f) => ({ reach: 'open', targets: [{ label: 'versions', values: { a: f.schemeVersionId, b: f.schemeVersionId } }] }),
  },

  // campaigns
  'GET /api/campaigns': { roles: 'any' },
  'POST /api/campaigns': { roles: ['admin'], body: (f) => ({ name: unique('扫描考核'), year: 2020, schemeVersionId: f.schemeVersionId, villages: [A1] }) },
  'GET /api/campaigns/{id}': { roles: 'any', subject: campaign },
  'POST /api/campaigns/{id}/teams': { roles: ['admin'], subject: scratch, body: () => ({ name: '临时组', members: [] }) },
  'POST /api/campaigns/{id}/assign': { roles: ['admin'], subject: scratch, body: () => ({ team: '临时组', villages: [A1] }) },
  'GET /api/campaigns/{id}/assessments': { roles: 'any', subject: campaign },
  'GET /api/campaigns/{id}/ranking': { roles: 'any', subject: campaign },
  'GET /api/campaigns/{id}/ranking/unranked': {
    roles: 'any',
    subject: (f) => ({ reach: 'open', targets: [{ label: 'campaign', values: { id: f.campaignId, limit: 50 } }], missing: { id: 999999, limit: 50 } }),
  },
  'GET /api/campaigns/{id}/snapshots': { roles: 'any', subject: campaign },
  // The sweep's campaign combines none: every caller is told so alike (404), as for the ranking it
  // rests on (everyone's); the combined result itself: src/http/routes/campaign-periods.test.ts.
  'GET /api/campaigns/{id}/combined/{village}': {
    roles: 'any',
    subject: (f) => ({ reach: 'open', targets: [{ label: 'campaign', values: { id: f.campaignId, village: A1 } }] }),
    ok: [404],
  },
  'POST /api/campaigns/{id}/publish': { roles: ['admin'], subject: scratch },
  'POST /api/campaigns/{id}/rescore/preview': { roles: ['admin'], subject: scratch, body: (f) => ({ schemeVersionId: f.schemeVersionId }) },
  'POST /api/campaigns/{id}/rescore': { roles: ['admin'], subject: scratch, body: (f) => ({ schemeVersionId: f.schemeVersionId }) },
  'GET /api/campaigns/{id}/overview': { roles: 'any', subject: campaign },
  // The list of one's villages (我的考核村): inspectors (their teams' villages) and the office.
  'GET /api/campaigns/{id}/my-villages': { roles: ['admin', 'inspector'], subject: campaign },
  'GET /api/audit': { roles: ['admin'], wholeOffice: true },
  'GET /api/audit/verify': { roles: ['admin'], wholeOffice: true },
  'GET /api/audit/export.xlsx': { roles: ['admin'], wholeOffice: true },

  // assessments
  'GET /api/assessments/{id}': { roles: 'any', subject: (f) => ({ reach: 'assessment', targets: readTargets(f) }) },
  'GET /api/campaigns/{id}/villages/{code}/assessment': {
    roles: 'any',
    fixed: (f) => ({ id: f.campaignId }),
    subject: () => ({ reach: 'assessment', targets: byCode('code', [A1, A2, B1, B2])() }),
  },
  'GET /api/assessments/{id}/sheet': { roles: 'any', subject: (f) => ({ reach: 'assessment', targets: readTargets(f) }) },
  'POST /api/assessments/{id}/findings': {
    roles: ['admin', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: draftTargets(f) }),
    body: async (f, ask) => ({ version: await version(f, ask), item: '3.2.1', count: 1, note: `经办人 ${TYPED_ID}` }),
  },
  'POST /api/assessments/{id}/findings/{fid}/withdraw': {
    roles: ['admin', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: [A2, B2, A1, B1].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]!, fid: f.finding[v]! } })) }),
    // A finding of its own to withdraw.
    prepare: async (f, ask) => ({ fid: await f.addFinding(Number(ask.values.id)) }),
    body: async (f, ask) => ({ version: await version(f, ask), reason: '重复记录' }),
  },
  // A mark "checked, no deduction" on a draft: made by the first caller in reach, a no-op (200) for the next.
  'POST /api/assessments/{id}/checks': {
    roles: ['admin', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: draftTargets(f) }),
    body: async (f, ask) => ({ version: await version(f, ask), item: '3.2.1', checked: true }),
  },
  'POST /api/findings/{fid}/evidence': {
    roles: ['admin', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: [A2, B2, A1, B1].map((v) => ({ label: v, village: v, values: { fid: f.finding[v]! } })) }),
    upload: () => photo(),
  },
  'POST /api/findings/{fid}/evidence/uploaded': {
    roles: ['admin', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: [A2, B2, A1, B1].map((v) => ({ label: v, village: v, values: { fid: f.finding[v]! } })) }),
    // The fixture's evidence is this PNG: the store holds it, so it is cited without an upload.
    body: () => ({ files: [{ sha256: PNG_SHA, filename: `${TYPED_ID}.png` }] }),
  },
  'POST /api/uploads': {
    roles: ['admin', 'inspector'],
    body: () => {
      const file = Buffer.concat([png, Buffer.from(unique('upload-'))]);
      return { sha256: createHash('sha256').update(file).digest('hex'), size: file.length, filename: 'IMG_0001.png' };
    },
  },
  'GET /api/uploads/{sha256}': { roles: ['admin', 'inspector'], fixed: () => ({ sha256: PNG_SHA }) },
  // A part past the end of a file the store holds: answered with its state, nothing written.
  'PUT /api/uploads/{sha256}': { roles: ['admin', 'inspector'], fixed: () => ({ sha256: PNG_SHA, offset: png.length }), raw: () => Buffer.from([0]) },
  'GET /api/evidence/{id}': {
    roles: 'any',
    subject: (f) => ({
      reach: 'assessment',
      targets: [
        ...[A1, A2, B1, B2].map((v) => ({ label: `${v} finding`, village: v, values: { id: f.evidence[v]! } })),
        ...[A1, B1].map((v) => ({ label: `${v} appeal`, village: v, values: { id: f.appealEvidence[v]! } })),
      ],
    }),
  },
  'POST /api/assessments/{id}/suggestions/derive': { roles: ['admin', 'inspector'], subject: (f) => ({ reach: 'assessment', targets: draftTargets(f) }) },
  'GET /api/assessments/{id}/suggestions/{sid}/records': {
    roles: ['admin', 'reviewer', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: [A1, A2, B1, B2].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]!, sid: f.suggestion[v]! } })) }),
  },
  'POST /api/assessments/{id}/suggestions/{sid}/accept': {
    roles: ['admin', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: [A2, B2].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]!, sid: f.suggestion[v]! } })) }),
    prepare: async (f, ask) => ({ sid: await f.openSuggestion(Number(ask.values.id)) }),
    body: async (f, ask) => ({ version: await version(f, ask), note: `核实 ${TYPED_ID}` }),
  },
  'POST /api/assessments/{id}/suggestions/{sid}/dismiss': {
    roles: ['admin', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: [A2, B2].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]!, sid: f.suggestion[v]! } })) }),
    prepare: async (f, ask) => ({ sid: await f.openSuggestion(Number(ask.values.id)) }),
    body: async (f, ask) => ({ version: await version(f, ask), reason: '已整改' }),
  },
  'POST /api/assessments/{id}/suggestions/bulk': {
    roles: ['admin', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: [A2, B2].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]! } })) }),
    // Dismissing an open note of the assessment (a missing assessment has none: any id), so the
    // suggestions with a deduction are left for the single accept and dismiss above.
    body: async (f, ask) => ({ version: await version(f, ask), action: 'dismiss', ids: [await f.openNote(Number(ask.values.id)).catch(() => 1)], reason: '已核实' }),
  },
  // A reviewer's comment on one finding, at any stage: the township's reviewer and the office.
  'POST /api/findings/{fid}/comments': {
    roles: ['admin', 'reviewer'],
    subject: (f) => ({ reach: 'assessment', targets: [A2, B2, A1, B1].map((v) => ({ label: v, village: v, values: { fid: f.finding[v]! } })) }),
    body: () => ({ text: '请补充现场照片' }),
  },
  'POST /api/assessments/{id}/transition': {
    roles: ['admin', 'reviewer', 'inspector'],
    subject: (f) => ({ reach: 'assessment', targets: [A3, B3, A1, B1].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]! } })) }),
    // The workflow village is put at the status the caller's step starts from.
    prepare: async (f, ask) => void (await f.setStatus(Number(ask.values.id), STEP[ask.caller.role!]!.from)),
    body: async (f, ask) => ({ version: await version(f, ask), step: STEP[ask.caller.role ?? 'inspector']?.step ?? 'submit' }),
  },
  'GET /api/campaigns/{id}/appeals': { roles: ROLES_RESIDENTS, subject: campaign },
  'POST /api/assessments/{id}/appeals': {
    roles: ['admin', 'village'],
    subject: (f) => ({ reach: 'assessment', targets: [A1, B1, A2].map((v) => ({ label: v, village: v, values: { id: f.assessment[v]! } })) }),
    body: () => ({ item: nextAppealItem(), reason: `户主 ${TYPED_ID} 已脱贫` }),
  },
  'POST /api/appeals/{id}/evidence': {
    roles: ['admin', 'village'],
    subject: (f) => ({ reach: 'assessment', targets: [A1, B1].map((v) => ({ label: v, village: v, values: { id: f.appeal[v]! } })) }),
    upload: () => photo(),
  },
  'POST /api/appeals/{id}/decide': {
    roles: ['admin'],
    subject: (f) => ({ reach: 'assessment', targets: [A1, B1].map((v) => ({ label: v, village: v, values: { id: f.appeal[v]! } })) }),
    // An appeal of its own to decide (the village's stay open for their evidence).
    prepare: async (f, ask) => ({ id: await f.openAppeal(ask.target!.village!) }),
    body: () => ({ outcome: 'rejected', reason: '依据不足' }),
  },

  // reports
  'GET /api/campaigns/{id}/reports/ranking.xlsx': { roles: 'any', subject: campaign },
  // The deduction detail is for the office, the teams and the village concerned: not viewers.
  'GET /api/campaigns/{id}/reports/deductions.xlsx': {
    roles: ROLES_RESIDENTS,
    fixed: (f) => ({ id: f.campaignId }),
    subject: () => ({ reach: 'assessment', targets: byCode('village', [A1, A2, B1, B2])() }),
  },
  'GET /api/campaigns/{id}/reports/sheet.pdf': {
    roles: 'any',
    fixed: (f) => ({ id: f.campaignId }),
    subject: () => ({ reach: 'assessment', targets: byCode('village', [A1, A2, B1, B2])() }),
  },
  // The whole campaign holds the summary, then every sheet the reader may read: a reviewer's
  // (drafts of the township) and a viewer's (published results) are read for ID numbers.
  'GET /api/campaigns/{id}/reports/summary.pdf': { roles: 'any', subject: campaign, drawnFor: ['viewer'] },
  'GET /api/campaigns/{id}/reports/campaign.pdf': { roles: 'any', subject: campaign, drawnFor: ['reviewerA', 'viewer'] },
};

// ---------------------------------------------------------------------------------------------
// The fixture

interface Fixture {
  campaignId: number;
  scratchId: number;
  schemeVersionId: number;
  /** By village: its assessment in the campaign, a finding, its evidence, a suggestion. */
  assessment: Record<string, number>;
  finding: Record<string, number>;
  evidence: Record<string, number>;
  suggestion: Record<string, number>;
  /** By village (A1, B1): the village's open appeal and its evidence. */
  appeal: Record<string, number>;
  appealEvidence: Record<string, number>;
  errorsToken: string;
  /** A user no caller signs in as, for the user administration's refusals. */
  sweptUser: number;
  /** A fresh viewer (disabled: for the enable route) for an allowed change. */
  newUser(disabled?: boolean): Promise<number>;
  versionOf(assessmentId: number): Promise<number>;
  statusOf(village: string): Promise<string>;
  addFinding(assessmentId: number): Promise<number>;
  openSuggestion(assessmentId: number): Promise<number>;
  /** An open suggestion, notes (count 0) first. */
  openNote(assessmentId: number): Promise<number>;
  openAppeal(village: string): Promise<number>;
  setStatus(assessmentId: number, status: string): Promise<void>;
}

/** The registry beyond test/campaign-fixtures.ts: A3, B3, households in B1 and B2, members, helpers, work teams, visits — ID numbers everywhere. */
async function buildMore(server: TestServer): Promise<void> {
  const db = server.store.db;
  // A city above the county, and township B moved under a second county of it.
  await db
    .insertInto('areas')
    .values([
      { code: CITY, level: 'city', name: '毕节市', parent_code: null, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
      { code: COUNTY_B, level: 'county', name: '七星关区', parent_code: CITY, poverty_village: 0, planned_exit_year: null, exit_year: null, population: null },
    ])
    .execute();
  await db.updateTable('areas').set({ parent_code: CITY }).where('code', '=', COUNTY_A).execute();
  await db.updateTable('areas').set({ parent_code: COUNTY_B }).where('code', '=', TB).execute();
  await db
    .insertInto('areas')
    .values([
      { code: A3, level: 'village', name: NAMES[A3]!, parent_code: TA, poverty_village: 0, planned_exit_year: null, exit_year: null, population: 600 },
      { code: B3, level: 'village', name: NAMES[B3]!, parent_code: TB, poverty_village: 0, planned_exit_year: null, exit_year: null, population: 500 },
    ])
    .execute();
  const household = (no: string, village: string, head: string, id: string) => ({
    household_no: no,
    village_code: village,
    year: 2020,
    head_name: head,
    head_id_number: id,
    size: 2,
    workers: 1,
    attribute: 'general',
    main_cause: 'illness',
    status: 'not-exited',
    identified_year: 2015,
    planned_exit_year: 2020,
    exit_year: null,
    income_fen: 400_000,
    phone: null,
    standard: null,
    other_causes: null,
    housing_grade: null,
    safe_water: 1,
    electricity: 1,
    road: 1,
  });
  await db
    .insertInto('households')
    .values([household(H4, B1, '刘成', idNumber('522425', '19700101', '013')), household(H5, B2, '杨梅', idNumber('522425', '19750505', '024'))])
    .execute();
  const households = await db.selectFrom('households').select(['id', 'household_no', 'head_name', 'head_id_number']).orderBy('id').execute();
  await db
    .insertInto('members')
    .values(
      households.flatMap((h, i) => [
        {
          household_id: h.id,
          name: h.head_name,
          id_number: h.head_id_number,
          sex: 'M' as const,
          relation: 'head',
          ethnicity: null,
          education: null,
          schooling: null,
          health: null,
          labour_ability: null,
          migrant_work: 0,
          insured: 1,
          dibao: 0,
          wubao: 0,
        },
        {
          household_id: h.id,
          name: `家属${i}`,
          id_number: idNumber('522425', '19990101', String(100 + i * 2).padStart(3, '0')),
          sex: 'F' as const,
          relation: 'spouse',
          ethnicity: null,
          education: null,
          schooling: null,
          health: null,
          labour_ability: null,
          migrant_work: 0,
          insured: 1,
          dibao: 0,
          wubao: 0,
        },
      ]),
    )
    .execute();
  const helper = await db
    .insertInto('helpers')
    .values({ id_number: idNumber('522425', '19800808', '035'), name: '帮扶人', unit: '县教育局', position: '科员', phone: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('helper_assignments')
    .values(households.map((h) => ({ helper_id: helper.id, household_id: h.id, start_date: '2018-01-01', end_date: null })))
    .execute();
  for (const [i, village] of [A1, A2, B1, B2].entries()) {
    const team = await db
      .insertInto('work_teams')
      .values({ village_code: village, sending_unit: '县农业农村局', start_date: '2018-01-01', end_date: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('team_members')
      .values({
        team_id: team.id,
        name: `队员${i}`,
        id_number: idNumber('522425', '19850101', String(201 + i * 2).padStart(3, '0')),
        is_leader: 1,
        is_first_secretary: 0,
        phone: null,
        start_date: '2018-01-01',
        end_date: null,
      })
      .execute();
  }
  await db
    .insertInto('visits')
    .values(
      households.map((h) => ({
        household_id: h.id,
        visitor_role: 'helper' as const,
        visitor_name: '帮扶人',
        visitor_id_number: idNumber('522425', '19800808', '035'),
        date: '2020-04-01',
        content: `走访，核对身份证 ${h.head_id_number}`,
      })),
    )
    .execute();
}

async function buildFixture(server: TestServer): Promise<Fixture> {
  const { campaigns, users } = server.app.services;
  await buildRegistry(server.store);
  await buildMore(server);
  const db = server.store.db;
  const office: Actor = { user: 'admin', role: 'admin' };

  const password = 'a-good-password';
  for (const c of CALLERS) {
    if (!c.role) continue;
    const township = c.township;
    const village = c.village;
    await users.create(
      { user: 'admin', role: 'admin' },
      { username: c.name, role: c.role, password, ...(township ? { township } : {}), ...(village ? { village } : {}), ...(c.area ? { area: c.area } : {}) },
    );
  }

  const schemeVersionId = (await campaigns.schemes.storeSchemeVersion(office, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml')).id;
  const campaignId = await campaigns.setup.createCampaign(office, { name: '2020年度考核', year: 2020, schemeVersionId, villages: [A1, A2, A3, B1, B2, B3] });
  await campaigns.setup.setTeam(office, campaignId, '第一考核组', ['inspector1']);
  await campaigns.setup.setTeam(office, campaignId, '第二考核组', ['inspector2']);
  await campaigns.setup.assignVillages(office, campaignId, '第一考核组', [A1, A2, A3]);
  await campaigns.setup.assignVillages(office, campaignId, '第二考核组', [B1, B2, B3]);

  // A missing assessment's "version" is 1: the request is well formed, the object is not there.
  const versionOf = async (id: number) => (await db.selectFrom('assessments').select('version').where('id', '=', id).executeTakeFirst())?.version ?? 1;
  const assessment: Record<string, number> = {};
  const finding: Record<string, number> = {};
  const evidence: Record<string, number> = {};
  const suggestion: Record<string, number> = {};
  for (const v of [A1, A2, A3, B1, B2, B3]) assessment[v] = await campaigns.assessments.assessmentId(campaignId, v);
  for (const v of [A1, A2, B1, B2]) {
    const id = assessment[v]!;
    await campaigns.suggestions.deriveSuggestions(office, id);
    const s = await db.selectFrom('suggestions').select('id').where('assessment_id', '=', id).orderBy('id').executeTakeFirst();
    if (!s) throw new Error(`the registry suggests nothing for ${v}: the sweep needs a suggestion there`);
    suggestion[v] = s.id;
    finding[v] = await campaigns.findings.addFinding(office, id, await versionOf(id), { item: '1.2', note: `户主身份证 ${TYPED_ID} 未核实` });
    evidence[v] = await campaigns.evidence.addEvidence(office, { findingId: finding[v]! }, { filename: `${TYPED_ID}.png`, bytes: png });
  }
  for (const v of [A1, B1]) {
    const id = assessment[v]!;
    for (const step of ['submit', 'review', 'publish'] as const) await campaigns.workflow.transition(office, id, await versionOf(id), step);
  }
  const appeal: Record<string, number> = {};
  const appealEvidence: Record<string, number> = {};
  for (const [v, user] of [
    [A1, 'villageA1'],
    [B1, 'villageB1'],
  ] as const) {
    const actor: Actor = { user, role: 'village', village: v };
    appeal[v] = await campaigns.appeals.appeal(actor, assessment[v]!, { item: '1.2', reason: `户主 ${TYPED_ID} 的材料已补齐` });
    appealEvidence[v] = await campaigns.evidence.addEvidence(actor, { appealId: appeal[v]! }, { filename: `${TYPED_ID}.png`, bytes: png });
  }
  const scratchId = await campaigns.setup.createCampaign(office, { name: '临时考核', year: 2020, schemeVersionId, villages: [A1] });
  await campaigns.setup.setTeam(office, scratchId, '临时组', []);
  const newUser = async (disabled = false) => {
    const { user } = await users.create(office, { username: unique('managed-'), role: 'viewer', password });
    if (disabled) await users.disable(office, user.id);
    return user.id;
  };
  const sweptUser = await newUser();

  return {
    campaignId,
    scratchId,
    schemeVersionId,
    assessment,
    finding,
    evidence,
    suggestion,
    appeal,
    appealEvidence,
    errorsToken: '',
    sweptUser,
    newUser,
    versionOf,
    statusOf: async (village) =>
      (await db.selectFrom('assessments').select('status').where('campaign_id', '=', campaignId).where('village_code', '=', village).executeTakeFirstOrThrow()).status,
    addFinding: async (id) => campaigns.findings.addFinding(office, id, await versionOf(id), { item: '1.1', note: '待撤回' }),
    openSuggestion: async (id) => {
      // One with a deduction: a note (count 0) is refused as a finding whoever asks.
      const s = await db
        .selectFrom('suggestions')
        .select('id')
        .where('assessment_id', '=', id)
        .where('status', '=', 'open')
        .where('count', '>', 0)
        .orderBy('id')
        .executeTakeFirst();
      if (!s) throw new Error(`no open suggestion left on assessment ${id}: the sweep needs more`);
      return s.id;
    },
    openNote: async (id) => {
      const open = () => db.selectFrom('suggestions').select('id').where('assessment_id', '=', id).where('status', '=', 'open').orderBy('count').orderBy('id').executeTakeFirst();
      let s = await open();
      if (!s) {
        // Every caller in reach dismisses one: a dismissed note is opened again (a test's shortcut).
        const dismissed = await db.selectFrom('suggestions').select('id').where('assessment_id', '=', id).where('status', '=', 'dismissed').orderBy('id').executeTakeFirst();
        if (dismissed) await db.updateTable('suggestions').set({ status: 'open', reason: null, decided_at: null, decided_by: null }).where('id', '=', dismissed.id).execute();
        s = await open();
      }
      if (!s) throw new Error(`no open suggestion left on assessment ${id}: the sweep needs more`);
      return s.id;
    },
    openAppeal: async (village) => campaigns.appeals.appeal(office, assessment[village]!, { item: nextAppealItem(), reason: '代村申诉' }),
    // The workflow villages are put where a step starts (a test's shortcut past the steps before it).
    setStatus: async (id, status) => {
      await db
        .updateTable('assessments')
        .set((eb) => ({ status: status as 'draft', version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .execute();
    },
  };
}

/** Counts and a checksum of what a refused request must not change. */
async function stateDigest(server: TestServer): Promise<string> {
  const r = await sql<Record<string, unknown>>`
    select
      (select count(*) from audit_log) as audit,
      (select coalesce(max(id), 0) from audit_log) as audit_head,
      (select count(*) from assessments) as assessments,
      (select coalesce(sum(version), 0) from assessments) as versions,
      (select count(*) from assessments where status = 'published') as published,
      (select count(*) from assessments where status = 'draft') as drafts,
      (select count(*) from findings) as findings,
      (select count(*) from findings where status = 'active') as active_findings,
      (select count(*) from evidence) as evidence,
      (select count(*) from suggestions where status = 'open') as open_suggestions,
      (select count(*) from item_checks) as item_checks,
      (select count(*) from finding_comments) as finding_comments,
      (select count(*) from appeals) as appeals,
      (select count(*) from appeals where status = 'open') as open_appeals,
      (select count(*) from campaigns) as campaigns,
      (select count(*) from inspection_teams) as teams,
      (select count(*) from inspection_team_members) as team_members,
      (select count(*) from ranking_snapshots) as snapshots,
      (select count(*) from scheme_versions) as scheme_versions,
      (select count(*) from users) as users,
      (select count(*) from households) as households,
      (select count(*) from areas) as areas
  `.execute(server.store.db);
  return JSON.stringify(Object.fromEntries(Object.entries(r.rows[0]!).map(([k, v]) => [k, Number(v)])));
}

// ---------------------------------------------------------------------------------------------
// Looking for ID numbers

/** A whole ID number: 17 digits and a digit or X, not inside a longer run of letters or digits. */
const WHOLE_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MASKED_ID = /\d{6}\*{8}\d{3}[\dXx]/g;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Every text a response shows: headers, and its body as text (JSON, CSV, workbook cells, PDF text). */
async function textsOf(res: LightMyRequestResponse): Promise<{ text: string; kind: string }> {
  const type = String(res.headers['content-type'] ?? '');
  const headers = Object.entries(res.headers)
    .filter(([k]) => k !== 'set-cookie')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('\n');
  let body = '';
  let kind = 'other';
  if (/json|text|csv/.test(type)) {
    body = res.body;
    kind = /csv/.test(type) ? 'csv' : /json/.test(type) ? 'json' : 'text';
  } else if (type.startsWith(XLSX_TYPE)) {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    for (const ws of book.worksheets) ws.eachRow((row) => row.eachCell((c) => cells.push(typeof c.value === 'object' ? JSON.stringify(c.value) : String(c.value))));
    body = cells.join('\n');
    kind = 'xlsx';
  } else if (type.startsWith('application/pdf')) {
    kind = 'pdf';
    if (poppler) body = pdfText(res.rawPayload);
  } else if (type.startsWith('image/')) {
    kind = 'image';
  }
  // Hashes (hex) are not ID numbers.
  return { text: `${headers}\n${body}`.replace(/[0-9a-f]{64}/g, ''), kind };
}

// ---------------------------------------------------------------------------------------------

const json = (res: LightMyRequestResponse) => {
  try {
    return res.json() as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

function fill(path: string, values: Values): { url: string; used: Set<string> } {
  const used = new Set<string>();
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (values[name] === undefined) throw new Error(`${path}: no value for {${name}}`);
    used.add(name);
    return encodeURIComponent(String(values[name]));
  });
  const query = Object.entries(values).filter(([k]) => !used.has(k));
  return { url: query.length ? `${url}?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : url, used };
}

interface Outcome {
  status: number;
  code?: string;
}

describe.each(storeTargets())('authorisation sweep ($dialect)', (target) => {
  let server: TestServer;
  let f: Fixture;
  const sessions = new Map<CallerName, Record<string, string>>();
  const userIds = new Map<string, { id: number; role: Role }>();

  const sessionOf = async (name: CallerName): Promise<Record<string, string>> => {
    const token = await server.app.services.users.startSession(userIds.get(name)!);
    return { cookie: `${SESSION_COOKIE}=${token}`, 'x-csrf-token': csrfTokenFor(token) };
  };

  beforeAll(async () => {
    server = await startServer(target);
    f = await buildFixture(server);
    for (const u of await server.app.services.users.list({ user: 'admin', role: 'admin' })) userIds.set(u.username, { id: u.id, role: u.role });
    for (const c of CALLERS) if (c.role) sessions.set(c.name, await sessionOf(c.name));
    // An errors file of the office's (a dry run of a sheet with a bad row): the token is the object.
    const bad = multipart([
      { name: 'dryRun', data: 'true' },
      { name: 'file', filename: 'areas.csv', type: 'text/csv', data: '区划代码,名称,级别,上级区划代码\n12345,坏行,村,\n' },
    ]);
    const res = await server.app.inject({ method: 'POST', url: '/api/imports/areas', payload: bad.payload, headers: { ...sessions.get('admin')!, ...bad.headers } });
    expect(res.statusCode, res.body).toBe(200);
    f.errorsToken = (res.json() as { errorsFile: string }).errorsFile;
    expect(f.errorsToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  }, HOOK);
  afterAll(() => server?.close());

  it('answers every operation of the OpenAPI document, for every caller and object, as the roles and reach allow — and never with a whole ID number', async () => {
    const started = Date.now();
    // Every operation of the document has an entry, and every entry an operation.
    const doc = server.app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const operations = new Map<string, { public: boolean }>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        operations.set(`${method.toUpperCase()} ${path}`, { public: !op.security?.length });
      }
    }
    const unswept = [...operations.keys()].filter((k) => !(k in TABLE));
    expect(unswept, 'OpenAPI operations with no entry in the sweep (add them to TABLE in test/security/authz-sweep.test.ts)').toEqual([]);
    expect(
      Object.keys(TABLE).filter((k) => !operations.has(k)),
      'entries for operations the OpenAPI document does not have',
    ).toEqual([]);
    for (const [key, op] of operations) expect(op.public, `${key}: public in the document and the table alike`).toBe(TABLE[key]!.roles === 'public');

    const counts = { requests: 0, 401: 0, 403: 0, 404: 0, allowed: 0, other: 0, refusedChanges: 0, scanned: 0, maskedIds: 0, unmaskedIds: 0 };
    const kinds = new Map<string, number>();
    const problems: string[] = [];
    const objectsPerRoute: number[] = [];
    const timeOf = new Map<string, number>();
    /** Allowed requests for long reports not drawn for this caller (see drawnFor). */
    let skipped = 0;

    interface Planned {
      key: string;
      entry: Entry;
      caller: Caller;
      target: Target | null;
      /** in: in the caller's reach; out: not; missing; any: the route is about no object, or reach does not matter. */
      variant: 'in' | 'out' | 'missing' | 'any';
      expected: 'allowed' | Outcome;
      missingValues?: Values;
    }

    const roleAllowed = (entry: Entry, c: Caller) =>
      entry.roles === 'public' || (c.role !== null && (entry.roles === 'any' || entry.roles.includes(c.role)) && !(entry.wholeOffice && c.area));

    // Which requests to make: refusals first (on the fixture as built), then the allowed ones.
    const plan = async (): Promise<Planned[]> => {
      const out: Planned[] = [];
      for (const [key, entry] of Object.entries(TABLE)) {
        const subject = entry.subject?.(f);
        const objects = new Set<string>();
        for (const caller of CALLERS) {
          const allowedRole = roleAllowed(entry, caller);
          const denial = (target: Target | null, variant: Planned['variant'], missingValues?: Values): Planned => ({
            key,
            entry,
            caller,
            target,
            variant,
            missingValues,
            expected: caller.role === null && entry.roles !== 'public' ? { status: 401, code: 'unauthenticated' } : { status: 403, code: 'forbidden' },
          });
          if (!subject) {
            if (allowedRole && entry.drawnFor && !entry.drawnFor.includes(caller.name)) {
              skipped++;
              continue;
            }
            out.push(allowedRole ? { key, entry, caller, target: null, variant: 'any', expected: 'allowed' } : denial(null, 'any'));
            objects.add('-');
            continue;
          }
          const missing = Object.fromEntries(Object.keys(subject.targets[0]!.values).map((k) => [k, subject.missing?.[k] ?? MISSING[k]!]));
          objects.add('missing');
          if (!allowedRole) {
            // Whatever the object, the role may not use the route.
            for (const t of caller.role === null ? subject.targets.slice(0, 1) : subject.targets) out.push(denial(t, 'any'));
            out.push(denial(null, 'missing', missing));
            continue;
          }
          let firstIn = true;
          for (const t of subject.targets) {
            const inReach =
              subject.reach === 'open' ||
              (subject.reach === 'whole'
                ? !caller.area
                : subject.reach === 'village'
                  ? reachesVillage(caller, t.village!)
                  : readsAssessment(caller, t.village!, await f.statusOf(t.village!)));
            objects.add(`${inReach ? 'in' : 'out'}:${t.label}`);
            if (inReach) {
              // Every object in reach is read; a change is made once, on the first.
              if (entry.drawnFor && !entry.drawnFor.includes(caller.name)) skipped++;
              else if (firstIn || key.startsWith('GET ')) out.push({ key, entry, caller, target: t, variant: 'in', expected: 'allowed' });
              firstIn = false;
            } else {
              out.push({ key, entry, caller, target: t, variant: 'out', expected: { status: 404, code: 'not-found' } });
            }
          }
          out.push({ key, entry, caller, target: null, variant: 'missing', missingValues: missing, expected: { status: 404, code: subject.missingCode ?? 'not-found' } });
        }
        objectsPerRoute.push(objects.size);
      }
      return [...out.filter((p) => p.expected !== 'allowed'), ...out.filter((p) => p.expected === 'allowed')];
    };

    /** The message a missing object got, per route and caller (an out-of-reach one must get the same). */
    const missingMessages = new Map<string, string>();
    const planned = await plan();
    // Missing ones before the out-of-reach ones they are compared with.
    planned.sort((a, b) => Number(a.expected === 'allowed') - Number(b.expected === 'allowed') || Number(a.variant !== 'missing') - Number(b.variant !== 'missing'));

    for (const p of planned) {
      const { key, entry, caller } = p;
      const [method, path] = key.split(' ') as ['GET' | 'POST', string];
      const ask: Ask = { caller, target: p.target, values: { ...(entry.fixed?.(f) ?? {}), ...(p.target?.values ?? {}), ...(p.missingValues ?? {}) } };
      if (p.expected === 'allowed' && entry.prepare) Object.assign(ask.values, (await entry.prepare(f, ask)) ?? {});
      const { url } = fill(path, ask.values);
      let headers: Record<string, string> = {};
      if (caller.role) headers = entry.ownSession && p.expected === 'allowed' ? await sessionOf(caller.name) : { ...sessions.get(caller.name)! };
      let payload: string | Buffer | undefined;
      if (entry.upload) {
        const m = multipart(entry.upload(f, ask));
        payload = m.payload;
        Object.assign(headers, m.headers);
      } else if (entry.raw) {
        payload = entry.raw(f, ask);
        headers['content-type'] = 'application/octet-stream';
      } else if (method !== 'GET') {
        payload = JSON.stringify((await entry.body?.(f, ask)) ?? {});
        headers['content-type'] = 'application/json';
      }
      const changes = method !== 'GET';
      const before = changes ? await stateDigest(server) : '';
      const sent = Date.now();
      const res = await server.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
      timeOf.set(key, (timeOf.get(key) ?? 0) + Date.now() - sent);
      counts.requests++;
      const label = `${caller.name} ${method} ${url} (${p.variant}${p.target ? ` ${p.target.label}` : ''})`;
      const body = json(res);
      const error = body?.error as { code?: string; message?: string } | undefined;

      if (res.statusCode >= 500) problems.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (p.expected === 'allowed') {
        const ok = entry.ok ? entry.ok.includes(res.statusCode) : res.statusCode >= 200 && res.statusCode < 300;
        if (!ok) problems.push(`${label}: expected ${entry.ok?.join(' or ') ?? '2xx'}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (res.statusCode >= 200 && res.statusCode < 300) counts.allowed++;
        else counts.other++;
      } else {
        const want = p.expected;
        if (res.statusCode !== want.status || error?.code !== want.code)
          problems.push(`${label}: expected ${want.status} ${want.code}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (body && Object.keys(body).join() !== 'error') problems.push(`${label}: a refusal with more than the error: ${res.body.slice(0, 200)}`);
        if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 404) counts[res.statusCode]++;
        else counts.other++;
        const routeCaller = `${key}|${caller.name}`;
        if (p.variant === 'missing' && error?.message) missingMessages.set(routeCaller, error.message);
        if (p.variant === 'out' && res.statusCode === 404) {
          // Word for word what a missing one gets: nothing tells that it exists, or whose it is.
          const missingValues = Object.fromEntries(Object.keys(p.target!.values).map((k) => [k, entry.subject!(f).missing?.[k] ?? MISSING[k]!]));
          let expected = missingMessages.get(routeCaller);
          for (const [k, v] of Object.entries(missingValues)) expected = expected?.split(String(v)).join(String(p.target!.values[k]));
          if (expected !== undefined && error?.message !== expected) problems.push(`${label}: the refusal "${error?.message}" is not what a missing one gets ("${expected}")`);
        }
        if (p.target?.village && res.statusCode >= 400) {
          // A refusal names nothing of an object out of reach that the request did not name.
          const v = p.target.village;
          const named = [NAMES[v]!, NAMES[TOWNSHIP_OF[v]!]!, TOWNSHIP_OF[v]!, ...(url.includes(v) ? [] : [v])];
          if (p.variant !== 'in' && named.some((n) => res.body.includes(n))) problems.push(`${label}: the refusal names the object: ${res.body.slice(0, 200)}`);
        }
        if (changes) {
          counts.refusedChanges++;
          const after = await stateDigest(server);
          if (after !== before) problems.push(`${label}: refused, but something changed: ${before} → ${after}`);
        }
      }

      if (!SEES_FULL_IDS.includes(caller.name)) {
        const { text, kind } = await textsOf(res);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        counts.scanned++;
        const whole = text.match(WHOLE_ID) ?? [];
        counts.maskedIds += (text.match(MASKED_ID) ?? []).length;
        if (whole.length) {
          counts.unmaskedIds += whole.length;
          problems.push(`${label}: ${whole.length} whole ID numbers in the ${kind} answer, e.g. ${whole[0]}`);
        }
        if (kind === 'pdf' || kind === 'xlsx') {
          if (p.expected !== 'allowed') problems.push(`${label}: a ${kind} file for a caller who was to be refused`);
        }
      }
    }

    // The chain the sweep's changes were audited in still holds.
    const verify = await server.app.inject({ method: 'GET', url: '/api/audit/verify', headers: sessions.get('admin')! });
    expect(verify.statusCode, verify.body).toBe(200);
    expect(verify.json()).toMatchObject({ ok: true });

    const routes = operations.size;
    const callers = CALLERS.length;
    const objects = Math.round((objectsPerRoute.reduce((a, b) => a + b, 0) / objectsPerRoute.length) * 10) / 10;
    const n = (x: number) => x.toLocaleString('en');
    console.log(
      `authz sweep (${target.dialect}): ${routes} routes × ${callers} callers × ${objects} objects on average = ${n(counts.requests)} requests; ` +
        `401: ${n(counts[401])}, 403: ${n(counts[403])}, 404: ${n(counts[404])}, allowed: ${n(counts.allowed)}, other: ${n(counts.other)}; long PDFs not drawn: ${skipped}; ` +
        `refused changes checked: ${n(counts.refusedChanges)}; answers scanned: ${n(counts.scanned)} (${[...kinds].map(([k, v]) => `${k} ${v}`).join(', ')}), masked IDs seen: ${n(counts.maskedIds)}; ` +
        `unmasked IDs: ${counts.unmaskedIds}; ${((Date.now() - started) / 1000).toFixed(1)} s${poppler ? '' : ' (no pdftotext: PDFs checked by status only)'}`,
    );
    const slowest = [...timeOf].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`slowest: ${slowest.map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join('; ')}`);
    expect(problems).toEqual([]);
    // The fixture's ID numbers did reach the callers, masked: the scan looked at real answers.
    expect(counts.maskedIds).toBeGreaterThan(50);
  }, 240_000);

  it('refuses every change of the OpenAPI document without the CSRF token, whatever the spelling of /api, and every route but the password change to a user holding a one-time password', async () => {
    const doc = server.app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const admin = sessions.get('admin')!;
    const cookieOnly = { cookie: admin.cookie! };
    // A user who still holds a one-time password (the office's role: every route is open to it).
    const otp = await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'otp-office', role: 'admin' });
    const otpSession = await server.app.services.users.startSession(otp.user);
    const otpHeaders = { cookie: `${SESSION_COOKIE}=${otpSession}`, 'x-csrf-token': csrfTokenFor(otpSession) };
    const openToOtp = new Set(['POST /api/auth/login', 'POST /api/auth/logout', 'GET /api/auth/me', 'POST /api/auth/password']);
    const before = await stateDigest(server);
    let csrf = 0;
    let otpRefused = 0;
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
        if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
        const url = path.replace(/\{[^}]+\}/g, '1');
        if (method !== 'GET' && url !== '/api/auth/login') {
          for (const spelt of [url, url.replace(/^\/api/, '/%61pi'), url.replace(/^\/api/, '/ap%69'), url.replace(/^\/api/, '/%61%70%69')]) {
            const res = await server.app.inject({ method: method as 'POST', url: spelt, headers: { ...cookieOnly, 'content-type': 'application/json' }, payload: '{}' });
            csrf++;
            if (res.statusCode !== 403 || (json(res)?.error as { code?: string } | undefined)?.code !== 'csrf')
              problems.push(`${method} ${spelt} without the token: ${res.statusCode} ${res.body.slice(0, 120)}`);
          }
        }
        const isPublic = !ops[method.toLowerCase()]?.security?.length;
        if (!openToOtp.has(`${method} ${path}`) && !isPublic) {
          const res = await server.app.inject({
            method: method as 'POST',
            url,
            headers: { ...otpHeaders, ...(method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
            ...(method !== 'GET' ? { payload: '{}' } : {}),
          });
          otpRefused++;
          if (res.statusCode !== 403 || (json(res)?.error as { code?: string } | undefined)?.code !== 'password-change-required')
            problems.push(`${method} ${url} with a one-time password: ${res.statusCode} ${res.body.slice(0, 120)}`);
        }
      }
    }
    console.log(
      `authz sweep (${target.dialect}): ${csrf} changes without the CSRF token (4 spellings of /api each): all 403 csrf; ${otpRefused} routes asked with a one-time password: all 403 password-change-required`,
    );
    expect(problems).toEqual([]);
    expect(csrf).toBeGreaterThan(80);
    expect(await stateDigest(server)).toBe(before);
  });
});
