/**
 * Assessment routes on every database: the whole HTTP workflow (findings, a suggestion
 * accepted, photos uploaded, submitted, reviewed, published, read by the village, appealed,
 * decided, the ranking moved, the audit chain intact), the score sheet, edit conflicts,
 * evidence limits, and for every route: validation (400 naming the field), 401 without a
 * session, 403 on a wrong CSRF token, and every role — with users of another village,
 * township and team never getting another's assessment, findings or evidence.
 */
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, signIn, startServer, type Client, type Part, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { DEMO_CAMPAIGN, firstStart } from '../../services/bootstrap.service.ts';
import { compose } from '../../compose.ts';
import { presentAssessment } from '../presenters/assessments.ts';

const HOOK = 120_000;
const ID_NUMBER = /\d{17}[\dX]/;
/** A resident ID number typed into a finding's note (valid check digit). */
const RESIDENT_ID = '522425196805120051';

type Who = 'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer' | 'reviewer2' | 'inspector2' | 'village2';
const EVERYONE: Who[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer', 'reviewer2', 'inspector2', 'village2'];

// ---------------------------------------------------------------------------------------
// Files built byte by byte: a baseline JPEG of one grey pixel, a PNG of one red pixel.

function jpeg(): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    app0,
    Buffer.from([0xff, 0xdb, 0x00, 0x43, 0x00]),
    Buffer.alloc(64, 1),
    Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00]),
    Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, ...new Array<number>(15).fill(0), 0x00]),
    Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, ...new Array<number>(15).fill(0), 0x00]),
    Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]),
    Buffer.from([0x3f]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(kind: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(kind, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 200, 30, 30]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const photo = (filename = 'photo.jpg'): Part => ({ name: 'file', filename, type: 'image/jpeg', data: jpeg() });

// ---------------------------------------------------------------------------------------

function expectNoIdNumber(res: LightMyRequestResponse): void {
  if (!String(res.headers['content-type'] ?? '').includes('json')) return;
  expect(res.body.replace(/[0-9a-f]{64}/g, ''), `an ID number in ${res.body.slice(0, 300)}`).not.toMatch(ID_NUMBER);
}

/** A client whose every answer is checked for ID numbers (for everyone but the office). */
function watched(c: Client, who: Who): Client & { upload(url: string, parts: Part[]): Promise<LightMyRequestResponse> } {
  const check = (res: LightMyRequestResponse) => {
    if (who !== 'admin') expectNoIdNumber(res);
    return res;
  };
  const request: Client['request'] = async (method, url, body, headers) => check(await c.request(method, url, body, headers));
  return {
    ...c,
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, body ?? {}),
    upload: (url, parts) => {
      const m = multipart(parts);
      return request('POST', url, m.payload, m.headers);
    },
  };
}

const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;

function expectError(res: LightMyRequestResponse, status: number, code: string, message?: RegExp): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = json<{ error: { code: string; message: string } }>(res);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

/**
 * Refused without any of the record's data: 403 or 404 (or exactly `status`: 404 for a record the
 * caller may not read, as for a missing one) and nothing but the error.
 */
function expectNoData(res: LightMyRequestResponse, label: string, status?: 403 | 404): void {
  expect(status === undefined ? [403, 404] : [status], `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
  expect(Object.keys(json(res)), label).toEqual(['error']);
}

interface Assessment {
  id: number;
  status: string;
  version: number;
  comment: string | null;
  village: { code: string; name: string };
  findings: Array<{ id: number; item: string; count: number; note: string | null; status: string; source: string }>;
  evidence: Array<{ id: number; findingId: number | null; appealId: number | null; filename: string; mime: string; url: string }>;
  suggestions: Array<{ id: number; item: string; status: string; key: string; count: number }>;
  appeals: Array<{ id: number; item: string; status: string }>;
  score: { total: number; base: number };
  explanation: string[];
}

describe.each(storeTargets())('assessment routes ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Who, ReturnType<typeof watched>>;
  let campaignId: number;
  let t1: string[];
  let t2: string[];
  /** A: the village user's village (T1, team 1); B: village2's (T1, team 1, stays a draft); C: T2, team 2. */
  let A: number;
  let B: number;
  let C: number;
  // Filled by the workflow.
  let findingA: number;
  let evidenceA: number[] = [];
  let appealA: number;
  let appealEvidenceA: number;
  let findingC: number;
  let evidenceC: number;
  let suggestionC: number;

  const get = async (who: Who, id: number, lang = '') => {
    const res = await as[who].get(`/api/assessments/${id}${lang}`);
    expect(res.statusCode, res.body).toBe(200);
    return json<Assessment>(res);
  };
  const versionOf = async (id: number) => (await get('admin', id)).version;

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services))!;
    const db = server.store.db;
    const townships = await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute();
    t1 = (await db.selectFrom('areas').select('code').where('parent_code', '=', townships[0]!.code).orderBy('code').execute()).map((v) => v.code);
    t2 = (await db.selectFrom('areas').select('code').where('parent_code', '=', townships[1]!.code).orderBy('code').execute()).map((v) => v.code);
    const users = server.app.services.users;
    const password = 'a-good-password';
    await users.create({ user: 'admin', role: 'admin' }, { username: 'reviewer2', role: 'reviewer', township: townships[1]!.code, password });
    await users.create({ user: 'admin', role: 'admin' }, { username: 'inspector2', role: 'inspector', password });
    await users.create({ user: 'admin', role: 'admin' }, { username: 'village2', role: 'village', village: t1[1]!, password });
    const passwords: Record<string, string> = { reviewer2: password, inspector2: password, village2: password };
    for (const c of first.credentials) passwords[c.username] = c.password;
    for (const who of EVERYONE) as[who] = watched(await signIn(server.app, who, passwords[who]!), who);

    const service = compose({ store: server.store }).campaigns;
    campaignId = await service.setup.campaignByName(DEMO_CAMPAIGN);
    A = await service.assessments.assessmentId(campaignId, t1[0]!);
    B = await service.assessments.assessmentId(campaignId, t1[1]!);
    C = await service.assessments.assessmentId(campaignId, t2[0]!);
    expect((await as.admin.post(`/api/campaigns/${campaignId}/teams`, { name: '第二考核组', members: ['inspector2'] })).statusCode).toBe(200);
    expect((await as.admin.post(`/api/campaigns/${campaignId}/assign`, { team: '第二考核组', villages: t2.slice(0, 3) })).statusCode).toBe(200);
  }, HOOK);
  afterAll(() => server?.close());

  it('runs the whole workflow over HTTP: findings, a suggestion, photos, submit, review, publish, the village reads and appeals, the office decides', async () => {
    // The inspector finds the village by its code.
    const byCode = await as.inspector.get(`/api/campaigns/${campaignId}/villages/${t1[0]}/assessment`);
    expect(byCode.statusCode, byCode.body).toBe(200);
    let a = json<Assessment>(byCode);
    expect(a).toMatchObject({ id: A, status: 'draft', village: { code: t1[0] } });
    expect(a.score.total).toBe(200);

    // Suggestions from the registry; one is accepted.
    const derived = await as.inspector.post(`/api/assessments/${A}/suggestions/derive`);
    expect(derived.statusCode, derived.body).toBe(200);
    expect(json<{ added: number; total: number }>(derived).added).toBeGreaterThan(0);
    a = await get('inspector', A);
    const open = a.suggestions.filter((s) => s.status === 'open');
    expect(open.length).toBeGreaterThan(0);
    // Not a note (count 0): a note cannot be accepted.
    const suggestion = open.find((s) => s.item !== '3.2.1' && s.count > 0) ?? open.find((s) => s.count > 0)!;

    const added = await as.inspector.post(`/api/assessments/${A}/findings`, {
      version: a.version,
      item: '3.2.1',
      count: 2,
      note: `迟报两次，经办人身份证号 ${RESIDENT_ID}`,
      household: '5224251002010001',
    });
    expect(added.statusCode, added.body).toBe(201);
    const addedBody = json<{ id: number; assessment: { version: number; total: number; status: string } }>(added);
    findingA = addedBody.id;
    expect(addedBody.assessment).toMatchObject({ status: 'draft', version: a.version + 1, total: 198 });

    const accepted = await as.inspector.post(`/api/assessments/${A}/suggestions/${suggestion.id}/accept`, { version: addedBody.assessment.version });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const acceptedBody = json<{ findingId: number; assessment: { version: number; total: number } }>(accepted);
    expect(acceptedBody.assessment.total).toBeLessThan(198);

    // Two photos from a phone in one upload: a JPEG and a PNG with a Chinese name.
    const up = await as.inspector.upload(`/api/findings/${findingA}/evidence`, [photo('IMG_0001.jpg'), { name: 'file', filename: '现场照片.png', type: 'image/png', data: png() }]);
    expect(up.statusCode, up.body).toBe(201);
    const rows = json<{ evidence: Array<{ id: number; findingId: number; filename: string; mime: string; size: number; url: string }> }>(up).evidence;
    expect(rows.map((r) => [r.findingId, r.filename, r.mime, r.size])).toEqual([
      [findingA, 'IMG_0001.jpg', 'image/jpeg', jpeg().length],
      [findingA, '现场照片.png', 'image/png', png().length],
    ]);
    evidenceA = rows.map((r) => r.id);
    expect(rows[0]!.url).toBe(`/api/evidence/${evidenceA[0]}`);

    const file = await as.inspector.get(`/api/evidence/${evidenceA[0]}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.headers['content-disposition']).toBe('inline; filename="IMG_0001.jpg"; filename*=UTF-8\'\'IMG_0001.jpg');
    expect(file.rawPayload.equals(jpeg())).toBe(true);
    const download = await as.inspector.get(`/api/evidence/${evidenceA[1]}?download=1`);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="____.png"; filename*=UTF-8''${encodeURIComponent('现场照片.png')}`);
    expect(download.rawPayload.equals(png())).toBe(true);

    // Submit, review, publish: each by its role, each with the version it saw.
    const version = await versionOf(A);
    const submitted = await as.inspector.post(`/api/assessments/${A}/transition`, { version, step: 'submit' });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(json(submitted)).toMatchObject({ assessment: { status: 'submitted', version: version + 1 } });
    // A village sees nothing before publication.
    expectNoData(await as.village.get(`/api/assessments/${A}`), 'village before publication', 404);
    expectNoData(await as.village.get(`/api/evidence/${evidenceA[0]}`), 'village evidence before publication', 404);
    const reviewed = await as.reviewer.post(`/api/assessments/${A}/transition`, { version: version + 1, step: 'review', comment: '已审核' });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    // Only the office publishes.
    expectError(await as.reviewer.post(`/api/assessments/${A}/transition`, { version: version + 2, step: 'publish' }), 403, 'forbidden');
    const published = await as.admin.post(`/api/assessments/${A}/transition`, { version: version + 2, step: 'publish' });
    expect(published.statusCode, published.body).toBe(200);
    const publishedTotal = json<{ assessment: { status: string; total: number } }>(published).assessment;
    expect(publishedTotal.status).toBe('published');

    // The village reads its own published result, its findings and their photos.
    const own = await get('village', A);
    expect(own.status).toBe('published');
    expect(own.suggestions).toEqual([]);
    expect(own.findings.map((f) => f.id)).toContain(findingA);
    const note = own.findings.find((f) => f.id === findingA)!.note!;
    expect(note).toContain('522425********0051');
    expect(note).not.toContain(RESIDENT_ID);
    // The office sees the number as typed.
    expect((await get('admin', A)).findings.find((f) => f.id === findingA)!.note).toContain(RESIDENT_ID);
    expect(own.evidence.map((e) => e.url)).toEqual(evidenceA.map((id) => `/api/evidence/${id}`));
    const photoForVillage = await as.village.get(`/api/evidence/${evidenceA[0]}`);
    expect(photoForVillage.statusCode).toBe(200);
    expect(photoForVillage.rawPayload.equals(jpeg())).toBe(true);

    const rankOf = async () => {
      const r = json<{ county: Array<{ village: string; total: number; countyRank: number }> }>(await as.viewer.get(`/api/campaigns/${campaignId}/ranking`));
      return r.county.find((v) => v.village === t1[0])!;
    };
    const before = await rankOf();
    expect(before.total).toBe(publishedTotal.total);
    const snapshotsBefore = json<{ snapshots: unknown[] }>(await as.viewer.get(`/api/campaigns/${campaignId}/snapshots`)).snapshots.length;

    // The village appeals the accepted suggestion's item, with a photo.
    const appeal = await as.village.post(`/api/assessments/${A}/appeals`, { item: suggestion.item, reason: '该户已于年内脱贫，有验收材料' });
    expect(appeal.statusCode, appeal.body).toBe(201);
    const appealBody = json<{ id: number; appeal: { status: string; item: string; createdBy: string } }>(appeal);
    appealA = appealBody.id;
    expect(appealBody.appeal).toMatchObject({ status: 'open', item: suggestion.item, createdBy: 'village' });
    const appealPhoto = await as.village.upload(`/api/appeals/${appealA}/evidence`, [photo('验收材料.jpg')]);
    expect(appealPhoto.statusCode, appealPhoto.body).toBe(201);
    const appealRows = json<{ evidence: Array<{ id: number; appealId: number; mime: string }> }>(appealPhoto).evidence;
    expect(appealRows).toMatchObject([{ appealId: appealA, mime: 'image/jpeg' }]);
    appealEvidenceA = appealRows[0]!.id;
    expect((await as.admin.get(`/api/evidence/${appealEvidenceA}`)).statusCode).toBe(200);

    // The office upholds it: the item's findings are superseded by a count of 0.
    const decided = await as.admin.post(`/api/appeals/${appealA}/decide`, { outcome: 'upheld', reason: '材料属实' });
    expect(decided.statusCode, decided.body).toBe(200);
    const decidedBody = json<{ appeal: { status: string; decidedBy: string }; assessment: { total: number } }>(decided);
    expect(decidedBody.appeal).toMatchObject({ status: 'upheld', decidedBy: 'admin' });
    expect(decidedBody.assessment.total).toBeGreaterThan(publishedTotal.total);

    const after = await rankOf();
    expect(after.total).toBe(decidedBody.assessment.total);
    expect(after.countyRank).toBeLessThanOrEqual(before.countyRank);
    expect(json<{ snapshots: unknown[] }>(await as.viewer.get(`/api/campaigns/${campaignId}/snapshots`)).snapshots.length).toBe(snapshotsBefore + 1);
    const mine = await get('village', A);
    expect(mine.appeals).toMatchObject([{ id: appealA, status: 'upheld' }]);
    expect(mine.findings.some((f) => f.source === 'appeal' && f.count === 0)).toBe(true);

    const verify = await as.admin.get('/api/audit/verify');
    expect(json(verify)).toMatchObject({ ok: true });
    const trail = json<{ entries: Array<{ action: string; actor: string }> }>(await as.admin.get(`/api/audit?entity=appeal&entityId=${appealA}`)).entries;
    expect(trail.map((e) => `${e.action} ${e.actor}`)).toEqual(['appeal.upheld admin', 'appeal.open village']);
  });

  it('gives the printable score sheet: header, every node, every deduction with its reason and evidence, totals, rank', async () => {
    type Sheet = {
      header: {
        county: { name: string };
        township: { name: string };
        campaign: { name: string; year: number };
        village: { code: string; name: string };
        team: string;
        date: string;
        status: string;
        scheme: { id: string };
      };
      nodes: Array<{ code: string; title: string; depth: number; max: number; deducted: number; score: number }>;
      deductions: Array<{
        item: string;
        findingId: number;
        count: number;
        amount: number;
        reason: string;
        household: string | null;
        note: string | null;
        evidence: Array<{ id: number; filename: string }>;
      }>;
      explanation: string[];
      totals: { base: number; bonus: number; total: number; max: number };
      grade: unknown;
      rank: { county: number; countyOf: number; township: number; townshipOf: number } | null;
    };
    const sheet = async (who: Who, lang = '') => {
      const res = await as[who].get(`/api/assessments/${A}/sheet${lang}`);
      expect(res.statusCode, res.body).toBe(200);
      return json<Sheet>(res);
    };
    const s = await sheet('admin');
    expect(s.header).toMatchObject({
      county: { name: '青山县' },
      township: { name: '龙场镇' },
      campaign: { name: DEMO_CAMPAIGN, year: 2020 },
      village: { code: t1[0] },
      team: '第一考核组',
      status: 'published',
      scheme: { id: 'seed-2020' },
    });
    expect(s.header.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(s.nodes.map((n) => n.code).slice(0, 2)).toEqual(['1', '1.1']);
    expect(s.nodes.map((n) => n.code)).toContain('4');
    expect(s.nodes[0]).toMatchObject({ code: '1', title: '组织领导', depth: 0, max: 20 });
    const item = s.nodes.find((n) => n.code === '3.2.1')!;
    expect(item).toMatchObject({ depth: 2, deducted: 2 });
    const d = s.deductions.find((x) => x.findingId === findingA)!;
    expect(d).toMatchObject({ item: '3.2.1', count: 2, amount: 2, household: '5224251002010001' });
    expect(d.reason).toMatch(/^3\.2\.1 .*×2: −2/);
    expect(d.evidence.map((e) => e.id)).toEqual(evidenceA);
    expect(s.totals.total).toBe((await get('admin', A)).score.total);
    expect(s.totals.max).toBe(200);
    // Ranked among published results only (issue 17): A is the one published village so far.
    expect(s.rank).toMatchObject({ basis: 'published', county: 1, countyOf: 1, townshipOf: 1 });
    expect(s.explanation.length).toBeGreaterThan(0);
    const en = await sheet('admin', '?lang=en');
    expect(en.nodes[0]!.title).toBe('Organisation and leadership');
    // The village's own sheet: ranked among published results, the ID number masked.
    const v = await sheet('village');
    expect(v.rank).toMatchObject({ county: 1, countyOf: 1 });
    expect(v.deductions.find((x) => x.findingId === findingA)!.note).toContain('522425********0051');
    for (const who of ['reviewer2', 'inspector2', 'village2'] as const) expectNoData(await as[who].get(`/api/assessments/${A}/sheet`), `${who} sheet of A`, 404);
    for (const who of ['village', 'viewer', 'reviewer2', 'inspector2', 'village2'] as const)
      expectNoData(await as[who].get(`/api/assessments/${B}/sheet`), `${who} sheet of B`, 404);
    expectError(await as.admin.get(`/api/assessments/${A}/sheet?lang=fr`), 400, 'validation', /^query\.lang:/);
    expectError(await as.admin.get('/api/assessments/99999/sheet'), 404, 'not-found');
  });

  it('adjusts an appealed count, or rejects an appeal, as the office decides', async () => {
    const total = async () => (await get('village', A)).score.total;
    const start = await total();
    const adjust = await as.village.post(`/api/assessments/${A}/appeals`, { item: '3.2.1', reason: '只迟报一次' });
    expect(adjust.statusCode, adjust.body).toBe(201);
    const adjusted = await as.admin.post(`/api/appeals/${json<{ id: number }>(adjust).id}/decide`, { outcome: 'adjusted', reason: '核实迟报一次', count: 1 });
    expect(adjusted.statusCode, adjusted.body).toBe(200);
    expect(json(adjusted)).toMatchObject({ appeal: { status: 'adjusted', adjustedCount: 1 }, assessment: { total: start + 1 } });
    const reject = await as.village.post(`/api/assessments/${A}/appeals`, { item: '3.2.1', reason: '一次也没有迟报' });
    expect(reject.statusCode, reject.body).toBe(201);
    // One open appeal per item.
    expectError(await as.village.post(`/api/assessments/${A}/appeals`, { item: '3.2.1', reason: '再次申诉' }), 409, 'invalid-state', /open appeal already/);
    const rejected = await as.admin.post(`/api/appeals/${json<{ id: number }>(reject).id}/decide`, { outcome: 'rejected', reason: '有报送记录为证' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(json(rejected)).toMatchObject({ appeal: { status: 'rejected' }, assessment: { total: start + 1 } });
    expect((await get('village', A)).appeals.map((a) => a.status)).toEqual(['upheld', 'adjusted', 'rejected']);
  });

  it('refuses a second edit made against the same version (409 conflict) and applies neither twice', async () => {
    const version = await versionOf(B);
    const first = await as.inspector.post(`/api/assessments/${B}/findings`, { version, item: '3.2.1' });
    expect(first.statusCode, first.body).toBe(201);
    const second = await as.admin.post(`/api/assessments/${B}/findings`, { version, item: '1.3' });
    expectError(second, 409, 'conflict', /changed by someone else \(now version \d+, you edited version \d+\)/);
    const b = await get('admin', B);
    expect(b.findings.filter((f) => f.status === 'active').map((f) => f.item)).toEqual(['3.2.1']);
    const fid = json<{ id: number }>(first).id;
    // Stale versions everywhere else too.
    expectError(await as.inspector.post(`/api/assessments/${B}/findings/${fid}/withdraw`, { version, reason: '重复' }), 409, 'conflict');
    expectError(await as.inspector.post(`/api/assessments/${B}/transition`, { version, step: 'submit' }), 409, 'conflict');
    // Two edits at once with the same version: exactly one wins.
    const v2 = b.version;
    const both = await Promise.all([
      as.inspector.post(`/api/assessments/${B}/findings`, { version: v2, item: '1.3' }),
      as.admin.post(`/api/assessments/${B}/findings`, { version: v2, item: '1.3' }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    // Withdrawn with the current version.
    const current = await versionOf(B);
    const withdrawn = await as.inspector.post(`/api/assessments/${B}/findings/${fid}/withdraw`, { version: current, reason: '经核实已按时报送' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(json(withdrawn)).toMatchObject({ ok: true, assessment: { version: current + 1 } });
    const again = await get('admin', B);
    expect(again.findings.find((f) => f.id === fid)!.status).toBe('withdrawn');
    expectError(await as.inspector.post(`/api/assessments/${B}/findings/${fid}/withdraw`, { version: again.version, reason: 'x' }), 409, 'invalid-state');
  });

  it('dismisses suggestions with a reason, sends back with a comment', async () => {
    expect((await as.inspector.post(`/api/assessments/${B}/suggestions/derive`)).statusCode).toBe(200);
    const b = await get('inspector', B);
    const open = b.suggestions.filter((s) => s.status === 'open');
    expect(open.length).toBeGreaterThan(0);
    const res = await as.inspector.post(`/api/assessments/${B}/suggestions/${open[0]!.id}/dismiss`, { version: b.version, reason: '已整改' });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({ ok: true, assessment: { version: b.version + 1 } });
    expect((await get('inspector', B)).suggestions.find((s) => s.id === open[0]!.id)).toMatchObject({ status: 'dismissed', reason: '已整改' });
    // A dismissed suggestion is not accepted later.
    expectError(await as.inspector.post(`/api/assessments/${B}/suggestions/${open[0]!.id}/accept`, { version: b.version + 1 }), 409, 'invalid-state');
    const v = await versionOf(B);
    expect((await as.inspector.post(`/api/assessments/${B}/transition`, { version: v, step: 'submit' })).statusCode).toBe(200);
    expectError(await as.reviewer.post(`/api/assessments/${B}/transition`, { version: v + 1, step: 'sendBack' }), 400, 'validation', /^comment:/);
    const back = await as.reviewer.post(`/api/assessments/${B}/transition`, { version: v + 1, step: 'sendBack', comment: '请补充照片' });
    expect(back.statusCode, back.body).toBe(200);
    expect(json(back)).toMatchObject({ assessment: { status: 'draft' } });
    expectError(await as.reviewer.post(`/api/assessments/${B}/transition`, { version: v + 2, step: 'review' }), 409, 'invalid-state');
  });

  it('refuses to accept a note (count 0, no deduction): 409 invalid-state and nothing changes; a note is dismissed once read', async () => {
    // An unhandled petition the registry does not mark as over the county: 3.5.1 shows it as a note.
    const db = server.store.db;
    const campaign = await db.selectFrom('campaigns').select(['period_from', 'period_to']).where('id', '=', campaignId).executeTakeFirstOrThrow();
    const date = `${campaign.period_from.slice(0, 4)}-06-15`;
    expect(date >= campaign.period_from && date <= campaign.period_to).toBe(true);
    await db
      .insertInto('petitions')
      .values({ village_code: t1[1]!, household_id: null, date, kind: 'petition', over_county: 0, handled: 0, summary: '反映低保评定不公，尚未答复' })
      .execute();
    expect((await as.inspector.post(`/api/assessments/${B}/suggestions/derive`)).statusCode).toBe(200);
    const b = await get('inspector', B);
    expect(b.status).toBe('draft');
    const note = b.suggestions.find((s) => s.item === '3.5.1' && s.count === 0 && s.status === 'open');
    expect(note, JSON.stringify(b.suggestions.filter((s) => s.item === '3.5.1'))).toBeDefined();
    expectError(
      await as.inspector.post(`/api/assessments/${B}/suggestions/${note!.id}/accept`, { version: b.version }),
      409,
      'invalid-state',
      new RegExp(`^suggestion ${note!.id} is a note with no deduction: it cannot be accepted as a finding`),
    );
    const after = await get('inspector', B);
    expect(after.version).toBe(b.version);
    expect(after.findings).toEqual(b.findings);
    expect(after.score.total).toBe(b.score.total);
    expect(after.suggestions.find((s) => s.id === note!.id)!.status).toBe('open');
    const read = await as.inspector.post(`/api/assessments/${B}/suggestions/${note!.id}/dismiss`, { version: b.version, reason: '已阅：乡镇已接访' });
    expect(read.statusCode, read.body).toBe(200);
    expect((await get('inspector', B)).score.total).toBe(b.score.total);
  });

  it('lets team 2 record on its village (C) with a photo, suggestions too', async () => {
    const c = await get('inspector2', C);
    const res = await as.inspector2.post(`/api/assessments/${C}/findings`, { version: c.version, item: '1.3', note: `复核 ${RESIDENT_ID.slice(0, 17)}X` });
    expect(res.statusCode, res.body).toBe(201);
    findingC = json<{ id: number }>(res).id;
    const up = await as.inspector2.upload(`/api/findings/${findingC}/evidence`, [photo()]);
    expect(up.statusCode, up.body).toBe(201);
    evidenceC = json<{ evidence: Array<{ id: number }> }>(up).evidence[0]!.id;
    // The same photo twice is stored once, as two rows.
    const twice = await as.inspector2.upload(`/api/findings/${findingC}/evidence`, [photo('again.jpg')]);
    expect(twice.statusCode).toBe(201);
    expect((await as.inspector2.post(`/api/assessments/${C}/suggestions/derive`)).statusCode).toBe(200);
    const after = await get('inspector2', C);
    expect(after.evidence).toHaveLength(2);
    expect(after.suggestions.length).toBeGreaterThan(0);
    suggestionC = after.suggestions[0]!.id;
  });

  it('refuses evidence that is too large (413), not a photo or PDF (415), empty or missing (400)', async () => {
    const url = `/api/findings/${findingC}/evidence`;
    expectError(
      await as.inspector2.upload(url, [{ name: 'file', filename: 'notes.txt', type: 'text/plain', data: 'not a photo' }]),
      415,
      'evidence-type',
      /notes\.txt is not a file type accepted/,
    );
    // A JPEG's name and type do not make one: the content is checked.
    expectError(await as.inspector2.upload(url, [{ name: 'file', filename: 'fake.jpg', type: 'image/jpeg', data: '<html>' }]), 415, 'evidence-type');
    const big = Buffer.concat([jpeg(), Buffer.alloc(20 * 1024 * 1024)]);
    expectError(await as.inspector2.upload(url, [{ name: 'file', filename: 'big.jpg', type: 'image/jpeg', data: big }]), 413, 'evidence-too-large', /limit is 20 MiB/);
    expectError(await as.inspector2.upload(url, [{ name: 'file', filename: 'empty.jpg', type: 'image/jpeg', data: Buffer.alloc(0) }]), 400, 'evidence-empty');
    expectError(await as.inspector2.upload(url, [{ name: 'note', data: 'just a field' }]), 400, 'validation', /^file: no file/);
    expectError(
      await as.inspector2.upload(url, [{ name: 'photo', filename: 'a.jpg', type: 'image/jpeg', data: jpeg() }]),
      400,
      'validation',
      /^photo: files go in parts named "file"/,
    );
    expectError(await as.inspector2.post(url, { file: 'x' }), 400, 'validation', /^file: send multipart\/form-data/);
    // A bad file in a batch stores none of it.
    expectError(await as.inspector2.upload(url, [photo('ok.jpg'), { name: 'file', filename: 'bad.txt', data: 'text' }]), 415, 'evidence-type');
    expect((await get('inspector2', C)).evidence).toHaveLength(2);
    expectError(await as.inspector2.upload('/api/findings/99999/evidence', [photo()]), 404, 'not-found');
    expectError(await as.inspector2.upload('/api/findings/x/evidence', [photo()]), 400, 'validation', /^params\.fid:/);
    expectError(await as.village.upload('/api/appeals/x/evidence', [photo()]), 400, 'validation', /^params\.id:/);
    expectError(await as.village.upload(`/api/appeals/${appealA}/evidence`, [photo()]), 409, 'invalid-state', /decided/);
    // A phone photo of a few MiB is well past the JSON body limit, and welcome.
    const onB = (await get('inspector', B)).findings.find((f) => f.status === 'active')!;
    const large = Buffer.concat([jpeg(), randomBytes(3 * 1024 * 1024)]);
    const ok = await as.inspector.upload(`/api/findings/${onB.id}/evidence`, [{ name: 'file', filename: 'IMG_2041.JPG', type: 'image/jpeg', data: large }]);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(json(ok)).toMatchObject({ evidence: [{ mime: 'image/jpeg', size: large.length }] });
  });

  describe('who may read which assessment, findings and evidence', () => {
    /** Read access to A (published, T1, team 1), B (draft, T1, team 1, village2's) and C (draft, T2, team 2). */
    const READ: Record<'A' | 'B' | 'C', Who[]> = {
      A: ['admin', 'reviewer', 'inspector', 'village', 'viewer'],
      B: ['admin', 'reviewer', 'inspector'],
      C: ['admin', 'reviewer2', 'inspector2'],
    };
    const target = () => ({ A: { id: A, code: t1[0]!, evidence: evidenceA[0]! }, B: { id: B, code: t1[1]!, evidence: 0 }, C: { id: C, code: t2[0]!, evidence: evidenceC } });

    it('serves an assessment (by id and by village), its sheet and its evidence only to those who may read it', async () => {
      for (const key of ['A', 'B', 'C'] as const) {
        const t = target()[key];
        for (const who of EVERYONE) {
          const may = READ[key].includes(who);
          const urls = [`/api/assessments/${t.id}`, `/api/campaigns/${campaignId}/villages/${t.code}/assessment`, `/api/assessments/${t.id}/sheet`];
          if (t.evidence) urls.push(`/api/evidence/${t.evidence}`);
          for (const u of urls) {
            const res = await as[who].get(u);
            if (may) expect(res.statusCode, `${who} ${u}`).toBe(200);
            else {
              // Not there for this reader: 404, and the message names neither the village nor its
              // township (only what was asked for, as for a missing one).
              expectNoData(res, `${who} ${u}`, 404);
              if (!u.includes(t.code)) expect(res.body, `${who} ${u}`).not.toContain(t.code.slice(0, 9));
            }
          }
        }
      }
      // Evidence never says whether it exists to someone who may not see it.
      for (const who of ['inspector', 'reviewer', 'village', 'viewer', 'village2'] as const) expectError(await as[who].get(`/api/evidence/${evidenceC}`), 404, 'not-found');
      expectError(await as.admin.get('/api/evidence/99999'), 404, 'not-found');
      // The appeal's photo: the village and readers of A, never another village.
      expect((await as.village.get(`/api/evidence/${appealEvidenceA}`)).statusCode).toBe(200);
      expectError(await as.village2.get(`/api/evidence/${appealEvidenceA}`), 404, 'not-found');
    });

    it('refuses every change to someone who may not make it, and changes nothing', async () => {
      const before = { A: await versionOf(A), B: await versionOf(B), C: await versionOf(C) };
      const refused = async (who: Who, method: 'POST', url: string, body: unknown = {}) => expectNoData(await as[who].request(method, url, body), `${who} ${url}`);
      // On C, team 2's draft: only the office and team 2 record; only the office and T2's reviewer review.
      for (const who of EVERYONE.filter((w) => w !== 'admin' && w !== 'inspector2')) {
        await refused(who, 'POST', `/api/assessments/${C}/findings`, { version: before.C, item: '1.3' });
        await refused(who, 'POST', `/api/assessments/${C}/findings/${findingC}/withdraw`, { version: before.C, reason: 'x' });
        await refused(who, 'POST', `/api/assessments/${C}/suggestions/derive`);
        await refused(who, 'POST', `/api/assessments/${C}/suggestions/${suggestionC}/accept`, { version: before.C });
        await refused(who, 'POST', `/api/assessments/${C}/suggestions/${suggestionC}/dismiss`, { version: before.C, reason: 'x' });
        expectNoData(await as[who].upload(`/api/findings/${findingC}/evidence`, [photo()]), `${who} evidence on C`);
        if (who !== 'reviewer2') await refused(who, 'POST', `/api/assessments/${C}/transition`, { version: before.C, step: 'submit' });
      }
      for (const who of ['reviewer', 'inspector', 'inspector2', 'village', 'viewer', 'village2'] as const) {
        await refused(who, 'POST', `/api/assessments/${C}/transition`, { version: before.C, step: 'sendBack', comment: 'x' });
      }
      // On A, published: only the village itself (or the office) appeals; only the office decides.
      for (const who of EVERYONE.filter((w) => w !== 'admin' && w !== 'village')) {
        await refused(who, 'POST', `/api/assessments/${A}/appeals`, { item: '3.2.1', reason: 'x' });
        expectNoData(await as[who].upload(`/api/appeals/${appealA}/evidence`, [photo()]), `${who} evidence on A's appeal`);
      }
      for (const who of EVERYONE.filter((w) => w !== 'admin')) {
        await refused(who, 'POST', `/api/appeals/${appealA}/decide`, { outcome: 'rejected', reason: 'x' });
        await refused(who, 'POST', `/api/assessments/${A}/transition`, { version: before.A, step: 'publish' });
      }
      // The village appeals only its own village's result.
      await refused('village', 'POST', `/api/assessments/${C}/appeals`, { item: '1.3', reason: 'x' });
      await refused('village2', 'POST', `/api/assessments/${C}/appeals`, { item: '1.3', reason: 'x' });
      await refused('village', 'POST', `/api/assessments/${B}/appeals`, { item: '1.3', reason: 'x' });
      // Team 1 on B: a village user or a viewer never records.
      for (const who of ['village', 'village2', 'viewer', 'reviewer', 'reviewer2', 'inspector2'] as const) {
        await refused(who, 'POST', `/api/assessments/${B}/findings`, { version: before.B, item: '1.3' });
      }
      expect({ A: await versionOf(A), B: await versionOf(B), C: await versionOf(C) }).toEqual(before);
      expect((await get('admin', C)).evidence).toHaveLength(2);
    });
  });

  describe('validation, sessions and CSRF on every route', () => {
    it('answers 400 naming the field', async () => {
      const v = await versionOf(C);
      const cases: Array<[Who, 'GET' | 'POST', string, unknown, RegExp]> = [
        ['admin', 'GET', '/api/assessments/x', undefined, /^params\.id:/],
        ['admin', 'GET', `/api/assessments/${A}?lang=fr`, undefined, /^query\.lang:/],
        ['admin', 'GET', `/api/campaigns/${campaignId}/villages/abc/assessment`, undefined, /^params\.code:/],
        ['admin', 'GET', `/api/campaigns/x/villages/${t1[0]}/assessment`, undefined, /^params\.id:/],
        ['admin', 'GET', `/api/assessments/${A}/sheet?lang=de`, undefined, /^query\.lang:/],
        ['inspector2', 'POST', `/api/assessments/${C}/findings`, { item: '1.3' }, /^body\.version:/],
        ['inspector2', 'POST', `/api/assessments/${C}/findings`, { version: v, item: '' }, /^body\.item:/],
        ['inspector2', 'POST', `/api/assessments/${C}/findings`, { version: v, item: '1.3', count: -1 }, /^body\.count:/],
        ['inspector2', 'POST', `/api/assessments/${C}/findings`, { version: v, item: '1.3', count: 1.5 }, /^body\.count:/],
        ['inspector2', 'POST', `/api/assessments/${C}/findings`, { version: v, item: '9.9.9' }, /^item:/],
        ['inspector2', 'POST', `/api/assessments/${C}/findings`, { version: v, item: '3.1.2', element: 'nonsense' }, /^element:/],
        ['inspector2', 'POST', `/api/assessments/${C}/findings/${findingC}/withdraw`, { version: v }, /^body\.reason:/],
        ['inspector2', 'POST', `/api/assessments/${C}/findings/x/withdraw`, { version: v, reason: 'r' }, /^params\.fid:/],
        ['admin', 'GET', `/api/evidence/0`, undefined, /^params\.id:/],
        ['admin', 'GET', `/api/evidence/${evidenceC}?download=2`, undefined, /^query\.download:/],
        ['inspector2', 'POST', '/api/assessments/x/suggestions/derive', {}, /^params\.id:/],
        ['inspector2', 'POST', `/api/assessments/${C}/suggestions/${suggestionC}/accept`, { version: 'one' }, /^body\.version:/],
        ['inspector2', 'POST', `/api/assessments/${C}/suggestions/x/accept`, { version: v }, /^params\.sid:/],
        ['inspector2', 'POST', `/api/assessments/${C}/suggestions/${suggestionC}/dismiss`, { version: v, reason: '  ' }, /^body\.reason:/],
        ['inspector2', 'POST', `/api/assessments/${C}/transition`, { version: v, step: 'approve' }, /^body\.step:/],
        ['inspector2', 'POST', `/api/assessments/${C}/transition`, { step: 'submit' }, /^body\.version:/],
        ['village', 'POST', `/api/assessments/${A}/appeals`, { item: '1.3' }, /^body\.reason:/],
        ['village', 'POST', `/api/assessments/${A}/appeals`, { item: '', reason: 'r' }, /^body\.item:/],
        ['village', 'POST', `/api/assessments/${A}/appeals`, { item: '9.9', reason: 'r' }, /^item:/],
        ['admin', 'POST', `/api/appeals/${appealA}/decide`, { outcome: 'maybe', reason: 'r' }, /^body\.outcome:/],
        ['admin', 'POST', `/api/appeals/${appealA}/decide`, { outcome: 'adjusted', reason: 'r' }, /^body\.count:/],
        ['admin', 'POST', `/api/appeals/${appealA}/decide`, { outcome: 'rejected' }, /^body\.reason:/],
        ['admin', 'POST', '/api/appeals/x/decide', { outcome: 'rejected', reason: 'r' }, /^params\.id:/],
      ];
      for (const [who, method, url, body, field] of cases) {
        const res = await as[who].request(method, url, body);
        expectError(res, 400, 'validation', field);
      }
      expect(await versionOf(C)).toBe(v);
      expectError(await as.admin.get('/api/assessments/99999'), 404, 'not-found');
      expectError(await as.admin.get(`/api/campaigns/${campaignId}/villages/522425999999/assessment`), 404, 'not-found');
      expectError(await as.admin.post('/api/appeals/99999/decide', { outcome: 'rejected', reason: 'r' }), 404, 'not-found');
      expectError(await as.admin.post(`/api/appeals/${appealA}/decide`, { outcome: 'rejected', reason: 'r' }), 409, 'invalid-state');
    });

    const routes = (): Array<{ method: 'GET' | 'POST'; url: string; body?: unknown; multipart?: boolean }> => [
      { method: 'GET', url: `/api/assessments/${A}` },
      { method: 'GET', url: `/api/campaigns/${campaignId}/villages/${t1[0]}/assessment` },
      { method: 'GET', url: `/api/assessments/${A}/sheet` },
      { method: 'POST', url: `/api/assessments/${C}/findings`, body: { version: 1, item: '1.3' } },
      { method: 'POST', url: `/api/assessments/${C}/findings/${findingC}/withdraw`, body: { version: 1, reason: 'r' } },
      { method: 'POST', url: `/api/findings/${findingC}/evidence`, multipart: true },
      { method: 'GET', url: `/api/evidence/${evidenceC}` },
      { method: 'POST', url: `/api/assessments/${C}/suggestions/derive` },
      { method: 'POST', url: `/api/assessments/${C}/suggestions/${suggestionC}/accept`, body: { version: 1 } },
      { method: 'POST', url: `/api/assessments/${C}/suggestions/${suggestionC}/dismiss`, body: { version: 1, reason: 'r' } },
      { method: 'POST', url: `/api/assessments/${C}/transition`, body: { version: 1, step: 'submit' } },
      { method: 'POST', url: `/api/assessments/${A}/appeals`, body: { item: '1.3', reason: 'r' } },
      { method: 'POST', url: `/api/appeals/${appealA}/evidence`, multipart: true },
      { method: 'POST', url: `/api/appeals/${appealA}/decide`, body: { outcome: 'rejected', reason: 'r' } },
    ];

    it('answers 401 without a session', async () => {
      for (const r of routes()) {
        const m = r.multipart ? multipart([photo()]) : undefined;
        const res = await server.app.inject({ method: r.method, url: r.url, ...(m ? { payload: m.payload, headers: m.headers } : r.body ? { payload: r.body as object } : {}) });
        expectError(res, 401, 'unauthenticated');
      }
    });

    it('answers 403 to a change with a wrong or missing CSRF token, and changes nothing', async () => {
      const entries = json<{ entries: unknown[] }>(await as.admin.get('/api/audit?limit=1000')).entries.length;
      for (const r of routes().filter((x) => x.method === 'POST')) {
        for (const token of ['wrong', undefined]) {
          const m = r.multipart ? multipart([photo()]) : undefined;
          const headers: Record<string, string> = { cookie: as.admin.headers.cookie!, ...(token ? { 'x-csrf-token': token } : {}), ...(m?.headers ?? {}) };
          const res = await server.app.inject({ method: 'POST', url: r.url, headers, payload: m ? m.payload : ((r.body ?? {}) as object) });
          expectError(res, 403, 'csrf');
        }
      }
      expect(json<{ entries: unknown[] }>(await as.admin.get('/api/audit?limit=1000')).entries.length).toBe(entries);
    });

    it('describes every route in the OpenAPI document', async () => {
      const doc = json<{ paths: Record<string, Record<string, { consumes?: string[]; requestBody?: { content: Record<string, unknown> } }>> }>(
        await server.app.inject({ method: 'GET', url: '/api/docs' }),
      );
      const path = (u: string) =>
        u
          .replace(`/campaigns/${campaignId}/villages/${t1[0]}`, '/campaigns/{id}/villages/{code}')
          .replace(/\/assessments\/\d+/, '/assessments/{id}')
          .replace(/\/findings\/\d+\/withdraw/, '/findings/{fid}/withdraw')
          .replace(/\/api\/findings\/\d+/, '/api/findings/{fid}')
          .replace(/\/suggestions\/\d+/, '/suggestions/{sid}')
          .replace(/\/(evidence|appeals)\/\d+/, '/$1/{id}');
      for (const r of routes()) {
        const p = path(r.url);
        expect(doc.paths[p]?.[r.method.toLowerCase()], p).toBeDefined();
      }
    });
  });

  it('never shows a full ID number to anyone but the office (every answer above was checked)', async () => {
    for (const who of EVERYONE.filter((w) => w !== 'admin')) {
      for (const u of [`/api/assessments/${A}`, `/api/assessments/${A}/sheet`, `/api/assessments/${C}`, `/api/assessments/${A}?lang=en`]) expectNoIdNumber(await as[who].get(u));
    }
    const admin = await as.admin.get(`/api/assessments/${C}`);
    expect(admin.body).toContain(`${RESIDENT_ID.slice(0, 17)}X`);
  });
});

