/** The error answers: status by code, the catalogue's text by language, a crashed worker as internal 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../test/http.ts';
import { storeTargets } from '../../test/stores.ts';
import { ERROR_CODES, KaoheError } from '../core/errors.ts';
import { ERROR_MESSAGES } from '../core/error-messages.ts';
import { parseDeriveConfig } from '../core/derivation/config.ts';
import { loadScheme, parseScheme } from '../core/scheme/load.ts';
import { SchemeError } from '../core/scheme/problems.ts';
import { VALID_SCHEME } from '../core/scheme/test-scheme.ts';
import { FindingsError } from '../core/scoring/score.ts';
import { reportInWorker } from './report-in-worker.ts';
import { STATUS, errorResponse } from './server.ts';

describe('errorResponse', () => {
  it('has a status for every code; only internal and busy are 5xx', () => {
    expect(Object.keys(STATUS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect(STATUS[code], code).toBeGreaterThanOrEqual(400);
    expect(STATUS.internal).toBe(500);
    expect(ERROR_CODES.filter((c) => STATUS[c] >= 500).sort()).toEqual(['busy', 'internal']);
  });

  it('answers our refusals by their status, and anything else as internal 500 without its message', () => {
    expect(errorResponse(new KaoheError('locked', 'wait', { until: 'x' }), 'zh')).toMatchObject({
      status: 429,
      body: { error: { code: 'locked', message: 'wait', text: ERROR_MESSAGES.locked.zh, details: { until: 'x' } } },
    });
    const crash = errorResponse(new Error('ENOENT: /srv/secret/path'), 'en');
    expect(crash.status).toBe(500);
    expect(crash.body.error.code).toBe('internal');
    expect(crash.body.error.text).toBe(ERROR_MESSAGES.internal.en);
    expect(crash.body.error.message).not.toMatch(/secret/);
    expect(crash.log?.message).toMatch(/secret/);
    const internal = errorResponse(new KaoheError('internal', 'the report worker stopped (exit code 1)'), 'zh');
    expect(internal.status).toBe(500);
    expect(internal.body.error.message).not.toMatch(/exit code/);
  });

  it("says a scheme's, a derivation configuration's and findings' problems in the reader's language, led by their line", () => {
    const bad = parseScheme(VALID_SCHEME.replace('points: 6', 'points: 7'), 'x.yaml');
    const scheme = errorResponse(new SchemeError(bad.problems), 'zh');
    expect(scheme.status).toBe(400);
    const [first] = scheme.body.error.details as Array<{ code: string; text: string }>;
    expect(first).toMatchObject({ code: 'uneven-children' });
    expect(first!.text).toMatch(/^第\d+行：下级分值合计11分，不等于10分/);
    const derive = parseDeriveConfig('scheme: other\nrules: {}\n', { scheme: loadScheme(VALID_SCHEME) });
    const said = errorResponse(new KaoheError('invalid-derive-config', 'x', derive.problems), 'zh').body.error.details as Array<{ text: string }>;
    expect(said.map((d) => d.text)).toEqual(['第1行：此配置属于考核细则 other，不是 t']);
    const en = errorResponse(new KaoheError('invalid-derive-config', 'x', derive.problems), 'en').body.error.details as Array<{ text: string }>;
    expect(en.map((d) => d.text)).toEqual(['line 1: the configuration is for scheme other, not t']);
    const findings = errorResponse(new FindingsError([{ index: 0, item: '9.9', field: 'item', code: 'unknown-item', message: 'no item 9.9 in the scheme' }]), 'zh');
    expect((findings.body.error.details as Array<{ text: string }>)[0]!.text).toBe('考核细则中没有考核项目 9.9');
  });

  it('answers a report worker that crashes (its store cannot be opened) as internal 500', async () => {
    const failed = await reportInWorker(
      { url: '/dev/null/no-such-dir/kaohe.db' },
      {
        actor: { user: 'admin', role: 'admin' },
        campaignId: 1,
        kind: 'summary',
        request: {},
        now: new Date().toISOString(),
        evidenceRoot: '/dev/null/no-such-dir/evidence',
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(KaoheError);
    expect((failed as KaoheError).code).toBe('internal');
    expect(errorResponse(failed, 'zh').status).toBe(500);
  }, 60_000);
});

describe('error answers carry the text in the request language', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(storeTargets()[0]!);
  });
  afterAll(async () => server?.close());

  it('a 404 for an unknown route: Chinese by default, English with ?lang=en or Accept-Language', async () => {
    const zh = await server.app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(zh.statusCode).toBe(404);
    expect(zh.json()).toEqual({ error: { code: 'not-found', message: 'no route GET /api/no-such-thing', text: ERROR_MESSAGES['not-found'].zh } });
    const en = await server.app.inject({ method: 'GET', url: '/api/no-such-thing?lang=en' });
    expect(en.json()).toMatchObject({ error: { code: 'not-found', text: ERROR_MESSAGES['not-found'].en } });
    const header = await server.app.inject({ method: 'GET', url: '/api/no-such-thing', headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(header.json()).toMatchObject({ error: { text: ERROR_MESSAGES['not-found'].en } });
  });

  it('a validation 400 keeps its message naming the field and adds the text', async () => {
    const zh = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } });
    expect(zh.statusCode).toBe(400);
    const body = zh.json() as { error: { code: string; message: string; text: string } };
    expect(body.error.code).toBe('validation');
    expect(body.error.message).toMatch(/^body\.password:/);
    expect(body.error.text).toBe(ERROR_MESSAGES.validation.zh);
    const en = await server.app.inject({ method: 'POST', url: '/api/auth/login?lang=en', payload: { username: 'admin' } });
    expect(en.statusCode).toBe(400);
    expect((en.json() as { error: { text: string } }).error.text).toBe(ERROR_MESSAGES.validation.en);
  });

  it("a refused field is said in the request's language, in the office's words (no zod sentence, no Latin word on the Chinese side)", async () => {
    type Detail = { field: string; message: string; text: string };
    const details = async (payload: unknown, lang?: string) => {
      const res = await server.app.inject({ method: 'POST', url: `/api/auth/login${lang ? `?lang=${lang}` : ''}`, payload: payload as Record<string, unknown> });
      expect(res.statusCode).toBe(400);
      return (res.json() as { error: { details: Detail[] } }).error.details;
    };
    const missing = await details({ username: 'admin' });
    expect(missing).toEqual([{ field: 'body.password', message: 'required, but missing', text: '必填，但未填写' }]);
    expect((await details({ username: 'admin' }, 'en'))[0]!.text).toBe('required, but missing');
    const typed = await details({ username: 'admin', password: 12 });
    expect(typed[0]!.text).toBe('类型不对：应为文字');
    // A control character in a name typed into a form: the import catalogue's sentence, for a field.
    const nul = await details({ username: 'ad\u0000min', password: 'x' });
    expect(nul[0]).toMatchObject({ field: 'body.username', text: '含空字符（U+0000，第3个字符）：请删除' });
    for (const d of [...missing, ...typed, ...nul]) expect(d.text.replace(/U\+[0-9A-F]{4}/g, '')).not.toMatch(/[A-Za-z]{2,}/);
  });
});
