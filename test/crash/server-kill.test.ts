/**
 * Crash tests: the real server (`bin/kaohe serve`, SQLite) killed with SIGKILL (a) in the middle
 * of a large photo's upload, sent slowly over a real socket, at several moments, and (b) while
 * it streams the whole-campaign PDF; each time started again. Afterwards the evidence store
 * holds no half file (every stored file hashes to its name), no temporary file, no evidence row
 * without its file, and the database passes integrity_check.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_DIR, DEFAULT_SCHEME_ID } from '../../src/schemes/index.ts';
import { generateDemo } from '../../src/services/demo.service.ts';
import { openStore } from '../../src/store/db.ts';
import { checkStore, filesUnder, signIn, startServerProcess, type ServerProcess, type Session } from './server-process.ts';
import { compose } from '../../src/compose.ts';

const PASSWORD = 'crash-test-password';
const CAMPAIGN = '2020年度考核';
const MiB = 1024 * 1024;
const log = (line: string) => process.stdout.write(`[crash] ${line}\n`);

/** A large "photo": a JPEG's first bytes, then random ones (a new content each time). */
function photo(size: number): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), randomBytes(size - 12)]);
}

interface SlowUpload {
  /** Bytes of the body written so far. */
  sent(): number;
  /** The answer, or the error the socket ended with (the server killed). */
  done: Promise<{ status: number; body: string } | Error>;
  /** Resolves once the whole body is written. */
  written: Promise<void>;
}

