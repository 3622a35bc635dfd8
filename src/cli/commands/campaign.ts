/** `kaohe campaign …` and `kaohe audit …`: campaigns for scripted use. Acts as the county office (admin). */
import { localDateTime } from '../../core/time-zone.ts';
import { officeTimeZone } from '../../services/time-zone.ts';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import { parseAnchor } from '../../core/audit-anchor.ts';
import { KaoheError } from '../../core/errors.ts';
import { formatPoints as fp } from '../../core/numbers.ts';
import { BUILTIN_DIR, DEFAULT_SCHEME_ID } from '../../schemes/index.ts';
import { openServices } from '../../compose.ts';
import type { CampaignServices, EvidenceFile, FindingInput } from '../../services/campaign/index.ts';
import { CLI_ADMIN, type Actor } from '../../services/policies.ts';
import { padEnd, padStart } from '../../core/text-width.ts';
import { amountToCents, valueFromCents, valueToCents, type MeasuredValueJson } from '../../contract/finding-values.ts';
import type { MeasuredValue } from '../../core/scoring/score.ts';

/** Runs a command with the campaign side's services (the composition root's) over the configured store. */
async function withService<T>(work: (service: CampaignServices) => Promise<T>): Promise<T> {
  const services = await openServices();
  try {
    return await work(services.campaigns);
  } finally {
    await services.close();
  }
}

/** Evidence files named on the command line, checked by the service before anything is recorded. */
function evidenceFiles(paths: string[]): EvidenceFile[] {
  return paths.map((path) => ({ filename: basename(path), path }));
}

export function actorOf(opts: { user?: string }): Actor {
  return { ...CLI_ADMIN, user: opts.user ?? process.env.KAOHE_USER ?? CLI_ADMIN.user };
}

/** Scheme text and its derivation rules: a built-in id, or a file (rules from FILE.derive.yaml beside it). */
function schemeSource(ref: string | undefined): { text: string; derive: string | null; file: string } {
  const name = ref ?? DEFAULT_SCHEME_ID;
  const isPath = /[\\/]/.test(name) || ['.yaml', '.yml', '.json'].includes(extname(name));
  const file = isPath ? name : join(BUILTIN_DIR, `${name}.yaml`);
  if (!existsSync(file)) throw new KaoheError('unknown-scheme', isPath ? `cannot read scheme file ${name}` : `no built-in scheme "${name}"`);
  const deriveFile = join(dirname(file), `${basename(file, extname(file))}.derive.yaml`);
  return { text: readFileSync(file, 'utf8'), derive: existsSync(deriveFile) ? readFileSync(deriveFile, 'utf8') : null, file };
}

/** --value (a measured value as the API takes it, JSON) and --amount (points) in core's hundredths; bad ones refused naming the option. */
function kindOptions(opts: { value?: string; amount?: string }): { value?: MeasuredValue; amount?: number } {
  const out: { value?: MeasuredValue; amount?: number } = {};
  if (opts.value !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(opts.value);
    } catch {
      throw new KaoheError('validation', `--value: not JSON: ${opts.value}`);
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new KaoheError('validation', `--value: an object such as {"percent":95.5}, not ${opts.value}`);
    const v = valueToCents(json as MeasuredValueJson);
    if ('problem' in v) throw new KaoheError('validation', `--value: ${v.problem.en}`);
    out.value = v.value;
  }
  if (opts.amount !== undefined) {
    const v = amountToCents(Number(opts.amount));
    if ('problem' in v || opts.amount.trim() === '') throw new KaoheError('validation', `--amount: points with at most two decimals, not ${opts.amount}`);
    out.amount = v.amount;
  }
  return out;
}

const int = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new KaoheError('validation', `${name} must be a whole number, not "${v}"`);
  return Number(v);
};

export async function campaignId(service: CampaignServices, ref: string): Promise<number> {
  return /^\d+$/.test(ref) ? Number(ref) : service.setup.campaignByName(ref);
}

