import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinScheme } from '../../schemes/index.ts';
import { formatProblem } from '../scheme/problems.ts';
import { deriveProblemText } from './problem-text.ts';
import { checkDeriveConfig, DeriveConfigError, loadDeriveConfig, parseDeriveConfig, RULE_NAMES, type DeriveConfig, type DeriveProblem } from './config.ts';

const SEED_DERIVE = readFileSync(new URL('../../schemes/seed-2020.derive.yaml', import.meta.url), 'utf8');
const seed = builtinScheme('seed-2020');

/** 1-based line of the only line of `source` that contains `needle`. */
function lineOf(source: string, needle: string): number {
  const hits = source.split('\n').flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`needle ${JSON.stringify(needle)} is on ${hits.length} lines`);
  return hits[0]!;
}

function problemsOf(source: string): DeriveProblem[] {
  return parseDeriveConfig(source, { file: 'test.derive.yaml', scheme: seed }).problems;
}

/** The one problem with this code; checks there is exactly one. */
function only(problems: DeriveProblem[], code: string): DeriveProblem {
  const hits = problems.filter((p) => p.code === code);
  expect(hits, `problems with code ${code} in ${JSON.stringify(problems)}`).toHaveLength(1);
  return hits[0]!;
}

describe('the seed derivation configuration', () => {
  it('loads and checks clean against the seed scheme', () => {
    const result = parseDeriveConfig(SEED_DERIVE, { file: 'seed-2020.derive.yaml', scheme: seed });
    expect(result.problems).toEqual([]);
    expect(result.config).toBeDefined();
    expect(checkDeriveConfig(result.config!, seed)).toEqual([]);
  });

  it('switches on every rule, on the items READING.md names', () => {
    const config = loadDeriveConfig(SEED_DERIVE, { scheme: seed });
    // satisfactionRate measures a rate: the seed has no item scored by one.
    expect(Object.keys(config.rules).sort()).toEqual(RULE_NAMES.filter((n) => n !== 'satisfactionRate').sort());
    const items = Object.fromEntries(Object.entries(config.rules).map(([name, rule]) => [name, rule.item]));
    expect(items).toEqual({
      topicMeetings: '1.3',
      leaderMeetings: '1.3',
      recordsAgree: '2.2.1',
      policyAwareness: '2.3.1',
      dutyDays: '2.4.1',
      leaderDuties: '2.4.1',
      rainDew: '2.5.3',
      homeVisits: '2.5.4',
      satisfaction: '2.5.5',
      villageExit: '2.6.1',
      householdExit: '2.6.2',
      publicity: '3.1.3',
      reports: '3.2.1',
      meetingAbsence: '3.4.1',
      petitions: '3.5.1',
    });
    expect(config.rules.topicMeetings).toEqual({ item: '1.3', element: 'monthly-meeting', minutesElement: 'minutes' });
    expect(config.rules.leaderMeetings).toEqual({ item: '1.3', element: 'weekly-meeting', per: 'month' });
    expect(config.rules.dutyDays!.minDaysPerMonth).toBe(20);
    expect(config.rules.homeVisits).toEqual({ item: '2.5.4', helperVisits: 1, helperEvery: 'month', leaderVisits: 1, leaderEvery: 'quarter', minShareMet: 1 });
    expect(config.rules.satisfaction).toEqual({ item: '2.5.5', sample: 'latest-per-household', maxShareBelow: 0 });
    expect(config.rules.policyAwareness).toEqual({ item: '2.3.1', sample: 'latest-per-household' });
    expect(config.rules.reports!.statuses).toEqual(['late', 'returned']);
    expect(config.rules.petitions).toEqual({ item: '3.5.1', overCountyOnly: true, unhandledAsNote: true, kinds: ['petition'] });
    expect(config.rules.publicity).toEqual({ item: '3.1.3', per: 'element' });
    expect(config.rules.recordsAgree!.fields).toHaveLength(9);
  });
});

