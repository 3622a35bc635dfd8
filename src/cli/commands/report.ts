/** `kaohe report …`: the ranking and deduction workbooks and the PDF score sheets, written to files. Acts as the county office. */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { KaoheError } from '../../core/errors.ts';
import { openServices } from '../../compose.ts';
import type { ReportKind, ReportRequest } from '../../services/report-documents.ts';
import { actorOf, campaignId } from './campaign.ts';

interface Options {
  output?: string;
  township?: string;
  village?: string;
  lang?: string;
  user?: string;
}

const KINDS: Array<{ kind: ReportKind; command: string; description: string; args?: 'village' }> = [
  {
    kind: 'ranking',
    command: 'ranking',
    description: 'the ranking workbook (.xlsx): the county and one sheet per township, section averages, change against the previous campaign',
  },
  { kind: 'deductions', command: 'deductions', description: 'the deduction detail workbook (.xlsx, 扣分明细): a row per finding, of the campaign or of one village (--village)' },
  { kind: 'sheet', command: 'sheet', description: "a village's score sheet (.pdf, 考核扣分明细表) on A4", args: 'village' },
  { kind: 'campaign', command: 'campaign', description: 'the whole campaign as one PDF: the county summary with charts, then every village' },
  { kind: 'summary', command: 'summary', description: 'the county summary PDF: figures, averages by township, charts, top and bottom villages' },
];

export function addReportCommands(cli: Command): void {
  const r = cli.command('report').description('reports an office files and prints: Excel workbooks and PDF score sheets');
  for (const spec of KINDS) {
    let cmd = r.command(spec.command).description(spec.description).argument('<campaign>', 'campaign name or id');
    if (spec.args === 'village') cmd = cmd.argument('<village>', 'village code');
    cmd = cmd
      .option('-o, --output <file>', "where to write it (default: the report's name in the current folder)")
      .option('--lang <lang>', 'zh (default) or en')
      .option('--user <name>', 'who is asking (default $KAOHE_USER or "cli")');
    if (spec.kind !== 'sheet') cmd = cmd.option('--township <code>', 'only the villages of one township');
    if (spec.kind === 'deductions') cmd = cmd.option('--village <code>', 'only one village');
    cmd.action(async (campaign: string, ...rest: unknown[]) => {
      const opts = (spec.args === 'village' ? rest[1] : rest[0]) as Options;
      const village = spec.args === 'village' ? (rest[0] as string) : opts.village;
      await run(spec.kind, campaign, { ...opts, ...(village ? { village } : {}) });
    });
  }
}

async function run(kind: ReportKind, campaign: string, opts: Options): Promise<void> {
  if (opts.lang !== undefined && opts.lang !== 'zh' && opts.lang !== 'en') throw new KaoheError('validation', `--lang: "${opts.lang}" is not zh or en`);
  if (opts.output !== undefined) {
    const dir = dirname(resolve(opts.output));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new KaoheError('validation', `--output: folder ${dir} does not exist`);
  }
  const services = await openServices();
  try {
    const docs = services.reports;
    const id = await campaignId(services.campaigns, campaign);
    const request: ReportRequest = {
      lang: (opts.lang as 'zh' | 'en' | undefined) ?? 'zh',
      ...(opts.township ? { township: opts.township } : {}),
      ...(opts.village ? { village: opts.village } : {}),
    };
    const file = opts.output ?? (await docs.filename(id, kind, request));
    const bar =
      kind === 'campaign' && process.stderr.isTTY
        ? new cliProgress.SingleBar({ format: '  {bar} {value} villages', stream: process.stderr }, cliProgress.Presets.shades_classic)
        : null;
    bar?.start(0, 0);
    // Written beside the target and moved onto it when whole: a failure leaves no half-written report.
    const part = `${file}.${process.pid}.part`;
    let written: { pages?: number };
    try {
      written = await docs.write(actorOf(opts), id, kind, request, part, (done) => bar?.update(done));
      renameSync(part, file);
    } catch (e) {
      rmSync(part, { force: true });
      throw e;
    } finally {
      bar?.stop();
    }
    const size = statSync(file).size;
    process.stdout.write(`${file}: ${(size / 1024).toFixed(0)} KiB${written.pages !== undefined ? `, ${written.pages} pages` : ''}\n`);
  } finally {
    await services.close();
  }
}
