/** The `kaohe` command line. Thin: parse arguments, call the core or a service, print. */
import { countyRankingBasis } from '../services/county-basis.ts';
import { configuredReportReplica } from '../services/report-replica.ts';
import { officeTimeZone } from '../services/time-zone.ts';
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { KaoheError } from '../core/errors.ts';
import { SchemeError } from '../core/scheme/problems.ts';
import { KINDS } from '../core/registry/kinds.ts';
import { runScore } from './commands/score.ts';
import { runSchemeExport, runSchemeImport, runSchemeLint, runSchemeList, runSchemeShow } from './commands/scheme.ts';

// The registry commands pull in the database drivers and exceljs: load them only when used,
// so that `kaohe score` starts fast.
const registry = () => import('./commands/registry.ts');
const kindList = () => KINDS.map((k) => `${k.kind} (${k.title.zh})`).join(', ');

/** Bad input: a message on stderr, nothing on stdout. */
const EXIT_BAD_INPUT = 2;

const langOption = () => new Option('--lang <lang>', 'language of the output: zh or en').choices(['zh', 'en']).default('zh');

function program(): Command {
  const cli = new Command('kaohe')
    .description('Kaohe (考核): assess village poverty-alleviation work by a scoring scheme')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cli
    .command('score')
    .description('score an assessment file (JSON or YAML) and explain every point')
    .argument('<file>', 'assessment file: {"unit": {...}, "findings": [...]}')
    .option('--scheme <id|path>', 'scheme id (built-in) or scheme file; default: the file\'s "scheme", else seed-2020')
    .option('--json', 'print one JSON object')
    .addOption(langOption())
    .action((file: string, opts: { scheme?: string; json?: boolean; lang: 'zh' | 'en' }) => {
      process.stdout.write(runScore(file, opts));
    });

  const scheme = cli.command('scheme').description('list, show, lint and export schemes');
  scheme
    .command('list')
    .description('list the built-in schemes')
    .addOption(langOption())
    .action((opts: { lang: 'zh' | 'en' }) => {
      process.stdout.write(runSchemeList(opts.lang));
    });
  scheme
    .command('show')
    .description('print a scheme as a tree with points')
    .argument('[scheme]', 'scheme id or file', undefined)
    .option('--json', 'print the scheme as JSON data')
    .addOption(langOption())
    .action((ref: string | undefined, opts: { lang: 'zh' | 'en'; json?: boolean }) => {
      process.stdout.write(runSchemeShow(ref, opts.lang, !!opts.json));
    });
  scheme
    .command('lint')
    .description('check a scheme file: every problem with its line and node, and notes for a reader')
    .argument('<file>', 'scheme file (YAML or JSON)')
    .addOption(new Option('--lang <lang>', 'language of the notes').choices(['zh', 'en']).default('en'))
    .action((file: string, opts: { lang: 'zh' | 'en' }) => {
      const { stdout, status } = runSchemeLint(file, opts.lang);
      process.stdout.write(stdout);
      process.exitCode = status;
    });
  scheme
    .command('export')
    .description('write a scheme as a scheme file, e.g. to start your own copy')
    .argument('[scheme]', 'scheme id or file', undefined)
    .addOption(new Option('--format <format>', 'yaml or json').choices(['yaml', 'json']).default('yaml'))
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action((ref: string | undefined, opts: { format: 'yaml' | 'json'; out?: string }) => {
      const text = runSchemeExport(ref, opts.format);
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
  scheme
    .command('import')
    .description('read a scheme table as offices keep it (.xlsx or .docx: 序号 | 考核内容 | 分值 | 评分标准) into a scheme file; prints every line not read with its row')
    .argument('<file>', "the table (.xlsx: the sheet named like 考核细则 or 评分细则, else the first; .docx: the document's scheme table)")
    .option('-o, --out <file>', 'write the scheme file (YAML) here instead of standard output')
    .option('--id <id>', 'the scheme id: letters, digits, . _ - (default: imported)', (v: string) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v)) throw new InvalidArgumentError('letters, digits, dot, dash or underscore, starting with a letter or digit');
      return v;
    })
    .addOption(langOption())
    .action(async (file: string, opts: { out?: string; id?: string; lang: 'zh' | 'en' }) => {
      const { yaml, report } = await runSchemeImport(file, opts);
      if (opts.out) {
        writeFileSync(opts.out, yaml);
        process.stdout.write(report);
      } else {
        process.stdout.write(yaml);
        process.stderr.write(report);
      }
    });

  cli
    .command('import')
    .description('import a registry sheet (.xlsx or .csv in UTF-8/GBK/GB18030); all rows or none')
    .argument('<kind>', `record kind: ${kindList()}`)
    .argument('<file>', 'the sheet')
    .option('--dry-run', 'check every row and report, write nothing')
    .option('--errors <out.xlsx>', 'when rows are rejected, write a copy of the file with an error column')
    .option('--show <n>', 'problems to print', (v) => Number.parseInt(v, 10), 20)
    .action(async (kind: string, file: string, opts: { dryRun?: boolean; errors?: string; show: number }) => {
      const { assertKind, runImport } = await registry();
      assertKind(kind);
      process.exitCode = await runImport(kind, file, opts);
    });
  cli
    .command('template')
    .description('write an empty .xlsx import template with a sheet explaining each column')
    .argument('<kind>', `record kind: ${kindList()}`)
    .option('-o, --out <file>', 'output file (default KIND-template.xlsx)')
    .action(async (kind: string, opts: { out?: string }) => {
      const { assertKind, runTemplate } = await registry();
      assertKind(kind);
      await runTemplate(kind, opts.out);
    });
  cli
    .command('export')
    .description('write a registry list to .xlsx or .csv (ID numbers masked unless --show-ids)')
    .argument('<kind>', `record kind: ${kindList()}`)
    .addOption(new Option('--format <format>', 'xlsx or csv').choices(['xlsx', 'csv']).default('xlsx'))
    .option('-o, --out <file>', 'output file (default KIND.FORMAT)')
    .option('--show-ids', 'write resident ID numbers in full')
    .action(async (kind: string, opts: { format: 'xlsx' | 'csv'; out?: string; showIds?: boolean }) => {
      const { assertKind, runExport } = await registry();
      assertKind(kind);
      await runExport(kind, opts);
    });
  const whole = (name: string) => (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(v);
  };
  cli
    .command('demo')
    .description('fill an empty registry with the demo county (deterministic from a seed)')
    .option('--seed <n>', 'generator seed', whole('--seed'))
    .option('--households <n>', 'households in the county (default 3000)', whole('--households'))
    .option('--year <year>', 'assessment year the records cover (default 2020)', whole('--year'))
    .option('--province', 'a province instead (PostgreSQL only): 16 cities, 110 counties, 50,000 villages, 10,000,000 households, written through COPY')
    .option('--cities <n>', 'with --province: prefectures/cities (default 16)', whole('--cities'))
    .option('--counties <n>', 'with --province: counties in all (default 110)', whole('--counties'))
    .option('--villages <n>', 'with --province: villages in all (default 50000)', whole('--villages'))
    .action(async (opts: { seed?: number; households?: number; year?: number; province?: boolean; cities?: number; counties?: number; villages?: number }) => {
      if (opts.province) await (await registry()).runProvinceDemo(opts);
      else {
        for (const flag of ['cities', 'counties', 'villages'] as const)
          if (opts[flag] !== undefined) throw new KaoheError('demo-option', `--${flag} is for a province: add --province`);
        await (await registry()).runDemo(opts);
      }
    });
  cli
    .command('serve')
    .description('start the web application and its API (first start: demo county and one user per role)')
    .option('--port <port>', 'port (default $PORT or 3000)', whole('--port'), Number(process.env.PORT ?? 3000))
    .option('--host <host>', 'address to listen on (default $HOST or 127.0.0.1)', process.env.HOST ?? '127.0.0.1')
    .option('--no-demo', 'on first start of an empty installation, create only the administrator')
    .action(async (opts: { port: number; host: string; demo: boolean }) => {
      await (await import('./commands/serve.ts')).runServe(opts);
    });
  const user = cli.command('user').description('users of the web application');
  user
    .command('add')
    .description('create a user; prints a one-time password')
    .argument('<name>', 'user name')
    .requiredOption('--role <role>', 'admin, reviewer, inspector, village or viewer')
    .option('--township <code>', 'reviewer: the township reviewed')
    .option('--village <code>', 'village user: the village')
    .option('--area <code>', 'office, viewer, inspector: the province, city or county of their office (none: the whole database)')
    .option('--display-name <text>', 'name shown in the app')
    .action(async (name: string, opts: { role: string; township?: string; village?: string; area?: string; displayName?: string }) => {
      await (await import('./commands/serve.ts')).runUserAdd(name, opts);
    });
  cli
    .command('db')
    .description('database maintenance')
    .command('migrate')
    .description('apply pending migrations (they are also applied on start)')
    .action(async () => {
      await (await registry()).runMigrate();
    });
  return cli;
}

