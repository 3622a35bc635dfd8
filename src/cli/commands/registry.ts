/** `kaohe import|template|export|db migrate`: the registry from the command line. */
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { KaoheError } from '../../core/errors.ts';
import { KINDS } from '../../core/registry/kinds.ts';
import { writeErrorsFile } from '../../services/import/errors-file.ts';
import { exportKind, writeTemplate } from '../../services/import/export.service.ts';
import { importFile, type ImportReport } from '../../services/import/import.service.ts';
import { migrateConfiguredStore, openServices, type Services } from '../../compose.ts';
import { actorOf } from './campaign.ts';
import type { Store } from '../../store/db.ts';

/** Exit status of an import whose file was rejected (bad rows): nothing was written. */
export const EXIT_REJECTED = 1;

/** Runs a command over the configured store, opened (and migrated) by the composition root. */
export async function withStore<T>(work: (store: Store, services: Services) => Promise<T>): Promise<T> {
  const services = await openServices();
  try {
    return await work(services.store, services);
  } finally {
    await services.close();
  }
}

function describe(report: ImportReport, shown: number): string {
  const lines: string[] = [];
  const where = `${report.file} (${report.format}${report.encoding ? `, ${report.encoding}` : ''})`;
  if (report.problems.length === 0) {
    const verb = report.dryRun ? 'would import' : 'imported';
    lines.push(`${where}: ${verb} ${report.rows} ${report.kind} rows: ${report.inserted} new, ${report.updated} updated (${(report.elapsedMs / 1000).toFixed(1)} s)`);
    if (report.dryRun) lines.push('dry run: nothing was written');
  } else {
    const more = report.truncated ? '+' : '';
    lines.push(`${where}: ${report.problems.length}${more} problem${report.problems.length === 1 ? '' : 's'} in ${report.rows} rows; nothing was imported`);
    for (const p of report.problems.slice(0, shown)) {
      lines.push(`  row ${p.row}${p.column ? `, ${p.column}` : ''}${p.value ? `, 「${p.value}」` : ''}: ${p.message}`);
    }
    if (report.problems.length > shown) lines.push(`  … and ${report.problems.length - shown}${more} more (--errors FILE.xlsx writes them all beside the rows)`);
  }
  if (report.ignoredColumns.length) lines.push(`columns not used: ${report.ignoredColumns.join('、')}`);
  return lines.join('\n') + '\n';
}

export async function runImport(kind: string, file: string, opts: { dryRun?: boolean; errors?: string; show: number }): Promise<number> {
  return withStore(async (store, services) => {
    const tty = process.stderr.isTTY;
    const bar = tty
      ? new cliProgress.SingleBar(
          { format: ' {bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    let started = false;
    const report = await importFile(store, kind, file, {
      dryRun: !!opts.dryRun,
      // Who imported it (KAOHE_USER, else cli): the entry is written with the rows, as an import through the server's is.
      ...(opts.dryRun ? {} : { audit: services.registry.files.importAudit(actorOf({}), kind, basename(file)) }),
      onProgress: (p) => {
        if (!bar) return;
        if (!started) {
          bar.start(p.totalBytes, 0, { rows: 0, rate: 0 });
          started = true;
        }
        bar.update(p.bytesRead, { rows: p.rows, rate: Math.round(p.rows / Math.max(0.001, p.elapsedMs / 1000)) });
      },
    });
    bar?.stop();
    if (report.problems.length > 0) {
      process.stderr.write(describe(report, opts.show));
      if (opts.errors) {
        await writeErrorsFile(file, opts.errors, report.problems, { headerRow: report.headerRow });
        process.stderr.write(`wrote ${opts.errors}: the file with an error column\n`);
      }
      return EXIT_REJECTED;
    }
    process.stdout.write(describe(report, opts.show));
    return 0;
  });
}

export async function runTemplate(kind: string, out: string | undefined): Promise<void> {
  const file = out ?? `${kind}-template.xlsx`;
  await writeTemplate(kind, file);
  process.stdout.write(`wrote ${file}\n`);
}

export async function runExport(kind: string, opts: { format: 'xlsx' | 'csv'; out?: string; showIds?: boolean }): Promise<void> {
  const file = opts.out ?? `${kind}.${opts.format}`;
  const rows = await withStore((store) => exportKind(store, kind, file, { format: opts.format, showIds: !!opts.showIds }));
  process.stdout.write(`wrote ${file}: ${rows} rows${opts.showIds ? ' (ID numbers in full)' : ''}\n`);
}

export async function runMigrate(): Promise<void> {
  const { location, applied } = await migrateConfiguredStore();
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : `${location}: up to date\n`);
}

export function assertKind(kind: string): void {
  if (!KINDS.some((k) => k.kind === kind)) throw new KaoheError('unknown-kind', `no record kind "${kind}"; kinds: ${KINDS.map((k) => k.kind).join(', ')}`);
}

export async function runProvinceDemo(opts: { seed?: number; households?: number; year?: number; cities?: number; counties?: number; villages?: number }): Promise<void> {
  const { generateProvince } = await import('../../services/demo.service.ts');
  await withStore(async (store) => {
    const options = Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && k !== 'province'));
    const s = await generateProvince(store, options, (table, rows, ms) =>
      process.stderr.write(`  ${table}: ${rows.toLocaleString('en-US')} rows in ${(ms / 1000).toFixed(1)} s\n`),
    );
    const c = s.counts;
    process.stdout.write(
      `${store.location}: demo province, seed ${s.options.seed}, year ${s.options.year}, in ${(s.ms / 1000).toFixed(1)} s\n` +
        `  ${s.cities} cities, ${s.counties} counties, ${s.townships} townships, ${s.villages} villages\n` +
        `  ${c.households} households, ${c.members} members, ${c.helpers} helpers, ${c.visits} visits, ${c.meetings} meetings, ${c.duty_days} duty-day rows, ${c.reports} reports, ${c.surveys} survey answers\n`,
    );
  });
}

export async function runDemo(opts: { seed?: number; households?: number; year?: number }): Promise<void> {
  const { generateDemo } = await import('../../services/demo.service.ts');
  await withStore(async (store) => {
    const summary = await generateDemo({ store }, opts);
    const c = summary.counts;
    process.stdout.write(
      `${store.location}: demo county ${summary.county.name} (${summary.county.code}), seed ${summary.seed}, year ${summary.year}\n` +
        `  ${summary.villages.total} villages (${summary.villages.poverty} poverty villages), ${c.households} households, ${c.members} members\n` +
        `  ${c.work_teams} work teams, ${c.helpers} helpers, ${c.visits} visits, ${c.meetings} meetings, ${c.surveys} survey answers, ${c.publicity} publicity records\n`,
    );
  });
}
