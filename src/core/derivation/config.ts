/**
 * The derivation configuration: which registry rules suggest findings on which scheme item,
 * and with which thresholds. It lives next to its scheme (seed-2020.yaml →
 * seed-2020.derive.yaml). Every rule is optional: leave one out to switch it off.
 * Reading it reports every problem with its line, like the scheme loader does.
 */
import { z } from 'zod';
import { readYaml } from '../yaml-source.ts';
import { isItem, walk, type Scheme, type SchemeNode } from '../scheme/model.ts';
import { formatProblem, type SchemeProblem } from '../scheme/problems.ts';
import type { SchemeProblemParams } from '../scheme/problem-text.ts';
import { issueText } from '../field-issue.ts';
import { deriveProblemMessage, type DeriveProblemCode } from './problem-text.ts';
import { COMPARED_FIELDS, HOUSEHOLD_SOURCE_KINDS, type ComparedField, type HouseholdSourceKind } from './types.ts';

export const REPORT_STATUSES = ['on-time', 'late', 'returned', 'missing'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const PETITION_KINDS = ['petition', 'complaint'] as const;
export type PetitionKind = (typeof PETITION_KINDS)[number];

/** Settings every rule has: the item its suggestions are on, and optionally a checklist element. */
interface RuleBase {
  item: string;
  /** Checklist element of the item that the rule's suggestions name. */
  element?: string;
}

export const LEADER_MEETING_UNITS = ['month', 'week'] as const;
export const VISIT_PERIODS = ['month', 'quarter', 'period'] as const;
export type VisitPeriod = (typeof VISIT_PERIODS)[number];
export const SURVEY_SAMPLES = ['latest-per-household', 'whole-period'] as const;
export type SurveySample = (typeof SURVEY_SAMPLES)[number];
export const PUBLICITY_UNITS = ['element', 'case'] as const;
/** The answers of a satisfaction survey (surveys.answer, kind satisfaction). */
export const SATISFACTION_ANSWERS = ['satisfied', 'basic', 'dissatisfied'] as const;
export type SatisfactionAnswer = (typeof SATISFACTION_ANSWERS)[number];

export interface DeriveRules {
  /** 1.3: months with no topic meeting (element), months whose topic meetings all lack minutes (minutesElement). */
  topicMeetings?: RuleBase & { minutesElement?: string };
  /** 1.3: team-leader meetings: per 'month' with a week lacking one (default, milder) or per ISO 'week' without one. */
  leaderMeetings?: RuleBase & { per: (typeof LEADER_MEETING_UNITS)[number] };
  /** 2.2.1: one per household and field whose system value differs from a paper source (however many sources show it). */
  recordsAgree?: RuleBase & { fields: ComparedField[]; sources: HouseholdSourceKind[] };
  /** 2.3.1: one per household of the survey sample that does not know a policy (a case), not per answer. */
  policyAwareness?: RuleBase & { sample: SurveySample };
  /** 2.4.1: NOTES (count 0) on team members below minDaysPerMonth: the source sets no penalty for days on duty. */
  dutyDays?: RuleBase & { minDaysPerMonth: number };
  /** 2.4.1: one per "ten ones" duty not done in the period (element: the duty's own code, where the item lists it). */
  leaderDuties?: Omit<RuleBase, 'element'>;
  /** 2.5.3: one per eligible student of the period's school year not told to apply or not applied. */
  rainDew?: RuleBase;
  /**
   * 2.5.4 (all-or-nothing): ONE suggestion when the share of visits met is below minShareMet:
   * each assigned helper visits each of his or her households helperVisits times every helperEvery
   * (over the assignment's dates); the team leader visits every household leaderVisits times every leaderEvery.
   */
  homeVisits?: RuleBase & { helperVisits: number; helperEvery: VisitPeriod; leaderVisits: number; leaderEvery: VisitPeriod; minShareMet: number };
  /** 2.5.5 (all-or-nothing): ONE suggestion when the share of sampled households answering 基本满意 or 不满意 exceeds maxShareBelow (0: any). */
  satisfaction?: RuleBase & { sample: SurveySample; maxShareBelow: number };
  /**
   * A measured rate from the satisfaction surveys (（满意＋基本满意×0.5）÷有效票): ONE suggestion
   * carrying the value — each of the measure's terms counts the answers mapped to it (`terms`:
   * term code → answer), or a plain rate counts the `numerator` answers; 有效票 are all the
   * sample's answers. Accepted, it records the value (replacing the item's value, as any).
   */
  satisfactionRate?: Omit<RuleBase, 'element'> & { sample: SurveySample; terms?: Record<string, SatisfactionAnswer>; numerator?: SatisfactionAnswer[] };
  /** 2.6.1: a poverty village planned to exit in the period's year that did not. */
  villageExit?: RuleBase;
  /** 2.6.2: one per household planned to exit in the period's year that did not. */
  householdExit?: RuleBase & { exitedStatus: string };
  /** 3.1.3: missing entry/exit papers of the period's year's entries and exits: per checklist 'element' missing (default) or per household 'case'. */
  publicity?: Omit<RuleBase, 'element'> & { per: (typeof PUBLICITY_UNITS)[number] };
  /** 3.2.1: one per report due in the period whose status is listed. */
  reports?: RuleBase & { statuses: ReportStatus[] };
  /** 3.4.1: one per absence without leave. */
  meetingAbsence?: RuleBase;
  /** 3.5.1: one per petition of the listed kinds over the county's head; unhandled others become notes when unhandledAsNote. */
  petitions?: RuleBase & { overCountyOnly: boolean; unhandledAsNote: boolean; kinds: PetitionKind[] };
}

export type RuleName = keyof DeriveRules;

export const RULE_NAMES: readonly RuleName[] = [
  'topicMeetings',
  'leaderMeetings',
  'recordsAgree',
  'policyAwareness',
  'dutyDays',
  'leaderDuties',
  'rainDew',
  'homeVisits',
  'satisfaction',
  'satisfactionRate',
  'villageExit',
  'householdExit',
  'publicity',
  'reports',
  'meetingAbsence',
  'petitions',
];

export interface DeriveConfig {
  /** Id of the scheme the configuration is for. */
  scheme: string;
  rules: DeriveRules;
}

/** A problem in a derivation configuration; `path` is where in the file it is. */
export interface DeriveProblem extends SchemeProblem {
  path?: Array<string | number>;
}

const Code = z.string().min(1);
const base = { item: Code, element: Code.optional() };
const Count = z.number().int().min(0);
const Share = z.number().min(0).max(1);
const uniqueList = <T extends z.ZodType>(of: T) => z.array(of).min(1);

const RulesSchema = z.strictObject({
  topicMeetings: z.strictObject({ ...base, minutesElement: Code.optional() }).optional(),
  leaderMeetings: z.strictObject({ ...base, per: z.enum(LEADER_MEETING_UNITS).default('month') }).optional(),
  recordsAgree: z
    .strictObject({
      ...base,
      fields: uniqueList(z.enum(COMPARED_FIELDS)),
      sources: uniqueList(z.enum(HOUSEHOLD_SOURCE_KINDS as [HouseholdSourceKind, ...HouseholdSourceKind[]])).default([...HOUSEHOLD_SOURCE_KINDS]),
    })
    .optional(),
  policyAwareness: z.strictObject({ ...base, sample: z.enum(SURVEY_SAMPLES).default('latest-per-household') }).optional(),
  dutyDays: z.strictObject({ ...base, minDaysPerMonth: z.number().int().min(1).max(31) }).optional(),
  leaderDuties: z.strictObject({ item: Code }).optional(),
  rainDew: z.strictObject(base).optional(),
  homeVisits: z
    .strictObject({
      ...base,
      helperVisits: Count.default(1),
      helperEvery: z.enum(VISIT_PERIODS).default('month'),
      leaderVisits: Count.default(1),
      leaderEvery: z.enum(VISIT_PERIODS).default('quarter'),
      minShareMet: Share.default(1),
    })
    .optional(),
  satisfaction: z.strictObject({ ...base, sample: z.enum(SURVEY_SAMPLES).default('latest-per-household'), maxShareBelow: Share.default(0) }).optional(),
  satisfactionRate: z
    .strictObject({
      item: Code,
      sample: z.enum(SURVEY_SAMPLES).default('latest-per-household'),
      terms: z.record(Code, z.enum(SATISFACTION_ANSWERS)).optional(),
      numerator: uniqueList(z.enum(SATISFACTION_ANSWERS)).optional(),
    })
    .optional(),
  villageExit: z.strictObject(base).optional(),
  householdExit: z.strictObject({ ...base, exitedStatus: Code.default('exited') }).optional(),
  publicity: z.strictObject({ item: Code, per: z.enum(PUBLICITY_UNITS).default('element') }).optional(),
  reports: z.strictObject({ ...base, statuses: uniqueList(z.enum(REPORT_STATUSES)) }).optional(),
  meetingAbsence: z.strictObject(base).optional(),
  petitions: z
    .strictObject({
      ...base,
      overCountyOnly: z.boolean().default(true),
      unhandledAsNote: z.boolean().default(true),
      kinds: uniqueList(z.enum(PETITION_KINDS)).default(['petition']),
    })
    .optional(),
});

const DeriveFileSchema = z.strictObject({
  scheme: z.string().min(1),
  rules: RulesSchema,
});

// The schema's output must be the public type.
const _sameShape: (x: z.output<typeof DeriveFileSchema>) => DeriveConfig = (x) => x;
void _sameShape;

/** Keys whose values are codes: a plain `1.3` in YAML must stay "1.3", and `2.10` must not become 2.1. */
const CODE_KEYS = new Set(['scheme', 'item', 'element', 'minutesElement', 'exitedStatus']);

export interface DeriveLoadResult {
  config?: DeriveConfig;
  problems: DeriveProblem[];
}

export interface DeriveLoadOptions {
  file?: string;
  /** When given, the configuration is also checked against it (checkDeriveConfig). */
  scheme?: Scheme;
}

/** Parses and checks a derivation configuration; returns it only when there is no error. */
export function parseDeriveConfig(source: string, options: DeriveLoadOptions = {}): DeriveLoadResult {
  const { file } = options;
  const read = readYaml(source, CODE_KEYS);
  if (!read.ok) {
    return {
      problems: read.syntax.map(({ yamlCode, message, ...place }) => ({ severity: 'error', ...deriveProblemMessage('syntax', { detail: message, yamlCode }), file, ...place })),
    };
  }
  const { doc, locate, placeOf } = read.source;
  const problems: DeriveProblem[] = [];
  const parsed = DeriveFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { path, ...place } = placeOf(issue);
      const said = issueText(issue);
      const known = issue.code === 'unrecognized_keys' && path.length === 1 && path[0] === 'rules' ? RULE_NAMES.join(', ') : '';
      problems.push({ severity: 'error', ...deriveProblemMessage('shape', { path: path.join('.'), zh: said.zh, en: said.en, known }), file, path, ...place });
    }
    return { problems };
  }
  const config: DeriveConfig = parsed.data;
  for (const name of RULE_NAMES) {
    for (const list of ['fields', 'sources', 'statuses', 'kinds', 'numerator'] as const) {
      const values = (config.rules[name] as Record<string, unknown> | undefined)?.[list];
      if (!Array.isArray(values)) continue;
      values.forEach((v, i) => {
        if (values.indexOf(v) !== i) {
          const path = ['rules', name, list, i];
          problems.push({ severity: 'error', ...deriveProblemMessage('duplicate-value', { path: path.join('.'), value: String(v) }), file, path, ...locate(path) });
        }
      });
    }
  }
  if (options.scheme) {
    for (const p of checkDeriveConfig(config, options.scheme)) problems.push({ ...p, file, ...(p.path ? locate(p.path) : {}) });
  }
  const hasError = problems.some((p) => p.severity === 'error');
  return { config: hasError ? undefined : config, problems };
}

