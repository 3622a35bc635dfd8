/**
 * Scheme API on SQLite and PostgreSQL: built-in schemes and stored versions as data, the linter
 * (every problem, never an error for a bad scheme), storing versions, and the structural diff;
 * validation, sessions and the role matrix for each route.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, signIn, type Client, type TestServer } from '../../../test/http.ts';
import { storeTargets } from '../../../test/stores.ts';
import { loadScheme } from '../../core/scheme/load.ts';
import { BUILTIN_DIR, DEFAULT_SCHEME_ID } from '../../schemes/index.ts';
import { firstStart } from '../../services/bootstrap.service.ts';
import type { Role } from '../../services/policies.ts';
import { diffSchemes } from '../../core/scheme/diff.ts';

const ROLES: Role[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer'];
const seedText = readFileSync(join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.yaml`), 'utf8');

/** Version 2 of the seed: 1.1 deducts 3 a time, 1.2 has a new title, 1.3 became 1.4. */
function seedV2(): string {
  const replaceOnce = (text: string, from: string | RegExp, to: string) => {
    const out = text.replace(from, to);
    if (out === text) throw new Error(`seedV2: ${String(from)} not found`);
    return out;
  };
  let t = replaceOnce(seedText, /^version: 1$/m, 'version: 2');
  t = replaceOnce(t, /(code: "1\.1"[\s\S]*?rule: \{ kind: perOccurrence, amount: )2( \})/, '$13$2');
  t = replaceOnce(t, 'title: { zh: 扶贫工作室, en: Poverty-work office }', 'title: { zh: 扶贫工作办公室, en: Poverty-work office }');
  t = replaceOnce(t, 'code: "1.3"', 'code: "1.4"');
  return t;
}

function expectValidation(res: LightMyRequestResponse, field: string) {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().error.code).toBe('validation');
  expect(res.json().error.message).toContain(field);
}

