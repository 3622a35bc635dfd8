/**
 * The import route beside an inspector's saves, on SQLite and PostgreSQL: while an administrator
 * uploads a 50,000-household CSV (imported in a worker thread with its own connection), the
 * inspector of the demo campaign records a finding every 100 ms through the API. The import
 * answers 200 and commits (before staging it answered 500, "database is locked"); every save
 * answers 201. The longest save is printed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, signIn, type Client, type TestServer } from '../../../test/http.ts';
import { csvText, manyHouseholds, VALID } from '../../../test/registry-fixtures.ts';
import { storeTargets } from '../../../test/stores.ts';
import { firstStart } from '../../services/bootstrap.service.ts';

const ROWS = 50_000;

/** A multipart/form-data body with one file part. */
function multipart(name: string, content: string) {
  const boundary = `----kaohe${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(storeTargets())('POST /api/imports/households beside the findings saved meanwhile ($dialect)', (target) => {
  let server: TestServer;
  let admin: Client;
  let inspector: Client;
  let assessment: number;
  let csv: string;

  beforeAll(async () => {
    server = await startServer(target);
    const started = (await firstStart(server.app.services))!;
    const password = (role: string) => started.credentials.find((c) => c.role === role)!.password;
    admin = await signIn(server.app, 'admin', password('admin'));
    inspector = await signIn(server.app, 'inspector', password('inspector'));
    const db = server.store.db;
    const township = (await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').executeTakeFirstOrThrow()).code;
    const villages = (await db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').execute()).map((v) => v.code);
    const own = (await db.selectFrom('areas').select('code').where('parent_code', '=', township).orderBy('code').executeTakeFirstOrThrow()).code;
    assessment = (await db.selectFrom('assessments').select('id').where('village_code', '=', own).executeTakeFirstOrThrow()).id;
    // New households in the demo's villages, none with the head of one already there.
    const heads = new Set((await db.selectFrom('households').select('head_id_number').execute()).map((h) => h.head_id_number));
    const H = VALID.households.headers;
    const table = manyHouseholds(ROWS, (i, r) => (r[H.indexOf('村区划代码')] = villages[i % villages.length]!));
    csv = csvText({ headers: table.headers, rows: table.rows.filter((r) => !heads.has(String(r[H.indexOf('户主身份证号')]))) });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('answers 200 and commits, and every finding saved meanwhile answers 201', { timeout: 240_000 }, async () => {
    const saves: Array<{ at: number; ms: number; status: number; body?: string }> = [];
    let stopped = false;
    const version = async () => (await server.store.db.selectFrom('assessments').select('version').where('id', '=', assessment).executeTakeFirstOrThrow()).version;
    const loop = (async () => {
      while (!stopped) {
        const at = performance.now();
        const res = await inspector.post(`/api/assessments/${assessment}/findings`, { version: await version(), item: '3.2.1', count: 1, note: '导入期间' });
        saves.push({ at, ms: performance.now() - at, status: res.statusCode, ...(res.statusCode !== 201 ? { body: res.body } : {}) });
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (performance.now() - at))));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const form = multipart('贫困户.csv', csv);
    const started = performance.now();
    const res = await admin.request('POST', '/api/imports/households', form.payload, form.headers);
    const ended = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopped = true;
    await loop;

    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ committed: true, problems: [] });
    expect(report.inserted).toBeGreaterThan(ROWS * 0.99);
    expect(saves.filter((s) => s.status !== 201)).toEqual([]);
    const during = saves.filter((s) => s.at >= started && s.at <= ended);
    expect(during.length).toBeGreaterThanOrEqual(3);
    console.log(
      `${target.dialect}: POST /api/imports/households (${report.inserted} rows) ${(ended - started).toFixed(0)} ms; ${saves.length} findings saved ` +
        `(${during.length} begun during it), the longest ${Math.max(...saves.map((s) => s.ms)).toFixed(0)} ms`,
    );
  });
});