describe('reading a configuration', () => {
  it('needs only the scheme and the rules; every rule is optional', () => {
    const config = loadDeriveConfig('scheme: seed-2020\nrules: {}\n', { scheme: seed });
    expect(config).toEqual({ scheme: 'seed-2020', rules: {} });
  });

  it('fills the defaults of the optional settings', () => {
    const config = loadDeriveConfig(
      [
        'scheme: seed-2020',
        'rules:',
        '  recordsAgree: { item: "2.2.1", fields: [size] }',
        '  householdExit: { item: "2.6.2" }',
        '  petitions: { item: "3.5.1" }',
        '  leaderMeetings: { item: "1.3" }',
        '  homeVisits: { item: "2.5.4" }',
        '  satisfaction: { item: "2.5.5" }',
        '  policyAwareness: { item: "2.3.1" }',
        '  publicity: { item: "3.1.3" }',
      ].join('\n'),
      { scheme: seed },
    );
    expect(config.rules.recordsAgree!.sources).toEqual(['handbook', 'collection-form']);
    expect(config.rules.householdExit!.exitedStatus).toBe('exited');
    expect(config.rules.petitions).toEqual({ item: '3.5.1', overCountyOnly: true, unhandledAsNote: true, kinds: ['petition'] });
    expect(config.rules.leaderMeetings).toEqual({ item: '1.3', per: 'month' });
    expect(config.rules.homeVisits).toEqual({ item: '2.5.4', helperVisits: 1, helperEvery: 'month', leaderVisits: 1, leaderEvery: 'quarter', minShareMet: 1 });
    expect(config.rules.satisfaction).toEqual({ item: '2.5.5', sample: 'latest-per-household', maxShareBelow: 0 });
    expect(config.rules.policyAwareness).toEqual({ item: '2.3.1', sample: 'latest-per-household' });
    expect(config.rules.publicity).toEqual({ item: '3.1.3', per: 'element' });
  });

  it('keeps an unquoted item code a code: 1.3 stays "1.3"', () => {
    const config = loadDeriveConfig('scheme: seed-2020\nrules:\n  leaderMeetings: { item: 1.3, element: weekly-meeting }\n', { scheme: seed });
    expect(config.rules.leaderMeetings!.item).toBe('1.3');
  });

  it('reads without a scheme, and does not check items then', () => {
    const result = parseDeriveConfig('scheme: other\nrules:\n  rainDew: { item: "9.9" }\n');
    expect(result.problems).toEqual([]);
    expect(result.config!.rules.rainDew!.item).toBe('9.9');
  });
});