/** Posts a file as multipart, written in chunks with a pause between them, over a real socket. */
function slowUpload(url: string, session: Session, path: string, filename: string, file: Buffer, chunk = 256 * 1024, pauseMs = 15): SlowUpload {
  const boundary = `----kaohe${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, file, tail]);
  let sent = 0;
  const req = request(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length), cookie: session.cookie, 'x-csrf-token': session.csrf },
  });
  const done = new Promise<{ status: number; body: string } | Error>((resolve) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', resolve);
    });
    req.on('error', resolve);
  });
  const written = (async () => {
    for (let at = 0; at < body.length && !req.destroyed; at += chunk) {
      const part = body.subarray(at, at + chunk);
      const ok = await new Promise<boolean>((r) => req.write(part, (e) => r(!e)));
      if (!ok) return;
      sent = at + part.length;
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    req.end();
  })();
  return { sent: () => sent, done, written };
}

async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the server killed with SIGKILL (child process, SQLite)', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-crash-'));
  const data = join(dir, 'data');
  const serverTmp = join(dir, 'tmp');
  let server: ServerProcess | undefined;
  let campaignId: number;
  let findingId: number;
  let township: string;
  const env = { KAOHE_SCRYPT_LOG2N: '12', TMPDIR: serverTmp };

  /** What a server start must find after a kill: nothing half-written, no row without its file. */
  const expectConsistent = async (label: string) => {
    const c = await checkStore(data);
    log(`${label}: ${c.rows} evidence row(s), ${c.stored.length} stored file(s), ${c.temporary.length} temporary, integrity_check ${c.integrity}`);
    expect(c.damaged, `${label}: stored files whose bytes do not hash to their name`).toEqual([]);
    expect(c.temporary, `${label}: temporary files left`).toEqual([]);
    expect(c.stray, `${label}: other files in the store`).toEqual([]);
    expect(c.rowsWithoutFile, `${label}: evidence rows without their file`).toEqual([]);
    expect(c.integrity).toBe('ok');
    return c;
  };

  beforeAll(async () => {
    const t0 = Date.now();
    mkdirSync(serverTmp, { recursive: true });
    const store = await openStore({ url: join(data, 'kaohe.db') });
    try {
      await generateDemo({ store }, { households: 300 });
      const system = { user: 'system', role: 'admin' as const };
      const campaigns = compose({ store }).campaigns;
      const schemeText = readFileSync(join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.yaml`), 'utf8');
      const derivePath = join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.derive.yaml`);
      const version = await campaigns.schemes.storeSchemeVersion(system, schemeText, existsSync(derivePath) ? readFileSync(derivePath, 'utf8') : null, `${DEFAULT_SCHEME_ID}.yaml`);
      campaignId = await campaigns.setup.createCampaign(system, { name: CAMPAIGN, year: 2020, schemeVersionId: version.id, appealDays: 15 });
      const village = await store.db.selectFrom('areas').select(['code', 'parent_code']).where('level', '=', 'village').orderBy('code').executeTakeFirstOrThrow();
      township = village.parent_code!;
      const assessmentId = await campaigns.assessments.assessmentId(campaignId, village.code);
      const a = await campaigns.assessments.getAssessment(system, assessmentId);
      findingId = await campaigns.findings.addFinding(system, assessmentId, a.version, { item: '1.1', note: '未见工作计划' });
      await compose({ store }).users.create({ user: 'admin', role: 'admin' }, { username: 'office', role: 'admin', password: PASSWORD });
    } finally {
      await store.close();
    }
    log(`set up (demo county, campaign, a finding) in ${Date.now() - t0} ms`);
    server = await startServerProcess(dir, data, env);
    log(`server started in ${server.startMs} ms`);
  }, 120_000);

  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('(a) keeps no half file and no row without its file when killed mid-upload, at several moments', async () => {
    const size = 12 * MiB;
    const moments: Array<{ label: string; at: number }> = [
      { label: 'early (10% sent)', at: 0.1 },
      { label: 'half way (50% sent)', at: 0.5 },
      { label: 'the last byte just sent', at: 1 },
    ];
    for (const m of moments) {
      const session = await signIn(server!.url, 'office', PASSWORD);
      const file = photo(size);
      const up = slowUpload(server!.url, session, `/api/findings/${findingId}/evidence`, `IMG_${Math.round(m.at * 100)}.jpg`, file);
      const tmp = join(data, 'evidence', 'tmp');
      if (m.at < 1) {
        await until(m.label, () => up.sent() >= size * m.at);
        // The server is writing it: its temporary file is there (the server may lag the socket).
        await until('the upload in the store', () => filesUnder(tmp).length === 1 && statSync(join(tmp, filesUnder(tmp)[0]!)).size > 0);
      } else await up.written;
      const tmpFiles = filesUnder(tmp);
      const tmpBytes = tmpFiles.reduce((n, f) => n + statSync(join(tmp, f)).size, 0);
      await server!.kill();
      const answer = await up.done;
      log(
        `killed ${m.label}: ${(up.sent() / MiB).toFixed(1)} MiB sent, ${tmpFiles.length} temporary file(s) of ${(tmpBytes / MiB).toFixed(1)} MiB in the store; the client got ${answer instanceof Error ? ((answer as NodeJS.ErrnoException).code ?? answer.message) : answer.status}`,
      );
      server = await startServerProcess(dir, data, env);
      log(`started again in ${server.startMs} ms`);
      await expectConsistent(`after the restart (${m.label})`);
    }
    // The server works on: the same upload, not interrupted, is stored and served back whole.
    const session = await signIn(server!.url, 'office', PASSWORD);
    const file = photo(size);
    const up = slowUpload(server!.url, session, `/api/findings/${findingId}/evidence`, 'IMG_whole.jpg', file, 1024 * 1024, 0);
    const answer = await up.done;
    expect(answer).not.toBeInstanceOf(Error);
    const ok = answer as { status: number; body: string };
    expect(ok.status, ok.body).toBe(201);
    const id = (JSON.parse(ok.body) as { evidence: Array<{ id: number }> }).evidence[0]!.id;
    const served = await fetch(`${server!.url}/api/evidence/${id}`, { headers: { cookie: session.cookie } });
    expect(Buffer.from(await served.arrayBuffer()).equals(file)).toBe(true);
    const c = await expectConsistent('after a whole upload');
    expect(c.rows).toBeGreaterThanOrEqual(1);
  });

  it('(b) serves again, with a sound database and no temporary file, after being killed while streaming the campaign PDF', async () => {
    const session = await signIn(server!.url, 'office', PASSWORD);
    // Killed while the whole campaign (30 villages) streams: its first 64 KiB come long before its
    // end, so the kill lands mid-drawing (one township's PDF, 128 KiB, could be all written by then
    // on an idle machine). Served again after the restart: one township's (10 of 30), the same
    // streaming in a third of the time.
    const killedUrl = `/api/campaigns/${campaignId}/reports/campaign.pdf`;
    const pdfUrl = `/api/campaigns/${campaignId}/reports/campaign.pdf?township=${township}`;
    let t = Date.now();
    const res = await fetch(`${server!.url}${killedUrl}`, { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let received = 0;
    while (received < 64 * 1024) {
      const { value, done } = await reader.read();
      if (done) break;
      received += value.length;
    }
    log(`the PDF's first ${(received / 1024).toFixed(0)} KiB came in ${Date.now() - t} ms`);
    t = Date.now();
    await server!.kill();
    let error = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
      }
    } catch (e) {
      error = (e as Error).message;
    }
    log(`killed while the campaign PDF streamed: ${(received / 1024).toFixed(0)} KiB received, then ${error ? `"${error}"` : 'the end'} (${Date.now() - t} ms after the kill)`);
    expect(error || received < 64 * 1024 + 1, 'the PDF was cut off by the kill').toBeTruthy();

    server = await startServerProcess(dir, data, env);
    log(`started again in ${server.startMs} ms`);
    const again = await signIn(server.url, 'office', PASSWORD);
    t = Date.now();
    const whole = await fetch(`${server.url}${pdfUrl}`, { headers: { cookie: again.cookie } });
    expect(whole.status).toBe(200);
    const pdf = Buffer.from(await whole.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    log(`after the restart: the campaign PDF served whole (${(pdf.length / 1024).toFixed(0)} KiB in ${Date.now() - t} ms)`);
    await expectConsistent('after the restart (campaign PDF)');
    // Nothing left behind: no temporary file of the server's own (tsx's compile cache aside).
    expect(readdirSync(serverTmp).filter((f) => !f.startsWith('tsx-'))).toEqual([]);
    expect(filesUnder(data).filter((f) => !/^(kaohe\.db(-wal|-shm)?|audit\.key|evidence\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64})$/.test(f))).toEqual([]);
  });
});