async function assessmentOf(service: CampaignServices, campaign: string, village: string) {
  const id = await service.assessments.assessmentId(await campaignId(service, campaign), village);
  const a = await service.assessments.getAssessment(CLI_ADMIN, id);
  return { id, version: a.version };
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');

export function addCampaignCommands(cli: Command): void {
  const c = cli.command('campaign').description('assessment campaigns: scope, teams, findings, suggestions, workflow, appeals, rankings');
  const user = (cmd: Command) => cmd.option('--user <name>', 'who is acting, for the audit log (default $KAOHE_USER or "cli")');

  user(
    c
      .command('create')
      .description('start a campaign: the scheme is frozen (stored as a version), every village (or those named) gets a draft assessment')
      .argument('<name>', 'campaign name, e.g. 2020年度考核')
      .requiredOption('--year <year>', 'the assessed year', int('--year'))
      .option('--scheme <id|path>', 'built-in scheme id or scheme file (its rules: FILE.derive.yaml beside it)')
      .option('--villages <codes>', 'comma-separated village codes (default: every village)')
      .option('--appeal-days <n>', 'days after publication a village may appeal (default 10)', int('--appeal-days'))
      .option('--from <date>', 'start of the inspection period, YYYY-MM-DD (default: 1 January of the year)')
      .option('--to <date>', 'end of the inspection period, YYYY-MM-DD (default: 31 December of the year)')
      .option('--period <code>', "the scheme's period the campaign is for (平时考核 daily, 年终考核 final…): required when the scheme has periods")
      .option('--parts <names>', 'a final campaign: comma-separated names of the campaigns whose results it combines with its own'),
  ).action(
    async (
      name: string,
      opts: { year: number; scheme?: string; villages?: string; appealDays?: number; from?: string; to?: string; period?: string; parts?: string; user?: string },
    ) => {
      await withService(async (service) => {
        const actor = actorOf(opts);
        const src = schemeSource(opts.scheme);
        const version = await service.schemes.storeSchemeVersion(actor, src.text, src.derive, src.file);
        const parts: number[] = [];
        for (const part of (opts.parts ?? '').split(',').map((p) => p.trim())) if (part) parts.push(await service.setup.campaignByName(part));
        const id = await service.setup.createCampaign(actor, {
          name,
          year: opts.year,
          schemeVersionId: version.id,
          ...(opts.villages
            ? {
                villages: opts.villages
                  .split(',')
                  .map((v) => v.trim())
                  .filter(Boolean),
              }
            : {}),
          ...(opts.appealDays !== undefined ? { appealDays: opts.appealDays } : {}),
          ...(opts.from ? { from: opts.from } : {}),
          ...(opts.to ? { to: opts.to } : {}),
          ...(opts.period ? { period: opts.period } : {}),
          ...(parts.length ? { parts } : {}),
        });
        out(
          `campaign ${id} "${name}" (${opts.year}${opts.period ? `, ${opts.period}` : ''}) by ${version.schemeId} v${version.version}${version.created ? ' (scheme version stored)' : ''}`,
        );
      });
    },
  );

  c.command('list')
    .description('campaigns with their progress')
    .action(async () => {
      await withService(async (service) => {
        for (const x of await service.setup.listCampaigns()) {
          const progress = Object.entries(x.byStatus)
            .map(([s, n]) => `${s} ${n}`)
            .join(', ');
          out(`${x.id}\t${x.name}\t${x.year}\t${x.scheme}\t${x.villages} villages: ${progress}`);
        }
      });
    });

  user(
    c
      .command('team')
      .description('create an inspection team or set its members')
      .argument('<campaign>')
      .argument('<team>')
      .requiredOption('--members <users>', 'comma-separated user names'),
  ).action(async (campaign: string, team: string, opts: { members: string; user?: string }) => {
    await withService(async (service) => {
      const id = await service.setup.setTeam(actorOf(opts), await campaignId(service, campaign), team, opts.members.split(','));
      out(`team ${id} "${team}": ${opts.members}`);
    });
  });

  user(
    c
      .command('assign')
      .description('assign villages to an inspection team (moving them from another): by code, every village of townships, or all')
      .argument('<campaign>')
      .argument('<team>')
      .argument('[villages...]')
      .option('--township <codes>', 'comma-separated township codes: every village of the campaign in them')
      .option('--all', 'every village of the campaign'),
  ).action(async (campaign: string, team: string, villages: string[], opts: { township?: string; all?: boolean; user?: string }) => {
    await withService(async (service) => {
      const townships = opts.township
        ? opts.township
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : [];
      const n = await service.setup.assignVillages(actorOf(opts), await campaignId(service, campaign), team, { villages, townships, all: opts.all === true });
      out(`${n} villages assigned to ${team}`);
    });
  });

  c.command('show')
    .description("one village's assessment: status, findings, suggestions, appeals, score and its explanation")
    .argument('<campaign>')
    .argument('<village>')
    .option('--json', 'print JSON')
    .option('--lang <lang>', 'zh or en', 'zh')
    .action(async (campaign: string, village: string, opts: { json?: boolean; lang: string }) => {
      await withService(async (service) => {
        const id = await service.assessments.assessmentId(await campaignId(service, campaign), village);
        const a = await service.assessments.getAssessment(CLI_ADMIN, id, opts.lang === 'en' ? 'en' : 'zh');
        if (opts.json) return out(JSON.stringify(a, null, 2));
        const s = a.score as { base: number; bonus: number; total: number; max: number };
        out(`${a.village.name} (${a.village.code}) — ${a.campaign}, ${a.scheme.id} v${a.scheme.version} — ${a.status}, version ${a.version}`);
        out(`total ${s.total} = base ${s.base}/${s.max} + bonus ${s.bonus}`);
        if (a.comment) out(`comment: ${a.comment}`);
        out('findings:');
        for (const f of a.findings) {
          const extra = `${f.part ? ` part ${f.part}` : ''}${f.value ? ` value ${JSON.stringify(valueFromCents(f.value))}` : ''}${f.amount !== null ? ` amount ${fp(f.amount)}` : ''}`;
          out(`  #${f.id} ${f.item}${f.element ? `/${f.element}` : ''} ×${f.count}${extra} [${f.status}, ${f.source}]${f.note ? ` ${f.note}` : ''}`);
        }
        const open = a.suggestions.filter((x) => x.status === 'open');
        out(`suggestions: ${a.suggestions.length} (${open.length} open)`);
        for (const x of open.slice(0, 30)) out(`  #${x.id} ${x.item} ×${x.count} ${x.summaryZh}`);
        if (open.length > 30) out(`  … ${open.length - 30} more (--json lists all)`);
        if (a.appeals.length) out('appeals:');
        for (const ap of a.appeals) out(`  #${ap.id} ${ap.item} [${ap.status}] ${ap.reason}${ap.decisionReason ? ` → ${ap.decisionReason}` : ''}`);
        out('explanation:');
        for (const line of a.explanation) out(`  ${line}`);
      });
    });

  user(c.command('suggest').description('derive suggested findings from the registry for a village').argument('<campaign>').argument('<village>')).action(
    async (campaign: string, village: string, opts: { user?: string }) => {
      await withService(async (service) => {
        const id = await service.assessments.assessmentId(await campaignId(service, campaign), village);
        const r = await service.suggestions.deriveSuggestions(actorOf(opts), id);
        out(`${r.total} suggestions derived, ${r.added} new`);
      });
    },
  );

  user(
    c
      .command('accept')
      .description('accept a suggestion: it becomes a finding')
      .argument('<campaign>')
      .argument('<village>')
      .argument('<suggestion>', 'suggestion id', int('suggestion')),
  ).action(async (campaign: string, village: string, suggestion: number, opts: { user?: string }) => {
    await withService(async (service) => {
      const a = await assessmentOf(service, campaign, village);
      const findingId = await service.suggestions.acceptSuggestion(actorOf(opts), a.id, a.version, suggestion);
      out(`suggestion ${suggestion} accepted: finding ${findingId}`);
    });
  });

  user(
    c
      .command('dismiss')
      .description('dismiss a suggestion with a reason')
      .argument('<campaign>')
      .argument('<village>')
      .argument('<suggestion>', 'suggestion id', int('suggestion'))
      .requiredOption('--reason <text>'),
  ).action(async (campaign: string, village: string, suggestion: number, opts: { reason: string; user?: string }) => {
    await withService(async (service) => {
      const a = await assessmentOf(service, campaign, village);
      await service.suggestions.dismissSuggestion(actorOf(opts), a.id, a.version, suggestion, opts.reason);
      out(`suggestion ${suggestion} dismissed`);
    });
  });

  const finding = c.command('finding').description('record or withdraw findings');
  user(
    finding
      .command('add')
      .argument('<campaign>')
      .argument('<village>')
      .argument('<item>', 'scheme item code, e.g. 1.1')
      .option('--count <n>', 'occurrences (default 1)', int('--count'))
      .option('--element <code>', 'the checklist element that failed')
      .option('--note <text>')
      .option('--household <no>', 'household number concerned')
      .option(
        '--value <json>',
        'a measured item\'s value, as the API takes it: \'{"num":93,"of":100}\', \'{"percent":95.5}\', \'{"amount":12.5}\', \'{"level":"a"}\'; replaces the value recorded before',
      )
      .option('--amount <points>', 'a discretionary (range) item: the points picked per occurrence (give the reason with --note)')
      .option('--part <code>', 'an item with several rules: the part the finding is about')
      .option('--evidence <files...>', 'photos, scans or PDFs'),
  ).action(
    async (
      campaign: string,
      village: string,
      item: string,
      opts: { count?: number; element?: string; note?: string; household?: string; value?: string; amount?: string; part?: string; evidence?: string[]; user?: string },
    ) => {
      await withService(async (service) => {
        const a = await assessmentOf(service, campaign, village);
        const files = opts.evidence ?? [];
        const input: FindingInput = {
          item,
          ...(opts.count !== undefined ? { count: opts.count } : {}),
          ...(opts.element ? { element: opts.element } : {}),
          ...(opts.note ? { note: opts.note } : {}),
          ...(opts.household ? { household: opts.household } : {}),
          ...(opts.part ? { part: opts.part } : {}),
        };
        Object.assign(input, kindOptions(opts));
        const id = await service.findings.addFinding(actorOf(opts), a.id, a.version, input, evidenceFiles(files));
        out(`finding ${id} recorded${files.length ? ` with ${files.length} evidence file(s)` : ''}`);
      });
    },
  );
  user(finding.command('withdraw').argument('<campaign>').argument('<village>').argument('<finding>', 'finding id', int('finding')).requiredOption('--reason <text>')).action(
    async (campaign: string, village: string, findingId: number, opts: { reason: string; user?: string }) => {
      await withService(async (service) => {
        const a = await assessmentOf(service, campaign, village);
        await service.findings.withdrawFinding(actorOf(opts), a.id, a.version, findingId, opts.reason);
        out(`finding ${findingId} withdrawn`);
      });
    },
  );

  for (const [name, step, desc] of [
    ['submit', 'submit', 'the inspection team submits the assessment'],
    ['send-back', 'sendBack', 'the reviewer sends it back to the team, with a comment'],
    ['review', 'review', 'the reviewer approves it'],
    ['publish', 'publish', 'the office publishes it'],
  ] as const) {
    user(c.command(name).description(desc).argument('<campaign>').argument('<village>').option('--comment <text>')).action(
      async (campaign: string, village: string, opts: { comment?: string; user?: string }) => {
        await withService(async (service) => {
          const a = await assessmentOf(service, campaign, village);
          await service.workflow.transition(actorOf(opts), a.id, a.version, step, opts.comment);
          out(`${village}: ${name} done`);
        });
      },
    );
  }

  user(c.command('publish-all').description('publish every reviewed assessment and snapshot the ranking').argument('<campaign>')).action(
    async (campaign: string, opts: { user?: string }) => {
      await withService(async (service) => {
        const r = await service.workflow.publishCampaign(actorOf(opts), await campaignId(service, campaign));
        out(`${r.published} assessments published; ranking snapshot ${r.snapshotId}`);
      });
    },
  );

  user(
    c
      .command('appeal')
      .description('a village appeals an item of its published result')
      .argument('<campaign>')
      .argument('<village>')
      .argument('<item>')
      .requiredOption('--reason <text>')
      .option('--evidence <files...>', 'photos, scans or PDFs supporting the appeal'),
  ).action(async (campaign: string, village: string, item: string, opts: { reason: string; evidence?: string[]; user?: string }) => {
    await withService(async (service) => {
      const id = await service.assessments.assessmentId(await campaignId(service, campaign), village);
      const files = opts.evidence ?? [];
      // As with findings: every file is checked first, so a bad file opens no appeal.
      const appealId = await service.appeals.appeal(actorOf(opts), id, { item, reason: opts.reason }, evidenceFiles(files));
      out(`appeal ${appealId} opened${files.length ? ` with ${files.length} evidence file(s)` : ''}`);
    });
  });

  user(
    c
      .command('decide')
      .description('decide an appeal: upheld, adjusted (with --count) or rejected; a measured item by --value, a range item may take --amount, a several-rule item --part')
      .argument('<appeal>', 'appeal id', int('appeal'))
      .argument('<outcome>', 'upheld | adjusted | rejected')
      .requiredOption('--reason <text>')
      .option('--count <n>', 'the adjusted count', int('--count'))
      .option('--value <json>', 'a measured item: the value the appeal established, as the API takes it (\'{"num":98,"of":100}\', \'{"percent":98}\')')
      .option('--amount <points>', 'a discretionary (range) item: the adjusted points per occurrence')
      .option('--part <code>', 'an item with several rules: the part adjusted'),
  ).action(async (appeal: number, outcome: string, opts: { reason: string; count?: number; value?: string; amount?: string; part?: string; user?: string }) => {
    if (outcome !== 'upheld' && outcome !== 'adjusted' && outcome !== 'rejected')
      throw new KaoheError('validation', `outcome must be upheld, adjusted or rejected, not "${outcome}"`);
    await withService(async (service) => {
      await service.appeals.decideAppeal(actorOf(opts), appeal, {
        outcome,
        reason: opts.reason,
        ...(opts.count !== undefined ? { count: opts.count } : {}),
        ...(opts.part ? { part: opts.part } : {}),
        ...kindOptions(opts),
      });
      out(`appeal ${appeal}: ${outcome}`);
    });
  });

  c.command('ranking')
    .description('the ranking: county and per township (competition ranks), change vs the previous campaign')
    .argument('<campaign>')
    .option('--json', 'print JSON')
    .option('--published', 'published results only (the default; kept for compatibility)')
    .option('--preview', 'internal preview (内部预览): rank submitted and reviewed results too, provisionally')
    .action(async (campaign: string, opts: { json?: boolean; published?: boolean; preview?: boolean }) => {
      await withService(async (service) => {
        const id = await campaignId(service, campaign);
        const r = await service.rankings.ranking(CLI_ADMIN, id, { preview: !!opts.preview, publishedOnly: !!opts.published });
        if (opts.json) return out(JSON.stringify(r, null, 2));
        out(`${r.campaign.name} (${r.scheme.id} v${r.scheme.version})${r.basis === 'preview' ? ' 内部预览 (internal preview: provisional ranks)' : ', published results'}`);
        // A final campaign: each period's weighted part, bonus and deductions beside the combined score.
        const periods = 'periods' in r ? (r.periods ?? []) : [];
        const graded = r.county.some((row) => row.grade != null);
        const { scheme } = await service.schemes.schemeOf((await service.setup.campaignDetail(CLI_ADMIN, id)).scheme.versionId);
        const gradeTitle = (code: string | null | undefined) => (code ? (scheme.grades.find((g) => g.code === code)?.title.zh ?? code) : '—');
        const ranked = r.county.some((row) => row.rankPoints !== undefined);
        if (periods.length) out(`综合得分＝${periods.map((p) => `${p.title.zh}×${fp(p.weight)}%`).join('＋')}＋加分－扣分`);
        out(
          padEnd('县排名', 8) +
            padEnd('乡镇排名', 10) +
            padEnd('村', 14) +
            padEnd('乡镇', 12) +
            periods.map((p) => padStart(p.title.zh, 10)).join('') +
            (periods.length ? padStart('加分', 8) + padStart('扣分', 8) : '') +
            padStart(periods.length ? '综合得分' : '总分', 10) +
            (graded ? padStart('等次', 10) : '') +
            (ranked ? padStart('名次分', 8) : '') +
            padStart('变化', 8),
        );
        for (const row of r.county) {
          const delta = row.change?.totalDelta == null ? '—' : (row.change.totalDelta >= 0 ? '+' : '') + fp(row.change.totalDelta);
          const grade = !graded
            ? ''
            : row.scoredGrade !== undefined && row.scoredGrade !== row.grade
              ? `${gradeTitle(row.scoredGrade)}→${gradeTitle(row.grade)}`
              : gradeTitle(row.grade);
          out(
            padEnd(String(row.countyRank), 8) +
              padEnd(String(row.townshipRank), 10) +
              padEnd(row.name, 14) +
              padEnd(row.townshipName, 12) +
              periods.map((p) => padStart(fp(row.combined?.periods.find((x) => x.code === p.code)?.weighted ?? 0), 10)).join('') +
              (periods.length ? padStart(fp(row.bonus), 8) + padStart(fp(row.combined?.penalty ?? 0), 8) : '') +
              padStart(fp(row.total), 10) +
              (graded ? padStart(grade, 10) : '') +
              (ranked ? padStart(row.rankPoints === undefined ? '—' : fp(row.rankPoints), 8) : '') +
              padStart(delta, 8),
          );
        }
        const states = { unassessed: '未考核', unpublished: '未发布' };
        for (const u of r.unranked) out(padEnd(states[u.state], 18) + padEnd(u.name, 14) + padEnd(u.townshipName, 12));
      });
    });

  user(
    c
      .command('rescore')
      .description('rescore a campaign with another version of its scheme: shows old and new score and rank, applies with --yes')
      .argument('<campaign>')
      .requiredOption('--scheme <id|path>', 'the corrected scheme (same id, higher version)')
      .option('--yes', 'apply after showing the preview'),
  ).action(async (campaign: string, opts: { scheme: string; yes?: boolean; user?: string }) => {
    await withService(async (service) => {
      const actor = actorOf(opts);
      const id = await campaignId(service, campaign);
      const src = schemeSource(opts.scheme);
      const version = await service.schemes.storeSchemeVersion(actor, src.text, src.derive, src.file);
      const preview = await service.rescoring.rescorePreview(actor, id, version.id);
      out(`${preview.from} → ${preview.to}`);
      for (const r of preview.rows) {
        if (r.error) out(`  ${r.village} ${r.name}: ${r.error}`);
        else if (r.newTotal !== r.oldTotal || r.newRank !== r.oldRank) out(`  ${r.village} ${r.name}: ${fp(r.oldTotal)} (#${r.oldRank}) → ${fp(r.newTotal!)} (#${r.newRank})`);
      }
      const changed = preview.rows.filter((r) => r.newTotal !== r.oldTotal).length;
      out(`${changed} of ${preview.rows.length} villages change`);
      if (!opts.yes) return out('nothing applied: run again with --yes to apply');
      const r = await service.rescoring.rescoreApply(actor, id, version.id);
      out(`applied: ${r.changed} villages rescored`);
    });
  });

  const audit = cli.command('audit').description('the audit log');
  audit
    .command('verify')
    .description('check the keyed chain of the audit log, its head and its anchors (ranking snapshots, and --anchor N:HEX as printed on a report); name the first break')
    .option('--anchor <N:HEX...>', 'an anchor printed on a report (审计锚点): the number of entries and the first hex digits of the hash')
    .action(async (opts: { anchor?: string[] }) => {
      const anchors = (opts.anchor ?? []).map((text) => {
        const a = parseAnchor(text, `the printed anchor ${text}`);
        if (!a)
          throw new KaoheError(
            'validation',
            `--anchor: ${text.slice(0, 80)} is not an anchor: write N:HEX as printed on a report (the number of entries, a colon, at least 16 hex digits)`,
          );
        return a;
      });
      await withService(async (service) => {
        const v = await service.audit.verifyAudit(anchors);
        if (v.ok) return out(`audit log intact: ${v.entries} entries, ${v.anchors} anchors checked`);
        process.stderr.write(
          `audit log BROKEN at entry ${v.broken!.id ?? '(end)'} (position ${v.broken!.position}): ${v.broken!.reason}; ${v.entries} entries before it are intact\n`,
        );
        process.exitCode = 1;
      });
    });
  audit
    .command('log')
    .description('the latest audit entries')
    .option('--limit <n>', 'entries', int('--limit'), 50)
    .option('--lang <zh|en>', 'the language of the sentences', 'zh')
    .option('--details', 'each entry as before: action, entity and the after values as JSON, instead of its sentence')
    .action(async (opts: { limit: number; lang: string; details?: boolean }) => {
      const lang = langOf(opts.lang);
      await withService(async (service) => {
        for (const e of await service.audit.auditLogWithSentences(CLI_ADMIN, { limit: opts.limit }, lang)) {
          if (opts.details) out(`${e.id}\t${e.at}\t${e.actor}\t${e.action}\t${e.entity} ${e.entityId}\t${e.after === null ? '' : JSON.stringify(e.after)}`);
          // The sentence view in the office's time; --details keeps the instant as stored (UTC).
          else out(`${e.id}\t${localDateTime(e.at, officeTimeZone(), { seconds: true })}\t${e.sentence}`);
        }
      });
    });
  audit
    .command('export')
    .description('the audit log as a workbook (.xlsx): every entry with its sentence, and the verification result and anchor in its title rows')
    .requiredOption('-o, --output <file.xlsx>', 'where to write it')
    .option('--lang <zh|en>', 'the language of the workbook', 'zh')
    .action(async (opts: { output: string; lang: string }) => {
      await withService(async (service) => {
        const { body, verification } = await service.audit.exportAudit(CLI_ADMIN, langOf(opts.lang));
        await writeFile(opts.output, body);
        out(`${opts.output}: ${verification.entries} entries verified${verification.ok ? '' : `; BROKEN at position ${verification.broken?.position}`}`);
        if (!verification.ok) process.exitCode = 1;
      });
    });
}

function langOf(text: string): 'zh' | 'en' {
  if (text !== 'zh' && text !== 'en') throw new KaoheError('validation', `--lang: ${text.slice(0, 20)} is not a language: write zh or en`);
  return text;
}