describe('problems, each on its line', () => {
  it('reports a YAML syntax error with its line', () => {
    const source = 'scheme: seed-2020\nrules:\n  rainDew: { item: "2.5.3"\n';
    const p = problemsOf(source)[0]!;
    expect(p).toMatchObject({ severity: 'error', code: 'syntax', file: 'test.derive.yaml' });
    expect(p.line).toBeGreaterThanOrEqual(3);
  });

  it('reports an unknown rule on its own line and lists the known ones', () => {
    const source = 'scheme: seed-2020\nrules:\n  rainDew: { item: "2.5.3" }\n  homeVisit: { item: "2.5.4" }\n';
    const p = only(problemsOf(source), 'shape');
    expect(p.line).toBe(lineOf(source, 'homeVisit:'));
    expect(p.message).toContain('homeVisit');
    expect(p.message).toContain('homeVisits');
  });

  it('reports a mistyped setting inside a rule on its own line', () => {
    const source = ['scheme: seed-2020', 'rules:', '  dutyDays:', '    item: "2.4.1"', '    minDaysPerMonth: 20', '    minDaysPerMonht: 21', ''].join('\n');
    const p = only(problemsOf(source), 'shape');
    expect(p.line).toBe(lineOf(source, 'minDaysPerMonht'));
  });

  it('reports a missing threshold on its rule line: thresholds have no default in code', () => {
    const source = 'scheme: seed-2020\nrules:\n  rainDew: { item: "2.5.3" }\n  dutyDays: { item: "2.4.1" }\n';
    const p = only(problemsOf(source), 'shape');
    expect(p.message).toContain('rules.dutyDays.minDaysPerMonth');
    expect(p.line).toBe(lineOf(source, 'dutyDays'));
  });

  it('reports a threshold that is not a whole number, or out of range, on its line', () => {
    const source = [
      'scheme: seed-2020',
      'rules:',
      '  dutyDays:',
      '    item: "2.4.1"',
      '    minDaysPerMonth: 32',
      '  homeVisits:',
      '    item: "2.5.4"',
      '    helperVisits: 2.5',
      '    leaderVisits: -1',
      '    minShareMet: 1.5',
      '',
    ].join('\n');
    const problems = problemsOf(source);
    expect(problems.map((p) => p.line).sort((a, b) => a! - b!)).toEqual([
      lineOf(source, 'minDaysPerMonth'),
      lineOf(source, 'helperVisits'),
      lineOf(source, 'leaderVisits'),
      lineOf(source, 'minShareMet'),
    ]);
  });

  it('reports an unknown field, status or kind on its line', () => {
    const source = [
      'scheme: seed-2020',
      'rules:',
      '  recordsAgree:',
      '    item: "2.2.1"',
      '    fields:',
      '      - size',
      '      - housing',
      '  reports:',
      '    item: "3.2.1"',
      '    statuses: [late, lost]',
      '',
    ].join('\n');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ code: 'shape', line: lineOf(source, '- housing') });
    expect(problems[1]).toMatchObject({ code: 'shape', line: lineOf(source, 'statuses') });
  });

  it('reports a field listed twice on its line', () => {
    const source = 'scheme: seed-2020\nrules:\n  recordsAgree:\n    item: "2.2.1"\n    fields:\n      - size\n      - phone\n      - size # again\n';
    const p = only(problemsOf(source), 'duplicate-value');
    expect(p.line).toBe(lineOf(source, '# again'));
  });

  it('reports an item the scheme does not have on the item line', () => {
    const source = 'scheme: seed-2020\nrules:\n  rainDew: { item: "2.5.3" }\n  reports:\n    item: "3.2.9"\n    statuses: [late]\n';
    const p = only(problemsOf(source), 'unknown-item');
    expect(p).toMatchObject({ severity: 'error', node: '3.2.9', line: lineOf(source, '3.2.9') });
  });

  it('reports a section named as an item', () => {
    const source = 'scheme: seed-2020\nrules:\n  meetingAbsence:\n    item: "3.4"\n';
    const p = only(problemsOf(source), 'not-an-item');
    expect(p.line).toBe(lineOf(source, '"3.4"'));
    expect(p.message).toContain('section');
  });

  it('reports an element not in the item checklist, naming the ones it has', () => {
    const source = ['scheme: seed-2020', 'rules:', '  topicMeetings:', '    item: "1.3"', '    element: monthly-meeting', '    minutesElement: minute', ''].join('\n');
    const p = only(problemsOf(source), 'unknown-element');
    expect(p.line).toBe(lineOf(source, 'minutesElement'));
    expect(p.message).toContain('monthly-meeting, minutes, weekly-meeting');
  });

  it('reports an element on an item without a checklist', () => {
    const source = 'scheme: seed-2020\nrules:\n  policyAwareness: { item: "2.3.1", element: unaware }\n';
    const p = only(problemsOf(source), 'unknown-element');
    expect(p.message).toContain('has no checklist');
    expect(p.line).toBe(3);
  });

  it('reports a configuration written for another scheme', () => {
    const source = 'scheme: seed-2021\nrules: {}\n';
    const p = only(problemsOf(source), 'scheme-mismatch');
    expect(p.line).toBe(1);
  });

  it('warns, without refusing, when a one-suggestion rule points at an item that is not all-or-nothing', () => {
    const source = 'scheme: seed-2020\nrules:\n  satisfaction: { item: "2.5.3" }\n';
    const result = parseDeriveConfig(source, { scheme: seed });
    expect(only(result.problems, 'not-all-or-nothing')).toMatchObject({ severity: 'warning', line: 3 });
    expect(result.config).toBeDefined();
  });

  it('loadDeriveConfig throws every error with file and line', () => {
    const source = 'scheme: seed-2020\nrules:\n  rainDew: { item: "2.5.9" }\n  villageExit: { item: "2" }\n';
    let error: unknown;
    try {
      loadDeriveConfig(source, { file: 'x.derive.yaml', scheme: seed });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeriveConfigError);
    const e = error as DeriveConfigError;
    expect(e.problems.map((p) => p.code)).toEqual(['unknown-item', 'not-an-item']);
    expect(e.message).toContain('2 errors');
    expect(e.message).toContain('x.derive.yaml:3:');
    expect(e.message).toContain('x.derive.yaml:4:');
    expect(formatProblem(e.problems[0]!)).toMatch(/^x\.derive\.yaml:3:\d+: error \[unknown-item\] node 2\.5\.9:/);
  });
});