async function main(argv: string[]): Promise<void> {
  try {
    // A time zone the runtime does not know, a county ranking basis not Kaohe's, or a report replica that is not PostgreSQL's, stops every command (the server too) before it starts.
    officeTimeZone();
    countyRankingBasis();
    configuredReportReplica();
    const cli = program();
    // Campaign commands need the database and evidence store: loaded only when asked for.
    if (argv[0] === 'campaign' || argv[0] === 'audit') (await import('./commands/campaign.ts')).addCampaignCommands(cli);
    else {
      cli.command('campaign').description('assessment campaigns (kaohe campaign --help)');
      cli.command('audit').description('the audit log: verify, log (kaohe audit --help)');
    }
    // Reports load the PDF and spreadsheet libraries: only when asked for.
    if (argv[0] === 'report') (await import('./commands/report.ts')).addReportCommands(cli);
    else cli.command('report').description('Excel workbooks and PDF score sheets (kaohe report --help)');
    await cli.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is bad input.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    if (e instanceof SchemeError || e instanceof KaoheError) {
      process.stderr.write(`kaohe: ${e.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    // Anything else is a fault of Kaohe's, not of the input: say so without a stack trace
    // (KAOHE_DEBUG=1 shows it), and never echo data that may hold ID numbers.
    process.stderr.write(`kaohe: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.KAOHE_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
    process.exitCode = 70;
  }
}

// `kaohe … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

await main(process.argv.slice(2));
