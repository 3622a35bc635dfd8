/**
 * Report benchmark: the ranking workbook and the whole-campaign PDF of a campaign of 1,000
 * villages (about 8,000 findings recorded through the campaign service), each made in a process
 * of its own so its peak memory is its own. Beside each, a baseline in the same run: the same
 * ranking rows as a plain CSV file (what an export without layout costs), and the same score
 * sheets read but not drawn (what the PDF adds to reading the data). Prints time, peak resident
 * memory and the ratios. Targets: each report under 30 s and 1 GiB.
 *
 *   npm run bench:reports              (tsx bench/reports.ts)
 *   tsx bench/reports.ts --villages 300
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { openStore } from '../src/store/db.ts';
import { ReportService } from '../src/services/report.service.ts';
import { ReportDocuments } from '../src/services/report-documents.ts';
import { CLI_ADMIN } from '../src/services/policies.ts';
import { buildCampaignFixture } from './fixtures/campaign-villages.ts';
import { compose } from '../src/compose.ts';
import { ReportRepository } from '../src/store/report.repository.ts';

const { values: args } = parseArgs({
  options: {
    villages: { type: 'string', default: '1000' },
    child: { type: 'string' },
    db: { type: 'string' },
    out: { type: 'string' },
    campaign: { type: 'string' },
  },
});

type Job = 'ranking' | 'ranking-csv' | 'campaign' | 'sheets-read';

if (args.child) {
  // One measured job, in its own process: prints {ms, rss, bytes, pages?} as JSON.
  const store = await openStore({ url: args.db! });
  const campaigns = compose({ store }).campaigns;
  const reports = new ReportService({ repository: new ReportRepository(store.db), campaigns });
  const docs = new ReportDocuments({ reports, campaigns });
  const id = Number(args.campaign);
  const job = args.child as Job;
  const start = performance.now();
  let pages: number | undefined;
  if (job === 'ranking') {
    await docs.write(CLI_ADMIN, id, 'ranking', {}, args.out!);
  } else if (job === 'ranking-csv') {
    const report = await reports.rankingReport(CLI_ADMIN, id);
    const rows = report.rows.map((r) => [
      r.townshipName,
      r.name,
      ...report.sections.map((s) => r.sections[s.code] ?? ''),
      r.base,
      r.bonus,
      r.total,
      r.grade?.title ?? '',
      r.townshipRank,
      r.countyRank,
    ]);
    const header = ['乡镇', '村', ...report.sections.map((s) => s.title), '基础分', '加分', '总分', '等次', '乡镇排名', '全县排名'];
    const out = createWriteStream(args.out!);
    out.end(stringify([header, ...rows], { bom: true }));
    await new Promise<void>((resolve) => out.on('close', () => resolve()));
  } else if (job === 'campaign') {
    pages = (await docs.write(CLI_ADMIN, id, 'campaign', {}, args.out!)).pages;
  } else {
    const villages = await reports.readableVillages(CLI_ADMIN, id);
    let n = 0;
    for (let i = 0; i < villages.length; i += 200) n += (await reports.scoreSheets(CLI_ADMIN, id, { villages: villages.slice(i, i + 200) })).length;
    if (n !== villages.length) throw new Error(`read ${n} sheets of ${villages.length}`);
  }
  const ms = performance.now() - start;
  await store.close();
  process.stdout.write(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, pages }) + '\n');
  process.exit(0);
}

const VILLAGES = Number(args.villages);
if (!Number.isSafeInteger(VILLAGES) || VILLAGES < 1) throw new Error('--villages must be a whole number ≥ 1');

const dir = mkdtempSync(join(tmpdir(), 'kaohe-bench-reports-'));
try {
  const db = join(dir, 'kaohe.db');
  const store = await openStore({ url: db });
  const t0 = performance.now();
  const fixture = await buildCampaignFixture(store, { villages: VILLAGES });
  await store.close();
  console.log(
    `campaign of ${fixture.villages} villages in ${fixture.townships} townships, ${fixture.findings} findings recorded through the service: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const run = (job: Job, out: string) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/reports.ts', '--child', job, '--db', db, '--out', out, '--campaign', String(fixture.campaignId)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(`${job} failed (${r.status}): ${r.stderr}`);
    const last = r.stdout.trim().split('\n').pop()!;
    const m = JSON.parse(last) as { ms: number; rss: number; pages?: number };
    return { ...m, bytes: job === 'sheets-read' ? 0 : statSync(out).size };
  };
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

  const ranking = run('ranking', join(dir, 'ranking.xlsx'));
  const csv = run('ranking-csv', join(dir, 'ranking.csv'));
  const pdf = run('campaign', join(dir, 'campaign.pdf'));
  const read = run('sheets-read', join(dir, 'none'));

  console.log('');
  console.log('report                         time       peak RSS   size');
  console.log(`ranking workbook (.xlsx)       ${sec(ranking.ms).padEnd(10)} ${mib(ranking.rss).padEnd(10)} ${mib(ranking.bytes)}`);
  console.log(`  baseline: same rows as CSV   ${sec(csv.ms).padEnd(10)} ${mib(csv.rss).padEnd(10)} ${(csv.bytes / 1024).toFixed(0)} KiB`);
  console.log(`whole-campaign PDF             ${sec(pdf.ms).padEnd(10)} ${mib(pdf.rss).padEnd(10)} ${mib(pdf.bytes)}, ${pdf.pages} pages`);
  console.log(`  baseline: sheets read only   ${sec(read.ms).padEnd(10)} ${mib(read.rss).padEnd(10)}`);
  console.log('');
  console.log(`workbook / CSV time: ${(ranking.ms / csv.ms).toFixed(2)}×; PDF / reading its data: ${(pdf.ms / read.ms).toFixed(2)}×`);
  const ok = (m: { ms: number; rss: number }) => m.ms < 30_000 && m.rss < 2 ** 30;
  console.log(`targets (each < 30 s and < 1 GiB): workbook ${ok(ranking) ? 'met' : 'MISSED'}, PDF ${ok(pdf) ? 'met' : 'MISSED'}`);
  if (!ok(ranking) || !ok(pdf)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