function expectCode(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

describe('diffSchemes', () => {
  it('finds added, removed and changed nodes with the fields that changed', () => {
    const a = loadScheme(seedText);
    const b = loadScheme(seedV2());
    const d = diffSchemes(a, b);
    expect(d.scheme).toEqual([{ field: 'version', before: 1, after: 2 }]);
    expect(d.added.map((n) => n.code)).toEqual(['1.4']);
    expect(d.added[0]).toMatchObject({ parent: '1', points: 10, rule: { kind: 'perOccurrence', amount: 2 } });
    expect(d.removed.map((n) => n.code)).toEqual(['1.3']);
    expect(d.changed).toEqual([
      { code: '1.1', title: '组织机构和工作计划', changes: [{ field: 'rule.amount', before: 2, after: 3 }] },
      { code: '1.2', title: '扶贫工作办公室', changes: [{ field: 'title.zh', before: '扶贫工作室', after: '扶贫工作办公室' }] },
    ]);
    expect(diffSchemes(a, a)).toEqual({ scheme: [], added: [], removed: [], changed: [] });
  });
});

describe.each(storeTargets())('scheme API ($dialect)', (target) => {
  let server: TestServer;
  const as = {} as Record<Role, Client>;
  let seedVersionId: number;
  let anon: (url: string, method?: 'GET' | 'POST', payload?: object) => Promise<LightMyRequestResponse>;

  beforeAll(async () => {
    server = await startServer(target);
    const started = (await firstStart(server.app.services))!;
    for (const role of ROLES) as[role] = await signIn(server.app, role, started.credentials.find((c) => c.role === role)!.password);
    seedVersionId = (await server.store.db.selectFrom('scheme_versions').select('id').executeTakeFirstOrThrow()).id;
    anon = (url, method = 'GET', payload) => server.app.inject({ method, url, ...(payload ? { payload } : {}) });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  describe('GET /api/schemes', () => {
    it('lists built-in schemes and stored versions, for every role', async () => {
      for (const role of ROLES) {
        const res = await as[role].get('/api/schemes');
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.builtin).toContainEqual(expect.objectContaining({ id: 'seed-2020', version: 1, title: expect.objectContaining({ zh: '脱贫攻坚考核方案考核细则' }) }));
        expect(body.builtin.map((s: { id: string }) => s.id)).not.toContain('seed-2020.derive');
        expect(body.versions).toContainEqual(expect.objectContaining({ id: seedVersionId, schemeId: 'seed-2020', version: 1 }));
      }
    });

    it('needs a session', async () => {
      expectCode(await anon('/api/schemes'), 401, 'unauthenticated');
    });
  });

  describe('GET /api/schemes/:id', () => {
    it('gives a built-in scheme as data with reading notes', async () => {
      for (const role of ROLES) {
        const res = await as[role].get('/api/schemes/seed-2020');
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.scheme.id).toBe('seed-2020');
        expect(body.scheme.sections[0].code).toBe('1');
        expect(body.scheme.sections[0].children[0].points).toBe(6);
        expect(body.notes[0].message).toContain('基础分');
      }
      const en = (await as.viewer.get('/api/schemes/seed-2020?lang=en')).json();
      expect(en.notes[0].message).toContain('base');
    });

    it('is not found for an unknown id or a derivation file', async () => {
      expectCode(await as.admin.get('/api/schemes/no-such'), 404, 'unknown-scheme');
      expectCode(await as.admin.get('/api/schemes/seed-2020.derive'), 404, 'unknown-scheme');
    });

    it('validates the id and the language', async () => {
      expectValidation(await as.admin.get('/api/schemes/..%2Fseed-2020'), 'params.id');
      expectValidation(await as.admin.get('/api/schemes/seed-2020?lang=fr'), 'query.lang');
    });

    it('needs a session', async () => {
      expectCode(await anon('/api/schemes/seed-2020'), 401, 'unauthenticated');
    });
  });

  describe('GET /api/scheme-versions/:vid', () => {
    it('gives a stored version as data, with its source and derivation text', async () => {
      for (const role of ROLES) {
        const res = await as[role].get(`/api/scheme-versions/${seedVersionId}`);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body).toMatchObject({ id: seedVersionId, schemeId: 'seed-2020', version: 1, createdBy: 'system' });
        expect(body.sourceText).toBe(seedText);
        expect(body.deriveText).toContain('2.2.1');
        expect(body.scheme.sections.length).toBeGreaterThan(0);
        expect(body.notes.length).toBeGreaterThan(0);
      }
    });

    it('is not found for an unknown version; validates the id', async () => {
      expectCode(await as.admin.get('/api/scheme-versions/99999'), 404, 'not-found');
      expectValidation(await as.admin.get('/api/scheme-versions/abc'), 'params.vid');
      expectValidation(await as.admin.get('/api/scheme-versions/0'), 'params.vid');
    });

    it('needs a session', async () => {
      expectCode(await anon(`/api/scheme-versions/${seedVersionId}`), 401, 'unauthenticated');
    });
  });

  describe('POST /api/schemes/lint', () => {
    it('answers a good scheme with notes, for every role', async () => {
      for (const role of ROLES) {
        const res = await as[role].post('/api/schemes/lint', { text: seedText });
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.ok).toBe(true);
        expect(body.problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
        expect(body.notes.length).toBeGreaterThan(0);
        expect(body.scheme).toMatchObject({ id: 'seed-2020', version: 1 });
      }
    });

    it('answers a bad scheme with every problem, its line, column and node (200, not an error)', async () => {
      const duplicate = seedText.replace('code: "1.2"', 'code: "1.1"');
      const res = await as.village.post('/api/schemes/lint', { text: duplicate });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.ok).toBe(false);
      expect(body.scheme).toBeNull();
      const dup = body.problems.find((p: { code: string }) => p.code === 'duplicate-code');
      expect(dup).toMatchObject({ severity: 'error', node: '1.1' });
      expect(dup.line).toBeGreaterThan(1);
      expect(dup.column).toBeGreaterThan(0);
      expect(dup.file).toBeUndefined();

      const syntax = (await as.viewer.post('/api/schemes/lint', { text: 'id: x\n  version: [1,\n' })).json();
      expect(syntax.ok).toBe(false);
      expect(syntax.problems[0]).toMatchObject({ severity: 'error', code: 'syntax' });
      expect(syntax.problems[0].line).toBeGreaterThan(0);

      for (const text of ['just a string', '- a\n- list', '{}', 'sections: 5', '\u0000\u0001binary', 'a: &x [*x]']) {
        const r = await as.viewer.post('/api/schemes/lint', { text });
        expect(r.statusCode, text).toBe(200);
        expect(r.json().ok).toBe(false);
        expect(r.json().problems.length).toBeGreaterThan(0);
      }
    });

    it('validates the body', async () => {
      expectValidation(await as.admin.post('/api/schemes/lint', {}), 'body.text');
      expectValidation(await as.admin.post('/api/schemes/lint', { text: 5 }), 'body.text');
      expectValidation(await as.admin.post('/api/schemes/lint', { text: '' }), 'body.text');
      expectValidation(await as.admin.post('/api/schemes/lint', { text: 'x', lang: 'de' }), 'body.lang');
    });

    it('needs a session', async () => {
      expectCode(await anon('/api/schemes/lint', 'POST', { text: seedText }), 401, 'unauthenticated');
    });
  });

  describe('POST /api/scheme-versions and the diff', () => {
    let v2: number;

    it('stores a version for the office; the same text again is the same version', async () => {
      const res = await as.admin.post('/api/scheme-versions', { text: seedV2() });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ schemeId: 'seed-2020', version: 2, created: true });
      v2 = res.json().id;
      const again = await as.admin.post('/api/scheme-versions', { text: seedV2() });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: v2, created: false });
    });

    it('refuses another text under a stored version, and an invalid scheme', async () => {
      expectCode(await as.admin.post('/api/scheme-versions', { text: seedV2().replace('扶贫工作办公室', '扶贫办') }), 409, 'scheme-version-exists');
      const bad = await as.admin.post('/api/scheme-versions', { text: seedText.replace('code: "1.2"', 'code: "1.1"').replace(/^version: 1$/m, 'version: 3') });
      expectCode(bad, 400, 'invalid-scheme');
      expect(bad.json().error.details.some((p: { code: string }) => p.code === 'duplicate-code')).toBe(true);
      expectCode(await as.admin.post('/api/scheme-versions', { text: seedV2().replace(/^version: 2$/m, 'version: 4'), deriveText: 'rules: [' }), 400, 'invalid-derive-config');
    });

    it('is for the office only', async () => {
      for (const role of ROLES.filter((r) => r !== 'admin')) {
        expectCode(await as[role].post('/api/scheme-versions', { text: seedV2().replace(/^version: 2$/m, 'version: 5') }), 403, 'forbidden');
      }
      expectCode(await anon('/api/scheme-versions', 'POST', { text: seedText }), 401, 'unauthenticated');
    });

    it('validates the body', async () => {
      expectValidation(await as.admin.post('/api/scheme-versions', {}), 'body.text');
      expectValidation(await as.admin.post('/api/scheme-versions', { text: seedText, deriveText: 7 }), 'body.deriveText');
    });

    it('stores a scheme given as data (the form editor), written out as YAML the YAML editor opens', async () => {
      const data = (await as.admin.get('/api/schemes/seed-2020')).json().scheme as Record<string, unknown>;
      const v6 = { ...data, version: 6, title: '表单编辑的细则' };
      const res = await as.admin.post('/api/scheme-versions', { data: v6, deriveText: null });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ schemeId: 'seed-2020', version: 6, created: true });
      const stored = (await as.admin.get(`/api/scheme-versions/${res.json().id}`)).json();
      // YAML, not JSON: an office opens it in the YAML editor.
      expect(stored.sourceText).toMatch(/^id: seed-2020\nversion: 6\ntitle: 表单编辑的细则\n/);
      expect(stored.sourceText).not.toContain('{"');
      expect(loadScheme(stored.sourceText)).toEqual({ ...loadScheme(seedText), version: 6, title: { zh: '表单编辑的细则' } });
      expect(stored.scheme).toEqual(v6);
      // The same data again is the same version; other data under it is refused.
      const again = await as.admin.post('/api/scheme-versions', { data: v6 });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: res.json().id, created: false });
      expectCode(await as.admin.post('/api/scheme-versions', { data: { ...v6, title: '另一个标题' } }), 409, 'scheme-version-exists');
    });

    it('refuses bad data with the problems bad text gets, and stores nothing', async () => {
      const data = (await as.admin.get('/api/schemes/seed-2020')).json().scheme as { sections: Array<{ children: Array<{ code: string }> }> };
      const before = (await as.admin.get('/api/schemes')).json().versions.length;
      const dup = structuredClone(data);
      dup.sections[0]!.children[1]!.code = dup.sections[0]!.children[0]!.code;
      const byData = await as.admin.post('/api/scheme-versions', { data: { ...dup, version: 7 } });
      const byText = await as.admin.post('/api/scheme-versions', { text: seedText.replace('code: "1.2"', 'code: "1.1"').replace(/^version: 1$/m, 'version: 7') });
      expectCode(byData, 400, 'invalid-scheme');
      expectCode(byText, 400, 'invalid-scheme');
      const what = (r: LightMyRequestResponse) => r.json().error.details.map((p: { code: string; node?: string; severity: string }) => [p.severity, p.code, p.node]);
      expect(what(byData)).toEqual(what(byText));
      expect(what(byData)).toContainEqual(['error', 'duplicate-code', '1.1']);
      // A shape problem (a rule kind misspelled, a title missing) names the node too.
      const shape = structuredClone(data) as unknown as { version: number; sections: Array<{ title?: unknown; children: Array<{ rule: { kind: string } }> }> };
      shape.version = 8;
      shape.sections[0]!.children[0]!.rule.kind = 'perOccurence';
      delete shape.sections[1]!.title;
      const bad = await as.admin.post('/api/scheme-versions', { data: shape });
      expectCode(bad, 400, 'invalid-scheme');
      expect(bad.json().error.details.map((p: { code: string }) => p.code)).toContain('shape');
      expect((await as.admin.get('/api/schemes')).json().versions.length).toBe(before);
    });

    it('takes the scheme as text or as data, not both, not neither; data is an object', async () => {
      expectValidation(await as.admin.post('/api/scheme-versions', { text: seedText, data: { id: 'x' } }), 'body.text');
      expectValidation(await as.admin.post('/api/scheme-versions', { deriveText: null }), 'body.text');
      expectValidation(await as.admin.post('/api/scheme-versions', { data: [1, 2] }), 'body.data');
      expectValidation(await as.admin.post('/api/scheme-versions', { data: 'id: x' }), 'body.data');
    });

    it('stores data for the office only', async () => {
      const data = (await as.admin.get('/api/schemes/seed-2020')).json().scheme as Record<string, unknown>;
      for (const role of ROLES.filter((r) => r !== 'admin')) {
        expectCode(await as[role].post('/api/scheme-versions', { data: { ...data, version: 9 } }), 403, 'forbidden');
      }
      expectCode(await anon('/api/scheme-versions', 'POST', { data }), 401, 'unauthenticated');
    });

    it('diffs two stored versions, for every role', async () => {
      for (const role of ROLES) {
        const res = await as[role].get(`/api/scheme-versions/${seedVersionId}/diff/${v2}`);
        expect(res.statusCode, res.body).toBe(200);
        const d = res.json();
        expect(d.from).toMatchObject({ id: seedVersionId, version: 1 });
        expect(d.to).toMatchObject({ id: v2, version: 2 });
        expect(d.added.map((n: { code: string }) => n.code)).toEqual(['1.4']);
        expect(d.removed.map((n: { code: string }) => n.code)).toEqual(['1.3']);
        expect(d.changed.find((c: { code: string }) => c.code === '1.1').changes).toEqual([{ field: 'rule.amount', before: 2, after: 3 }]);
      }
      const back = (await as.admin.get(`/api/scheme-versions/${v2}/diff/${seedVersionId}`)).json();
      expect(back.added.map((n: { code: string }) => n.code)).toEqual(['1.3']);
    });

    it('validates the diff’s ids; unknown versions are not found', async () => {
      expectValidation(await as.admin.get(`/api/scheme-versions/0/diff/${seedVersionId}`), 'params.a');
      expectValidation(await as.admin.get(`/api/scheme-versions/${seedVersionId}/diff/x`), 'params.b');
      expectCode(await as.admin.get(`/api/scheme-versions/${seedVersionId}/diff/99999`), 404, 'not-found');
      expectCode(await anon(`/api/scheme-versions/${seedVersionId}/diff/${seedVersionId}`), 401, 'unauthenticated');
    });
  });
});