describe('checkDeriveConfig on a configuration built in code', () => {
  it('returns the problems with the path to the setting, and no line', () => {
    const config: DeriveConfig = {
      scheme: 'seed-2020',
      rules: {
        leaderMeetings: { item: '1.3', element: 'weekly', per: 'month' },
        reports: { item: '3.2', statuses: ['late'] },
        rainDew: { item: '2.5.3' },
      },
    };
    const problems = checkDeriveConfig(config, seed);
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['unknown-element', ['rules', 'leaderMeetings', 'element'], undefined],
      ['not-an-item', ['rules', 'reports', 'item'], undefined],
    ]);
  });
});

describe('satisfactionRate: a measured rate from the surveys', () => {
  const township = builtinScheme('township-2024');
  const text = (rule: string) => `scheme: township-2024\nrules:\n  satisfactionRate: ${rule}\n`;

  it('the township scheme’s own file: 1.3 群众认可度 by its terms', () => {
    const result = parseDeriveConfig(readFileSync(new URL('../../schemes/township-2024.derive.yaml', import.meta.url), 'utf8'), { scheme: township });
    expect(result.problems).toEqual([]);
    expect(result.config!.rules.satisfactionRate).toEqual({ item: '1.3', sample: 'latest-per-household', terms: { satisfied: 'satisfied', basic: 'basic' } });
  });

  it('refuses an item not scored by a rate, and terms that are not the measure’s, naming the rule and the item', () => {
    const notRate = parseDeriveConfig(text('{ item: "4.3", terms: { a: satisfied } }'), { scheme: township });
    expect(notRate.problems.map((p) => [p.code, p.node])).toEqual([['not-a-rate', '4.3']]);
    const missing = parseDeriveConfig(text('{ item: "1.3", terms: { satisfied: satisfied } }'), { scheme: township });
    expect(missing.problems.map((p) => [p.code, p.line])).toEqual([['rate-terms', 3]]);
    expect(deriveProblemText(missing.problems[0]!, 'zh')).toContain('satisfied, basic');
    const plain = parseDeriveConfig(text('{ item: "2.2", numerator: [satisfied] }'), { scheme: township });
    expect(plain.problems).toEqual([]);
    const both = parseDeriveConfig(text('{ item: "2.2", numerator: [satisfied], terms: { x: basic } }'), { scheme: township });
    expect(both.problems.map((p) => p.code)).toEqual(['rate-terms']);
    const badAnswer = parseDeriveConfig(text('{ item: "1.3", terms: { satisfied: happy, basic: basic } }'), { scheme: township });
    expect(badAnswer.problems.map((p) => p.code)).toEqual(['shape']);
  });
});