/** Thrown when a derivation configuration cannot be used; carries every problem found. */
export class DeriveConfigError extends Error {
  readonly problems: DeriveProblem[];
  constructor(problems: DeriveProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      `invalid derivation configuration (${errors.length} error${errors.length === 1 ? '' : 's'}):\n` +
        errors.map((p) => '  ' + formatProblem({ ...p, file: p.file ?? '<derive>' })).join('\n'),
    );
    this.name = 'DeriveConfigError';
    this.problems = problems;
  }
}

/** Parses a derivation configuration and throws a DeriveConfigError listing every error if it is invalid. */
export function loadDeriveConfig(source: string, options: DeriveLoadOptions = {}): DeriveConfig {
  const result = parseDeriveConfig(source, options);
  if (!result.config) throw new DeriveConfigError(result.problems);
  return result.config;
}

/** Rules that give ONE suggestion for the whole period: meant for an all-or-nothing item. */
const ONE_SUGGESTION_RULES: readonly RuleName[] = ['homeVisits', 'satisfaction'];

/**
 * Checks a configuration against its scheme: the scheme's id, that each rule's item exists
 * and is an item (a node with a rule), and that each named element is in that item's checklist.
 */
export function checkDeriveConfig(config: DeriveConfig, scheme: Scheme): DeriveProblem[] {
  const problems: DeriveProblem[] = [];
  const error = (path: Array<string | number>, code: DeriveProblemCode, params: SchemeProblemParams, node?: string) =>
    problems.push({ severity: 'error', ...deriveProblemMessage(code, params), path, ...(node ? { node } : {}) });
  const nodes = new Map<string, SchemeNode>();
  walk(scheme, (n) => nodes.set(n.code, n));

  if (config.scheme !== scheme.id) {
    error(['scheme'], 'scheme-mismatch', { config: config.scheme, scheme: scheme.id });
  }
  for (const name of RULE_NAMES) {
    const rule = config.rules[name] as (RuleBase & { minutesElement?: string }) | undefined;
    if (!rule) continue;
    const node = nodes.get(rule.item);
    if (!node) {
      error(['rules', name, 'item'], 'unknown-item', { rule: name, scheme: scheme.id, item: rule.item }, rule.item);
      continue;
    }
    if (!isItem(node)) {
      error(['rules', name, 'item'], 'not-an-item', { rule: name, item: rule.item }, rule.item);
      continue;
    }
    for (const key of ['element', 'minutesElement'] as const) {
      const element = rule[key];
      if (element === undefined) continue;
      const codes = (node.checklist ?? []).map((e) => e.code);
      if (codes.length === 0) {
        error(['rules', name, key], 'unknown-element', { rule: name, item: rule.item, element, codes: '' }, rule.item);
      } else if (!codes.includes(element)) {
        error(['rules', name, key], 'unknown-element', { rule: name, item: rule.item, element, codes: codes.join(', ') }, rule.item);
      }
    }
    if (name === 'satisfactionRate') {
      // A measured rate, and its terms (or numerator) as the measure has them.
      const r = config.rules.satisfactionRate!;
      const measure = node.rule?.kind === 'measured' ? node.rule.measure : undefined;
      if (measure?.kind !== 'rate') {
        error(['rules', name, 'item'], 'not-a-rate', { rule: name, item: rule.item, kind: measure ? `measured ${measure.kind}` : String(node.rule?.kind) }, rule.item);
        continue;
      }
      const want = (measure.terms ?? []).map((t) => t.code);
      const given = Object.keys(r.terms ?? {});
      const fits = want.length > 0 ? !r.numerator && given.length === want.length && want.every((c) => given.includes(c)) : !!r.numerator && given.length === 0;
      if (!fits) {
        error(
          ['rules', name, want.length > 0 ? 'terms' : 'numerator'],
          'rate-terms',
          { rule: name, item: rule.item, terms: want.join(', '), answers: SATISFACTION_ANSWERS.join(', ') },
          rule.item,
        );
      }
      continue;
    }
    if (ONE_SUGGESTION_RULES.includes(name) && node.rule?.kind !== 'allOrNothing') {
      problems.push({
        severity: 'warning',
        ...deriveProblemMessage('not-all-or-nothing', { rule: name, item: rule.item, kind: String(node.rule?.kind) }),
        path: ['rules', name, 'item'],
        node: rule.item,
      });
    }
  }
  return problems;
}