/**
 * The assessment view is kept between requests (CampaignServices.getAssessment) and its JSON made
 * once per view (the route): after every kind of change the answer must be the new one, equal
 * to a view built from scratch, and each kind of reader must still get only what it may see.
 */
describe.each(storeTargets())('assessment views kept between requests ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<'admin' | 'reviewer' | 'inspector' | 'village' | 'viewer', Client>;
  let A: number;
  /** Another village of the same township and team (stays a draft). */
  let B: number;
  let village: string;

  beforeAll(async () => {
    server = await startServer(target);
    const first = (await firstStart(server.app.services))!;
    for (const c of first.credentials) as[c.role] = await signIn(server.app, c.username, c.password);
    const service = compose({ store: server.store }).campaigns;
    const campaignId = await service.setup.campaignByName(DEMO_CAMPAIGN);
    const db = server.store.db;
    village = (await db.selectFrom('users').select('village_code').where('username', '=', 'village').executeTakeFirstOrThrow()).village_code!;
    const township = (await db.selectFrom('areas').select('parent_code').where('code', '=', village).executeTakeFirstOrThrow()).parent_code!;
    const sibling = (await db.selectFrom('areas').select('code').where('parent_code', '=', township).where('code', '!=', village).orderBy('code').executeTakeFirstOrThrow()).code;
    A = await service.assessments.assessmentId(campaignId, village);
    B = await service.assessments.assessmentId(campaignId, sibling);
  }, HOOK);
  afterAll(() => server?.close());

  const read = async (who: keyof typeof as, lang = '') => {
    const res = await as[who].get(`/api/assessments/${A}${lang}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };
  /** The office's view now, checked against one built by a service that has kept nothing. */
  const current = async () => {
    const body = await read('admin');
    const fresh = await compose({ store: server.store }).campaigns.assessments.getAssessment({ user: 'admin', role: 'admin' }, A);
    const parsed = JSON.parse(body) as Assessment;
    for (const e of parsed.evidence) expect(e.url).toBe(`/api/evidence/${e.id}`);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(presentAssessment(fresh))));
    // Unchanged, it is the same object (kept), and the same JSON.
    const kept = server.app.services.campaigns;
    expect(await kept.assessments.getAssessment({ user: 'admin', role: 'admin' }, A)).toBe(await kept.assessments.getAssessment({ user: 'admin', role: 'admin' }, A));
    expect(await read('admin')).toBe(body);
    return parsed;
  };
  /** Runs a change and checks the view moved: a higher version and a different body. */
  const changes = async (label: string, change: (a: Assessment) => Promise<LightMyRequestResponse>, check: (before: Assessment, after: Assessment) => void) => {
    const before = await current();
    const res = await change(before);
    expect(res.statusCode, `${label}: ${res.body}`).toBeLessThan(300);
    const after = await current();
    expect(after.version, label).toBeGreaterThan(before.version);
    check(before, after);
  };

  it('shows every kind of change at once, to every reader, never a kept view that is out of date', async () => {
    // Read by everyone who may, so that views are kept before the changes.
    await read('inspector');
    await read('reviewer');
    await read('admin', '?lang=en');
    let suggestion = 0;
    await changes(
      'derive',
      () => as.inspector.post(`/api/assessments/${A}/suggestions/derive`),
      (b, a) => {
        expect(b.suggestions).toEqual([]);
        expect(a.suggestions.length).toBeGreaterThan(1);
        suggestion = a.suggestions.find((s) => s.item !== '3.2.1')!.id;
      },
    );
    expect(JSON.parse(await read('inspector')).suggestions.length).toBeGreaterThan(1);
    expect(JSON.parse(await read('reviewer')).suggestions.length).toBeGreaterThan(1);

    await changes(
      'accept',
      (a) => as.inspector.post(`/api/assessments/${A}/suggestions/${suggestion}/accept`, { version: a.version }),
      (b, a) => {
        expect(a.findings.length).toBe(b.findings.length + 1);
        expect(a.suggestions.find((s) => s.id === suggestion)!.status).toBe('accepted');
      },
    );
    const dismissed = JSON.parse(await read('inspector')).suggestions.find((s: { status: string }) => s.status === 'open').id as number;
    await changes(
      'dismiss',
      (a) => as.inspector.post(`/api/assessments/${A}/suggestions/${dismissed}/dismiss`, { version: a.version, reason: '已核实' }),
      (_, a) => {
        expect(a.suggestions.find((s) => s.id === dismissed)!.status).toBe('dismissed');
      },
    );
    let finding = 0;
    await changes(
      'finding',
      (a) => as.inspector.post(`/api/assessments/${A}/findings`, { version: a.version, item: '3.2.1', count: 2, note: `经办人 ${RESIDENT_ID}` }),
      (b, a) => {
        expect(a.findings.length).toBe(b.findings.length + 1);
        expect(a.score.total).toBe(b.score.total - 2);
        finding = a.findings.at(-1)!.id;
      },
    );
    await changes(
      'evidence',
      () => {
        const m = multipart([photo('现场.jpg')]);
        return as.inspector.request('POST', `/api/findings/${finding}/evidence`, m.payload, m.headers);
      },
      (b, a) => expect(a.evidence.length).toBe(b.evidence.length + 1),
    );
    const extra = JSON.parse((await as.inspector.post(`/api/assessments/${A}/findings`, { version: (await current()).version, item: '1.1' })).body).id as number;
    await changes(
      'withdraw',
      (a) => as.inspector.post(`/api/assessments/${A}/findings/${extra}/withdraw`, { version: a.version, reason: '重复' }),
      (b, a) => {
        expect(a.findings.find((f) => f.id === extra)!.status).toBe('withdrawn');
        expect(a.score.total).toBe(b.score.total + 2);
      },
    );
    // The English view is kept apart, and moves too.
    const en = JSON.parse(await read('admin', '?lang=en')) as Assessment;
    expect(en.version).toBe((await current()).version);
    expect(en.explanation.join('\n')).not.toEqual((await current()).explanation.join('\n'));

    for (const [step, extraBody] of [
      ['submit', {}],
      ['sendBack', { comment: '请补充照片' }],
      ['submit', {}],
      ['review', {}],
      ['publish', {}],
    ] as const) {
      const who = step === 'submit' ? as.inspector : step === 'publish' ? as.admin : as.reviewer;
      await changes(
        step,
        (a) => who.post(`/api/assessments/${A}/transition`, { version: a.version, step, ...extraBody }),
        (b, a) => {
          expect(a.status).not.toBe(b.status);
          if (step === 'sendBack') expect(a.comment).toBe('请补充照片');
        },
      );
      expect(JSON.parse(await read('reviewer')).status).toBe((await current()).status);
    }

    // Published: the village and viewers see the result without the working material, masked.
    for (const who of ['village', 'viewer'] as const) {
      const body = await read(who);
      const v = JSON.parse(body) as Assessment;
      expect(v.status).toBe('published');
      expect(v.suggestions).toEqual([]);
      expect(body).not.toContain(RESIDENT_ID);
      expect(body).toContain('522425********0051');
    }
    expect(JSON.parse(await read('reviewer')).suggestions.length).toBeGreaterThan(1);
    expect(await read('reviewer')).not.toContain(RESIDENT_ID);
    expect(await read('admin')).toContain(RESIDENT_ID);

    let appeal = 0;
    await changes(
      'appeal',
      () => as.village.post(`/api/assessments/${A}/appeals`, { item: '3.2.1', reason: '只迟报一次' }),
      (b, a) => {
        expect(a.appeals.length).toBe(b.appeals.length + 1);
        appeal = a.appeals.at(-1)!.id;
      },
    );
    expect((JSON.parse(await read('village')) as Assessment).appeals.map((x) => x.status)).toEqual(['open']);
    await changes(
      'appeal evidence',
      () => {
        const m = multipart([photo('材料.jpg')]);
        return as.village.request('POST', `/api/appeals/${appeal}/evidence`, m.payload, m.headers);
      },
      (b, a) => expect(a.evidence.length).toBe(b.evidence.length + 1),
    );
    await changes(
      'decide',
      () => as.admin.post(`/api/appeals/${appeal}/decide`, { outcome: 'adjusted', reason: '核实迟报一次', count: 1 }),
      (b, a) => {
        expect(a.appeals.find((x) => x.id === appeal)!.status).toBe('adjusted');
        expect(a.score.total).toBe(b.score.total + 1);
      },
    );
    const mine = JSON.parse(await read('village')) as Assessment;
    expect(mine.appeals.map((x) => x.status)).toEqual(['adjusted']);
    expect(mine.suggestions).toEqual([]);

    // The records behind a suggestion: only for those who see suggestions.
    for (const who of ['village', 'viewer'] as const) {
      const res = await as[who].get(`/api/assessments/${A}/suggestions/${suggestion}/records`);
      expect(res.statusCode, res.body).toBe(403);
    }

    // A change to the village in the registry (no assessment version) shows too.
    const before = await current();
    await server.store.db.updateTable('areas').set({ name: '石桥新村' }).where('code', '=', village).execute();
    const renamed = await current();
    expect(renamed.version).toBe(before.version);
    expect(renamed.village.name).toBe('石桥新村');
    expect((JSON.parse(await read('village')) as Assessment).village.name).toBe('石桥新村');
  });

  it('carries the first 50 records of a suggestion, with their number; the rest on request', async () => {
    expect((await as.inspector.post(`/api/assessments/${B}/suggestions/derive`)).statusCode).toBe(200);
    const b = JSON.parse((await as.inspector.get(`/api/assessments/${B}`)).body) as { suggestions: Array<{ id: number; records: unknown[]; recordCount: number }> };
    for (const s of b.suggestions) expect(s.records.length).toBe(Math.min(50, s.recordCount));
    const many = b.suggestions.reduce((m, s) => (s.recordCount > m.recordCount ? s : m));
    expect(many.recordCount).toBeGreaterThan(50);
    const stored = JSON.parse((await server.store.db.selectFrom('suggestions').select('records').where('id', '=', many.id).executeTakeFirstOrThrow()).records) as unknown[];
    const all = await as.reviewer.get(`/api/assessments/${B}/suggestions/${many.id}/records`);
    expect(all.statusCode, all.body).toBe(200);
    expect(JSON.parse(all.body)).toMatchObject({ id: many.id, records: stored });
    expect(stored.length).toBe(many.recordCount);
    expect(many.records).toEqual(stored.slice(0, 50));
    // Another assessment's suggestion, or a bad id, is not found or refused by name.
    const other = await as.admin.get(`/api/assessments/${A}/suggestions/${many.id}/records`);
    expect(other.statusCode).toBe(404);
    expect((await as.admin.get(`/api/assessments/${B}/suggestions/x/records`)).json()).toMatchObject({
      error: { code: 'validation', message: expect.stringMatching(/^params\.sid:/) },
    });
  });
});
