/**
 * Registry API on SQLite and PostgreSQL: every route's success, validation errors,
 * unauthenticated calls and the role matrix, and every role against villages outside its reach
 * (404 or 403, never data). No response that did not ask for them in full carries a whole
 * ID number.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, signIn, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { checkCharacter } from '../../core/ids/gb11643.ts';
import { firstStart } from '../../services/bootstrap.service.ts';
import type { Role } from '../../services/policies.ts';
import { RECORD_KINDS } from '../../services/registry/index.ts';

const FULL_ID = /\d{17}[\dX]/;

/** A multipart/form-data body: fields, then a file part. */
function multipart(fields: Record<string, string>, file?: { name: string; content: string | Buffer; field?: string }) {
  const boundary = `----kaohe${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    );
    chunks.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function expectValidation(res: LightMyRequestResponse, field: string) {
  expect(res.statusCode, res.body).toBe(400);
  const e = res.json().error;
  expect(e.code).toBe('validation');
  expect(e.message).toContain(field);
}

function expectCode(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

/** A well-formed ID number (check character right) with a given 17-digit start. */
const idWith = (first17: string) => first17 + checkCharacter(first17);

describe.each(storeTargets())('registry API ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Role | 'otherVillage' | 'otherReviewer' | 'idleInspector' | 'admin2', Client>;
  /** Bodies of every response that did not ask for ID numbers in full. */
  const seen: Array<{ url: string; body: string }> = [];
  let anon: (url: string, method?: 'GET' | 'POST') => Promise<LightMyRequestResponse>;

  // The places the tests look at: the village user's own village (first township), a sibling
  // in the same township, and a village of another township.
  let own: string;
  let sibling: string;
  let foreign: string;
  let township: string;
  let ownHousehold: { no: string; head: string; headId: string; id: number };
  let siblingHousehold: string;
  let foreignHousehold: string;
  let firstTownshipVillages: string[];

  beforeAll(async () => {
    server = await startServer(target);
    const started = (await firstStart(server.app.services))!;
    const password = (role: Role) => started.credentials.find((c) => c.role === role)!.password;
    const watch = (c: Client): Client => {
      const request: Client['request'] = async (method, url, body, headers) => {
        const res = await c.request(method, url, body, headers);
        if (!url.includes('showIds=true') && String(res.headers['content-type'] ?? '').startsWith('application/json')) seen.push({ url, body: res.body });
        return res;
      };
      return { ...c, request, get: (url) => request('GET', url), post: (url, body) => request('POST', url, body ?? {}) };
    };
    for (const role of ['admin', 'reviewer', 'inspector', 'village', 'viewer'] as Role[]) as[role] = watch(await signIn(server.app, role, password(role)));

    const db = server.store.db;
    const townships = await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute();
    township = townships[0]!.code;
    firstTownshipVillages = (await db.selectFrom('areas').select('code').where('parent_code', '=', township).orderBy('code').execute()).map((r) => r.code);
    own = firstTownshipVillages[0]!;
    sibling = firstTownshipVillages[1]!;
    foreign = (await db.selectFrom('areas').select('code').where('parent_code', '=', townships[1]!.code).orderBy('code').executeTakeFirstOrThrow()).code;
    const household = async (village: string) =>
      db
        .selectFrom('households')
        .select(['id', 'household_no', 'head_name', 'head_id_number'])
        .where('village_code', '=', village)
        .orderBy('household_no')
        .executeTakeFirstOrThrow();
    const h = await household(own);
    ownHousehold = { no: h.household_no, head: h.head_name, headId: h.head_id_number, id: h.id };
    siblingHousehold = (await household(sibling)).household_no;
    foreignHousehold = (await household(foreign)).household_no;

    // Users outside the first township: another village, another township's reviewer, an inspector with no villages, a second admin.
    const users = server.app.services.users;
    const extra = async (username: string, role: Role, scope: { village?: string; township?: string } = {}) => {
      await users.create({ user: 'admin', role: 'admin' }, { username, role, password: 'a-long-test-password', ...scope });
      return watch(await signIn(server.app, username, 'a-long-test-password'));
    };
    as.otherVillage = await extra('village-2', 'village', { village: foreign });
    as.otherReviewer = await extra('reviewer-2', 'reviewer', { township: townships[1]!.code });
    as.idleInspector = await extra('inspector-2', 'inspector');
    as.admin2 = await extra('admin-2', 'admin');
    anon = (url, method = 'GET') => server.app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  // ------------------------------------------------------------------------------------------
  describe('GET /api/areas', () => {
    const villagesOf = (tree: Array<{ level: string; code: string; children?: unknown[] }>): string[] =>
      tree.flatMap((n) => (n.level === 'village' ? [n.code] : villagesOf((n.children ?? []) as typeof tree)));

    it('gives the office and viewers the whole tree with village attributes', async () => {
      for (const c of [as.admin, as.viewer]) {
        const res = await c.get('/api/areas');
        expect(res.statusCode).toBe(200);
        const { areas } = res.json();
        expect(areas).toHaveLength(1);
        expect(areas[0].level).toBe('county');
        expect(areas[0].children).toHaveLength(3);
        expect(villagesOf(areas)).toHaveLength(30);
        const village = areas[0].children[0].children[0];
        expect(Object.keys(village).sort()).toEqual(['code', 'exitYear', 'households', 'level', 'name', 'plannedExitYear', 'population', 'povertyVillage'].sort());
        expect(typeof village.povertyVillage).toBe('boolean');
      }
      const total = await server.store.db
        .selectFrom('households')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const res = await as.admin.get('/api/areas');
      const sum = (nodes: Array<{ households?: number; children?: unknown[] }>): number =>
        nodes.reduce((s, n) => s + (n.households ?? 0) + sum((n.children ?? []) as typeof nodes), 0);
      expect(sum(res.json().areas)).toBe(Number(total.n));
    });

    it('narrows the tree to the reviewer’s township, the inspector’s villages and the village itself', async () => {
      const reviewer = (await as.reviewer.get('/api/areas')).json().areas;
      expect(reviewer[0].children.map((t: { code: string }) => t.code)).toEqual([township]);
      expect(villagesOf(reviewer).sort()).toEqual([...firstTownshipVillages].sort());
      expect(villagesOf((await as.inspector.get('/api/areas')).json().areas).sort()).toEqual([...firstTownshipVillages].sort());
      expect(villagesOf((await as.village.get('/api/areas')).json().areas)).toEqual([own]);
      expect(villagesOf((await as.otherVillage.get('/api/areas')).json().areas)).toEqual([foreign]);
      expect((await as.idleInspector.get('/api/areas')).json().areas).toEqual([]);
    });

    it('needs a session', async () => {
      expectCode(await anon('/api/areas'), 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('GET /api/villages/:code', () => {
    it('shows a village with its work teams (IDs masked) and helper counts', async () => {
      const res = await as.admin.get(`/api/villages/${own}`);
      expect(res.statusCode).toBe(200);
      const v = res.json();
      expect(v.code).toBe(own);
      expect(v.township.code).toBe(township);
      expect(v.households).toBeGreaterThan(0);
      expect(v.workTeams.length).toBeGreaterThan(0);
      const member = v.workTeams[0].members[0];
      expect(member.idNumber).toMatch(/^\d{6}\*{8}[\dX*]{4}$/);
      expect(['leader', 'secretary', 'leader+secretary', 'member']).toContain(member.role);
      expect(v.helpers.total).toBeGreaterThan(0);
    });

    it('shows ID numbers in full to the office only when asked', async () => {
      const full = (await as.admin.get(`/api/villages/${own}?showIds=true`)).json();
      expect(full.workTeams[0].members[0].idNumber).toMatch(FULL_ID);
      for (const c of [as.reviewer, as.inspector, as.village, as.viewer]) expectCode(await c.get(`/api/villages/${own}?showIds=true`), 403, 'forbidden');
    });

    it('lets each role see the villages in its reach, and nothing else (404, not 403)', async () => {
      for (const c of [as.admin, as.viewer, as.reviewer, as.inspector, as.village]) expect((await c.get(`/api/villages/${own}`)).statusCode).toBe(200);
      for (const c of [as.reviewer, as.inspector]) expect((await c.get(`/api/villages/${sibling}`)).statusCode).toBe(200);
      for (const [c, code] of [
        [as.village, sibling],
        [as.village, foreign],
        [as.reviewer, foreign],
        [as.inspector, foreign],
        [as.otherVillage, own],
        [as.otherReviewer, own],
        [as.idleInspector, own],
      ] as const) {
        const res = await c.get(`/api/villages/${code}`);
        expectCode(res, 404, 'not-found');
        expect(res.body).not.toContain('workTeams');
      }
      // A code that is no village at all looks the same.
      expectCode(await as.admin.get('/api/villages/999999999999'), 404, 'not-found');
      expectCode(await as.admin.get(`/api/villages/${township}`), 404, 'not-found');
    });

    it('validates the code and the flag', async () => {
      expectValidation(await as.admin.get('/api/villages/12ab'), 'params.code');
      expectValidation(await as.admin.get(`/api/villages/${own}?showIds=yes`), 'query.showIds');
    });

    it('needs a session', async () => {
      expectCode(await anon(`/api/villages/${own}`), 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('GET /api/households', () => {
    it('lists households a page at a time, head IDs masked, with code labels', async () => {
      const res = await as.admin.get(`/api/households?village=${own}&pageSize=5&page=2`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.page).toBe(2);
      expect(body.pageSize).toBe(5);
      expect(body.items).toHaveLength(5);
      expect(body.total).toBeGreaterThan(10);
      for (const h of body.items) {
        expect(h.villageCode).toBe(own);
        expect(h.headIdNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
        expect(typeof h.statusLabel).toBe('string');
      }
      const all = (await as.admin.get('/api/households?pageSize=1')).json();
      // Every code-list code comes with its Chinese and English label (the seeded lists have both).
      const codes = await server.store.db.selectFrom('code_lists').select(['list', 'code', 'label_zh', 'label_en']).execute();
      const label = (list: string, code: string) => codes.find((c) => c.list === list && c.code === code)!;
      for (const h of body.items) {
        for (const [property, list] of [
          ['attribute', 'attribute'],
          ['mainCause', 'cause'],
          ['status', 'status'],
        ] as const) {
          expect(h[`${property}Label`], property).toBe(label(list, h[property]).label_zh);
          expect(h[`${property}LabelEn`], property).toBe(label(list, h[property]).label_en);
          expect(h[`${property}LabelEn`], property).toMatch(/^[\x20-\x7e]+$/);
        }
        if (h.otherCauses)
          expect(h.otherCausesLabelEn).toBe(
            String(h.otherCauses)
              .split(',')
              .map((c: string) => label('cause', c).label_en)
              .join(', '),
          );
      }
      const count = await server.store.db
        .selectFrom('households')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(all.total).toBe(Number(count.n));
    });

    it('finds by household number, head name, full ID number, and status', async () => {
      const byNo = (await as.village.get(`/api/households?q=${ownHousehold.no}`)).json();
      expect(byNo.items.map((h: { householdNo: string }) => h.householdNo)).toContain(ownHousehold.no);
      const byName = (await as.village.get(`/api/households?q=${encodeURIComponent(ownHousehold.head)}`)).json();
      expect(byName.items.some((h: { householdNo: string }) => h.householdNo === ownHousehold.no)).toBe(true);
      for (const c of [as.admin, as.village, as.reviewer, as.inspector]) {
        const byId = (await c.get(`/api/households?q=${ownHousehold.headId}`)).json();
        expect(byId.items.map((h: { householdNo: string }) => h.householdNo)).toEqual([ownHousehold.no]);
      }
      const exited = (await as.admin.get(`/api/households?village=${own}&status=exited&pageSize=200`)).json();
      expect(exited.items.every((h: { status: string }) => h.status === 'exited')).toBe(true);
    });

    it('finds by part of an ID number for the office; others only by the parts a mask shows', async () => {
      const middle = ownHousehold.headId.slice(6, 14); // the birth date: masked
      const admin = (await as.admin.get(`/api/households?village=${own}&q=${middle}&pageSize=200`)).json();
      expect(admin.items.map((h: { householdNo: string }) => h.householdNo)).toContain(ownHousehold.no);
      const village = (await as.village.get(`/api/households?q=${middle}&pageSize=200`)).json();
      expect(village.items.map((h: { householdNo: string }) => h.householdNo)).not.toContain(ownHousehold.no);
      const last4 = ownHousehold.headId.slice(-4);
      const bySuffix = (await as.village.get(`/api/households?q=${last4}&pageSize=200`)).json();
      expect(bySuffix.items.map((h: { householdNo: string }) => h.householdNo)).toContain(ownHousehold.no);
    });

    it('keeps each role to its villages, whatever `village` says', async () => {
      const mine = (await as.village.get('/api/households?pageSize=200')).json();
      expect(mine.total).toBeGreaterThan(0);
      expect(mine.items.every((h: { villageCode: string }) => h.villageCode === own)).toBe(true);
      const reviewer = (await as.reviewer.get('/api/households?pageSize=200')).json();
      expect(reviewer.items.every((h: { villageCode: string }) => firstTownshipVillages.includes(h.villageCode))).toBe(true);
      const inspector = (await as.inspector.get('/api/households?pageSize=200')).json();
      expect(inspector.items.every((h: { villageCode: string }) => firstTownshipVillages.includes(h.villageCode))).toBe(true);
      for (const [c, code] of [
        [as.village, sibling],
        [as.village, foreign],
        [as.reviewer, foreign],
        [as.inspector, foreign],
        [as.otherVillage, own],
        [as.otherReviewer, own],
      ] as const) {
        expectCode(await c.get(`/api/households?village=${code}`), 404, 'not-found');
      }
      // A full ID number of another village's resident finds nothing.
      const other = (await as.otherVillage.get(`/api/households?q=${ownHousehold.headId}`)).json();
      expect(other).toMatchObject({ items: [], total: 0 });
      expect((await as.idleInspector.get('/api/households')).json()).toMatchObject({ items: [], total: 0 });
      expectCode(await as.viewer.get('/api/households'), 403, 'forbidden');
    });

    it('validates the query', async () => {
      expectValidation(await as.admin.get('/api/households?pageSize=500'), 'query.pageSize');
      expectValidation(await as.admin.get('/api/households?page=0'), 'query.page');
      expectValidation(await as.admin.get('/api/households?page=x'), 'query.page');
      expectValidation(await as.admin.get('/api/households?village=abc'), 'query.village');
      expectValidation(await as.admin.get(`/api/households?q=${'9'.repeat(51)}`), 'query.q');
      expectValidation(await as.admin.get('/api/households?showIds=1'), 'query.showIds');
      expect((await as.admin.get('/api/households?showIds=true&pageSize=1')).json().items[0].headIdNumber).toMatch(FULL_ID);
      expectCode(await as.reviewer.get('/api/households?showIds=true'), 403, 'forbidden');
    });

    it('needs a session', async () => {
      expectCode(await anon('/api/households'), 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('GET /api/households/:no', () => {
    it('shows a household with members, helpers and recent visits, IDs masked', async () => {
      for (const c of [as.admin, as.reviewer, as.inspector, as.village]) {
        const res = await c.get(`/api/households/${ownHousehold.no}`);
        expect(res.statusCode).toBe(200);
        const h = res.json();
        expect(h.householdNo).toBe(ownHousehold.no);
        expect(h.headIdNumber).not.toBe(ownHousehold.headId);
        expect(h.members.length).toBeGreaterThan(0);
        expect(h.members[0].relation).toBe('head');
        expect(h.members[0].relationLabel).toBe('户主');
        expect(h.members[0].relationLabelEn).toBe('head');
        expect(h.attributeLabelEn).toMatch(/household$/);
        for (const m of h.members) expect(m.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
        expect(Array.isArray(h.helpers)).toBe(true);
        for (const p of h.helpers) expect(typeof p.current).toBe('boolean');
        expect(h.visits.total).toBeGreaterThanOrEqual(h.visits.recent.length);
        expect(h.visits.recent.length).toBeLessThanOrEqual(20);
      }
      const full = (await as.admin.get(`/api/households/${ownHousehold.no}?showIds=true`)).json();
      expect(full.headIdNumber).toBe(ownHousehold.headId);
    });

    it('is not found outside the caller’s reach', async () => {
      for (const [c, no] of [
        [as.village, siblingHousehold],
        [as.village, foreignHousehold],
        [as.reviewer, foreignHousehold],
        [as.inspector, foreignHousehold],
        [as.otherVillage, ownHousehold.no],
        [as.otherReviewer, ownHousehold.no],
        [as.idleInspector, ownHousehold.no],
      ] as const) {
        const res = await c.get(`/api/households/${no}`);
        expectCode(res, 404, 'not-found');
        expect(res.body).not.toContain('members');
      }
      expectCode(await as.admin.get('/api/households/NO-SUCH'), 404, 'not-found');
      expectCode(await as.viewer.get(`/api/households/${ownHousehold.no}`), 403, 'forbidden');
      expectCode(await as.village.get(`/api/households/${ownHousehold.no}?showIds=true`), 403, 'forbidden');
    });

    it('validates the number', async () => {
      expectValidation(await as.admin.get(`/api/households/${'1'.repeat(41)}`), 'params.no');
      expectValidation(await as.admin.get(`/api/households/${ownHousehold.no}?showIds=maybe`), 'query.showIds');
    });

    it('needs a session', async () => {
      expectCode(await anon(`/api/households/${ownHousehold.no}`), 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('GET /api/work-teams and /api/helpers', () => {
    it('lists work teams with members, by village, in reach', async () => {
      const all = (await as.admin.get('/api/work-teams?pageSize=200')).json();
      expect(all.total).toBeGreaterThanOrEqual(30);
      const viewer = (await as.viewer.get('/api/work-teams?pageSize=200')).json();
      expect(viewer.total).toBe(all.total);
      const mine = (await as.village.get('/api/work-teams')).json();
      expect(mine.items.length).toBeGreaterThan(0);
      expect(mine.items.every((t: { villageCode: string }) => t.villageCode === own)).toBe(true);
      expect(mine.items[0].members[0].idNumber).toMatch(/\*{8}/);
      const reviewer = (await as.reviewer.get('/api/work-teams?pageSize=200')).json();
      expect(reviewer.items.every((t: { villageCode: string }) => firstTownshipVillages.includes(t.villageCode))).toBe(true);
      const one = (await as.admin.get(`/api/work-teams?village=${foreign}`)).json();
      expect(one.items.every((t: { villageCode: string }) => t.villageCode === foreign)).toBe(true);
      // Keyset pages (a province's teams): the same teams, members and all, in the same order; a reviewer's only in reach.
      for (const [who, by] of [
        [as.admin, all],
        [as.reviewer, reviewer],
      ] as const) {
        const walked: unknown[] = [];
        let after = '';
        for (let pages = 0; pages < 100; pages++) {
          const page = (await who.get(`/api/work-teams?limit=4${after ? `&after=${after}` : ''}`)).json();
          expect(page.total).toBe(by.total);
          walked.push(...page.items);
          if (!page.next) break;
          after = page.next;
        }
        expect(walked).toEqual(by.items);
      }
    });

    it('lists helpers with their households counts, IDs masked', async () => {
      const res = await as.village.get('/api/helpers?pageSize=10');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toBeGreaterThan(0);
      expect(body.items[0].idNumber).toMatch(/\*{8}/);
      expect(body.items[0].households).toBeGreaterThan(0);
      const admin = (await as.admin.get(`/api/helpers?village=${own}&pageSize=200`)).json();
      expect(admin.total).toBe(body.total);
      expectCode(await as.viewer.get('/api/helpers'), 403, 'forbidden');
      expect((await as.idleInspector.get('/api/helpers')).json()).toMatchObject({ items: [], total: 0 });
    });

    it('refuses a village outside the caller’s reach', async () => {
      for (const url of ['/api/work-teams', '/api/helpers']) {
        for (const [c, code] of [
          [as.village, sibling],
          [as.village, foreign],
          [as.reviewer, foreign],
          [as.inspector, foreign],
          [as.otherVillage, own],
        ] as const) {
          expectCode(await c.get(`${url}?village=${code}`), 404, 'not-found');
        }
      }
    });

    it('validates the query', async () => {
      for (const url of ['/api/work-teams', '/api/helpers']) {
        expectValidation(await as.admin.get(`${url}?pageSize=0`), 'query.pageSize');
        expectValidation(await as.admin.get(`${url}?village=1`), 'query.village');
        expectValidation(await as.admin.get(`${url}?limit=5&after=abc`), 'query.after');
        expectValidation(await as.admin.get(`${url}?limit=0`), 'query.limit');
      }
    });

    it('needs a session', async () => {
      expectCode(await anon('/api/work-teams'), 401, 'unauthenticated');
      expectCode(await anon('/api/helpers'), 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('GET /api/records/:kind', () => {
    it('lists every kind by village, newest first, in reach', async () => {
      for (const kind of RECORD_KINDS) {
        const res = await as.village.get(`/api/records/${kind}?pageSize=50`);
        expect(res.statusCode, `${kind}: ${res.body}`).toBe(200);
        const body = res.json();
        expect(
          body.items.every((r: { villageCode: string }) => r.villageCode === own),
          kind,
        ).toBe(true);
        const admin = (await as.admin.get(`/api/records/${kind}?village=${own}&pageSize=1`)).json();
        expect(admin.total, kind).toBe(body.total);
        const reviewer = (await as.reviewer.get(`/api/records/${kind}?pageSize=200`)).json();
        expect(
          reviewer.items.every((r: { villageCode: string }) => firstTownshipVillages.includes(r.villageCode)),
          kind,
        ).toBe(true);
      }
      const visits = (await as.admin.get(`/api/records/visits?village=${own}&pageSize=200`)).json();
      expect(visits.total).toBeGreaterThan(0);
      const dates = visits.items.map((v: { date: string }) => v.date);
      expect(dates).toEqual([...dates].sort().reverse());
      expect(visits.items[0].householdNo).toMatch(new RegExp(`^${own}`));
    });

    it('masks an ID number typed into a record unless the office asks for ID numbers', async () => {
      const typed = '522425196805120051';
      const visit = await server.store.db
        .selectFrom('visits')
        .innerJoin('households as h', 'h.id', 'visits.household_id')
        .select(['visits.id', 'h.household_no'])
        .where('h.village_code', '=', own)
        .orderBy('visits.date', 'desc')
        .executeTakeFirstOrThrow();
      await server.store.db
        .updateTable('visits')
        .set({ content: `核对户主身份证 ${typed}` })
        .where('id', '=', visit.id)
        .execute();
      const content = async (c: Client, url: string) => JSON.stringify((await c.get(url)).json());
      for (const c of [as.village, as.reviewer, as.inspector, as.admin]) {
        for (const url of [`/api/records/visits?village=${own}&pageSize=200`, `/api/households/${visit.household_no}`]) {
          const body = await content(c, url);
          expect(body, url).not.toContain(typed);
          expect(body, url).toContain('522425********0051');
        }
      }
      expect(await content(as.admin, `/api/records/visits?village=${own}&pageSize=200&showIds=true`)).toContain(typed);
      expect(await content(as.admin, `/api/households/${visit.household_no}?showIds=true`)).toContain(typed);
    });

    it('narrows by period (dates, months and years alike)', async () => {
      const visits = (await as.admin.get(`/api/records/visits?village=${own}&from=2020-03-01&to=2020-03-31&pageSize=200`)).json();
      expect(visits.items.every((v: { date: string }) => v.date >= '2020-03-01' && v.date <= '2020-03-31')).toBe(true);
      const all = (await as.admin.get(`/api/records/visits?village=${own}&pageSize=1`)).json();
      expect(visits.total).toBeLessThan(all.total);
      const duty = (await as.admin.get(`/api/records/duty-days?village=${own}&from=2020-03-01&to=2020-04-30&pageSize=200`)).json();
      expect(duty.items.every((d: { month: string }) => d.month === '2020-03' || d.month === '2020-04')).toBe(true);
      const duties = (await as.admin.get(`/api/records/leader-duties?from=2031-01-01`)).json();
      expect(duties.total).toBe(0);
    });

    it('refuses a village outside the caller’s reach, for every kind', async () => {
      for (const kind of RECORD_KINDS) {
        for (const [c, code] of [
          [as.village, sibling],
          [as.village, foreign],
          [as.reviewer, foreign],
          [as.inspector, foreign],
          [as.otherVillage, own],
        ] as const) {
          expectCode(await c.get(`/api/records/${kind}?village=${code}`), 404, 'not-found');
        }
        expectCode(await as.viewer.get(`/api/records/${kind}`), 403, 'forbidden');
      }
    });

    it('validates kind and query', async () => {
      expectValidation(await as.admin.get('/api/records/households'), 'params.kind');
      expectValidation(await as.admin.get('/api/records/visits?from=2020-3-1'), 'query.from');
      expectValidation(await as.admin.get('/api/records/visits?from=2020-05-01&to=2020-04-01'), 'query.to');
      expectValidation(await as.admin.get('/api/records/visits?pageSize=201'), 'query.pageSize');
    });

    it('needs a session', async () => {
      expectCode(await anon('/api/records/visits'), 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('GET /api/kinds', () => {
    it('describes every kind with its Chinese headers, for any signed-in user', async () => {
      for (const c of [as.admin, as.reviewer, as.inspector, as.village, as.viewer]) {
        const res = await c.get('/api/kinds');
        expect(res.statusCode).toBe(200);
        const households = res.json().kinds.find((k: { kind: string }) => k.kind === 'households');
        expect(households.title.zh).toBe('贫困户');
        const head = households.fields.find((f: { key: string }) => f.key === 'head_id_number');
        expect(head).toMatchObject({ header: '户主身份证号', property: 'headIdNumber', type: 'idNumber', required: true });
      }
    });

    it('needs a session', async () => {
      expectCode(await anon('/api/kinds'), 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('POST /api/imports/:kind and the errors file', () => {
    const header = '户编号,走访人类型,走访人姓名,走访人身份证号,走访日期,走访内容';
    const upload = (c: Client, kind: string, form: ReturnType<typeof multipart>) => c.request('POST', `/api/imports/${kind}`, form.payload, form.headers);

    it('imports a small CSV in a worker, and a dry run writes nothing', async () => {
      const csv = `${header}\n${ownHousehold.no},帮扶责任人,导入测试,,2020-06-01,测试走访\n`;
      const dry = await upload(as.admin, 'visits', multipart({ dryRun: 'true' }, { name: '走访.csv', content: csv }));
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json()).toMatchObject({ kind: 'visits', file: '走访.csv', rows: 1, dryRun: true, committed: false, problems: [] });
      const before = await server.store.db.selectFrom('visits').select('id').where('visitor_name', '=', '导入测试').execute();
      expect(before).toHaveLength(0);
      const real = await upload(as.admin, 'visits', multipart({}, { name: '走访.csv', content: csv }));
      expect(real.json()).toMatchObject({ committed: true, inserted: 1, updated: 0 });
      expect(real.json().errorsFile).toBeUndefined();
      const after = await server.store.db.selectFrom('visits').select('household_id').where('visitor_name', '=', '导入测试').execute();
      expect(after).toEqual([{ household_id: ownHousehold.id }]);
      // The imports so far, newest first: the committed one (the dry run is not one).
      const history = await as.admin.get('/api/imports');
      expect(history.statusCode, history.body).toBe(200);
      expect(history.json().items[0]).toMatchObject({ kind: 'visits', file: '走访.csv', rows: 1, inserted: 1, updated: 0 });
      expect(history.json().items.filter((e: { file: string }) => e.file === '走访.csv')).toHaveLength(1);
      await upload(as.admin, 'visits', multipart({}, { name: '走访2.csv', content: csv }));
      const first = (await as.admin.get('/api/imports?limit=1')).json();
      expect(first.items.map((e: { file: string }) => e.file)).toEqual(['走访2.csv']);
      expect(first.next).toMatch(/^\d+$/);
      const second = (await as.admin.get(`/api/imports?limit=1&after=${first.next}`)).json();
      expect(second.items[0]).toMatchObject({ file: '走访.csv', inserted: 1 });
      expectValidation(await as.admin.get('/api/imports?after=abc'), 'query.after');
      expectValidation(await as.admin.get('/api/imports?limit=0'), 'query.limit');
      for (const c of [as.reviewer, as.inspector, as.village, as.viewer]) expectCode(await c.get('/api/imports'), 403, 'forbidden');
      expectCode(await anon('/api/imports'), 401, 'unauthenticated');
    });

    it('answers a rejected file with its problems (IDs masked) and an errors file for the importer', async () => {
      const badId = idWith('52242519850707003').replace(/.$/, (c) => (c === '1' ? '2' : '1')); // wrong check character
      const csv = [
        header,
        `${ownHousehold.no},帮扶责任人,错误身份证,${badId},2020-06-02,`,
        `${ownHousehold.no},帮扶责任人,错误日期,,2020-13-01,`,
        `NO-SUCH-HOUSEHOLD,帮扶责任人,无此户,,2020-06-03,`,
      ].join('\n');
      const res = await upload(as.admin, 'visits', multipart({ dryRun: 'false' }, { name: 'bad.csv', content: csv }));
      expect(res.statusCode, res.body).toBe(200);
      const report = res.json();
      expect(report.committed).toBe(false);
      expect(report.inserted).toBe(0);
      expect(report.problems.length).toBeGreaterThanOrEqual(3);
      for (const p of report.problems) {
        expect(p.row).toBeGreaterThan(1);
        expect(typeof p.column).toBe('string');
        expect(typeof p.message).toBe('string');
      }
      const idProblem = report.problems.find((p: { column: string }) => p.column.includes('走访人身份证号'));
      expect(idProblem.value).toBe(`${badId.slice(0, 6)}********${badId.slice(-4)}`);
      expect(res.body).not.toMatch(FULL_ID);
      expect(res.body).not.toContain('upload-'); // the temporary copy's name
      expect(report.errorsFile).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const file = await as.admin.get(`/api/imports/errors/${report.errorsFile}`);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toContain('spreadsheetml');
      expect(String(file.headers['content-disposition'])).toContain("filename*=UTF-8''bad-");
      expect(file.rawPayload.subarray(0, 2).toString()).toBe('PK');
      // Another administrator's token is not yours; other roles may not ask at all.
      expectCode(await as.admin2.get(`/api/imports/errors/${report.errorsFile}`), 404, 'not-found');
      for (const c of [as.reviewer, as.inspector, as.village, as.viewer]) expectCode(await c.get(`/api/imports/errors/${report.errorsFile}`), 403, 'forbidden');
      expectCode(await as.admin.get(`/api/imports/errors/${'A'.repeat(43)}`), 404, 'not-found');
      expectValidation(await as.admin.get('/api/imports/errors/short'), 'params.token');
      expectCode(await anon(`/api/imports/errors/${report.errorsFile}`), 401, 'unauthenticated');
    });

    it('answers a file without the kind’s columns with a whole-file problem', async () => {
      const res = await upload(as.admin, 'visits', multipart({}, { name: 'wrong.csv', content: '姓名,年龄\n张三,30\n' }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ committed: false, problems: [{ row: 0 }] });
      expect(res.json().problems[0].message).toContain('wrong.csv');
    });

    it('validates kind, file and dryRun', async () => {
      const csv = `${header}\n`;
      expectValidation(await upload(as.admin, 'nonsense', multipart({}, { name: 'a.csv', content: csv })), 'params.kind');
      expectValidation(await upload(as.admin, 'visits', multipart({ dryRun: 'true' })), 'body.file');
      expectValidation(await upload(as.admin, 'visits', multipart({}, { name: 'a.csv', content: csv, field: 'other' })), 'body.file');
      expectValidation(await upload(as.admin, 'visits', multipart({ dryRun: 'maybe' }, { name: 'a.csv', content: csv })), 'body.dryRun');
      expectValidation(await as.admin.post('/api/imports/visits', { file: 'x' }), 'body.file');
      expectCode(await upload(as.admin, 'visits', multipart({}, { name: 'old.xls', content: 'x' })), 400, 'unsupported-format');
    });

    it('is for the office only', async () => {
      const form = multipart({}, { name: 'a.csv', content: `${header}\n` });
      for (const c of [as.reviewer, as.inspector, as.village, as.viewer]) expectCode(await upload(c, 'visits', form), 403, 'forbidden');
      const res = await server.app.inject({ method: 'POST', url: '/api/imports/visits', payload: form.payload, headers: form.headers });
      expectCode(res, 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('GET /api/exports/:kind and /api/templates/:kind', () => {
    it('exports a kind for the office, IDs masked unless asked for', async () => {
      const csv = await as.admin.get('/api/exports/households?format=csv');
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(String(csv.headers['content-disposition'])).toMatch(/^attachment; filename="households\.csv"; filename\*=UTF-8''/);
      expect(csv.body).toContain('户主身份证号');
      expect(csv.body).toContain(`${ownHousehold.headId.slice(0, 6)}********${ownHousehold.headId.slice(-4)}`);
      expect(csv.body).not.toMatch(FULL_ID);
      const full = await as.admin.get('/api/exports/households?format=csv&showIds=true');
      expect(full.body).toContain(ownHousehold.headId);
      const xlsx = await as.admin.get('/api/exports/visits');
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.headers['content-type']).toContain('spreadsheetml');
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
      // Three exports, each a worker thread that loads the TypeScript sources (8 s alone; past 30 s
      // once on a loaded two-core CI machine).
    }, 120_000);

    it('refuses exports (and full IDs) to every other role', async () => {
      for (const c of [as.reviewer, as.inspector, as.village, as.viewer]) {
        expectCode(await c.get('/api/exports/households'), 403, 'forbidden');
        expectCode(await c.get('/api/exports/households?showIds=true'), 403, 'forbidden');
      }
      expectCode(await anon('/api/exports/households'), 401, 'unauthenticated');
    });

    it('validates the export', async () => {
      expectValidation(await as.admin.get('/api/exports/households?format=pdf'), 'query.format');
      expectValidation(await as.admin.get('/api/exports/households?showIds=yes'), 'query.showIds');
      expectValidation(await as.admin.get('/api/exports/nonsense'), 'params.kind');
    });

    it('gives any signed-in user a template', async () => {
      for (const c of [as.admin, as.reviewer, as.inspector, as.village, as.viewer]) {
        const res = await c.get('/api/templates/visits');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toContain('spreadsheetml');
        expect(String(res.headers['content-disposition'])).toContain('visits-template.xlsx');
        expect(res.rawPayload.subarray(0, 2).toString()).toBe('PK');
      }
      expectValidation(await as.admin.get('/api/templates/nonsense'), 'params.kind');
      expectCode(await anon('/api/templates/visits'), 401, 'unauthenticated');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('OpenAPI', () => {
    it('describes every registry route with its parameters', async () => {
      const doc = (await anon('/api/docs')).json();
      for (const path of [
        '/api/areas',
        '/api/villages/{code}',
        '/api/households',
        '/api/households/{no}',
        '/api/work-teams',
        '/api/helpers',
        '/api/records/{kind}',
        '/api/kinds',
        '/api/imports/{kind}',
        '/api/imports/errors/{token}',
        '/api/exports/{kind}',
        '/api/templates/{kind}',
      ]) {
        expect(doc.paths[path], path).toBeDefined();
      }
      const search = doc.paths['/api/households'].get;
      expect(search.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['village', 'q', 'status', 'page', 'pageSize']));
      expect(doc.paths['/api/imports/{kind}'].post.requestBody.content).toHaveProperty(['multipart/form-data']);
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('role matrix', () => {
    const ALL = { admin: 200, reviewer: 200, inspector: 200, village: 200, viewer: 200 };
    const RESIDENTS = { admin: 200, reviewer: 200, inspector: 200, village: 200, viewer: 403 };
    const OFFICE = { admin: 200, reviewer: 403, inspector: 403, village: 403, viewer: 403 };
    it('answers each role on each route as the policy says', async () => {
      const routes: Array<[string, Record<Role, number>]> = [
        ['/api/areas', ALL],
        [`/api/villages/${own}`, ALL],
        ['/api/households', RESIDENTS],
        [`/api/households/${ownHousehold.no}`, RESIDENTS],
        ['/api/work-teams', ALL],
        ['/api/helpers', RESIDENTS],
        ...RECORD_KINDS.map((k) => [`/api/records/${k}`, RESIDENTS] as [string, Record<Role, number>]),
        ['/api/kinds', ALL],
        ['/api/exports/reports?format=csv', OFFICE],
        ['/api/templates/reports', ALL],
        [`/api/imports/errors/${'B'.repeat(43)}`, { ...OFFICE, admin: 404 }],
      ];
      for (const [url, expected] of routes) {
        for (const role of Object.keys(expected) as Role[]) {
          const res = await as[role].get(url);
          expect(res.statusCode, `${role} GET ${url}: ${res.body.slice(0, 200)}`).toBe(expected[role]);
        }
      }
      // POST /api/imports/:kind: the office only (an empty multipart body is then a validation error).
      const empty = multipart({});
      for (const role of ['admin', 'reviewer', 'inspector', 'village', 'viewer'] as Role[]) {
        const res = await as[role].request('POST', '/api/imports/visits', empty.payload, empty.headers);
        expect(res.statusCode, role).toBe(role === 'admin' ? 400 : 403);
      }
    });
  });

  // Last: every response gathered above that did not ask for ID numbers in full.
  describe('ID numbers', () => {
    it('never appear in full in a response that did not ask for them', () => {
      expect(seen.length).toBeGreaterThan(100);
      const leaks = seen.filter((r) => FULL_ID.test(r.body)).map((r) => r.url);
      expect(leaks).toEqual([]);
    });
  });
});

describe.each(storeTargets())('import errors files expire ($dialect)', (target) => {
  it('keeps an errors file for an hour', async () => {
    let now = Date.now();
    const server = await startServer(target, { clock: () => new Date(now) });
    try {
      await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'office', role: 'admin', password: 'a-long-test-password' });
      const admin = await signIn(server.app, 'office', 'a-long-test-password');
      const csv = '区划代码,名称,级别,上级区划代码\n522425000000,青山县,县,\n52242510000X,坏代码,乡镇,522425000000\n';
      const form = multipart({}, { name: 'areas.csv', content: csv });
      const report = (await admin.request('POST', '/api/imports/areas', form.payload, form.headers)).json();
      expect(report.committed).toBe(false);
      expect(report.errorsFile).toBeDefined();
      now += 59 * 60_000;
      expect((await admin.get(`/api/imports/errors/${report.errorsFile}`)).statusCode).toBe(200);
      now += 2 * 60_000;
      expectCode(await admin.get(`/api/imports/errors/${report.errorsFile}`), 404, 'not-found');
    } finally {
      await server.close();
    }
  });
});
