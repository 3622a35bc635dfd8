/** `kaohe score FILE`: scores one assessment file and prints a score sheet or JSON. */
import { readFileSync } from 'node:fs';
import { describeFindingProblems, parseAssessment } from '../../core/assessment.ts';
import { KaoheError } from '../../core/errors.ts';
import { SchemeError } from '../../core/scheme/problems.ts';
import { formatPoints as fp } from '../../core/numbers.ts';
import { textOf, walk, type Lang, type Scheme } from '../../core/scheme/model.ts';
import { explain } from '../../core/scoring/explain.ts';
import { FindingsError, resultToJson, score, type ScoreResult } from '../../core/scoring/score.ts';
import { resolveScheme } from '../../schemes/index.ts';
import { padEnd, padStart } from '../../core/text-width.ts';

export interface ScoreOptions {
  scheme?: string;
  json?: boolean;
  lang: Lang;
}

/** Runs the command and returns what to print on stdout. */
export function runScore(file: string, options: ScoreOptions): string {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KaoheError('unreadable-file', `cannot read assessment file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const assessment = parseAssessment(source, file);
  const scheme = resolveAssessmentScheme(file, options.scheme, assessment.scheme);
  let result: ScoreResult;
  try {
    result = score(scheme, assessment.unit, assessment.findings);
  } catch (e) {
    if (e instanceof FindingsError) {
      throw new KaoheError(e.code, describeFindingProblems(e.problems, file, assessment.findingLines), e.problems);
    }
    throw e;
  }
  const lines = explain(result, scheme, options.lang).map((l) => l.text);
  if (options.json) {
    return JSON.stringify({ ...(resultToJson(result) as object), explanation: lines }, null, 2) + '\n';
  }
  return scoreSheet(scheme, result, lines, options.lang);
}

/** `--scheme` wins over the file's own "scheme"; an error in the latter names the file and the field. */
function resolveAssessmentScheme(file: string, option: string | undefined, fromFile: string | undefined): Scheme {
  if (option !== undefined || fromFile === undefined) return resolveScheme(option);
  try {
    return resolveScheme(fromFile);
  } catch (e) {
    if (e instanceof KaoheError || e instanceof SchemeError) {
      throw new KaoheError(e instanceof KaoheError ? e.code : 'invalid-scheme', `${file}: scheme ${JSON.stringify(fromFile)}: ${e.message}`);
    }
    throw e;
  }
}

const LABELS = {
  zh: {
    scheme: '考核细则',
    unit: '考核单位',
    code: '代码',
    item: '考核项目',
    max: '满分',
    deducted: '扣分',
    score: '得分',
    base: '基础分',
    bonus: '加分',
    penalty: '扣分项',
    converted: '折算',
    total: '总分',
    grade: '等级',
    none: '无',
    explanation: '扣分说明',
    veto: '一票否决',
    na: '不适用',
    noFindings: '无扣分',
  },
  en: {
    scheme: 'Scheme',
    unit: 'Unit',
    code: 'Code',
    item: 'Item',
    max: 'Max',
    deducted: 'Lost',
    score: 'Score',
    base: 'Base',
    bonus: 'Bonus',
    penalty: 'Penalties',
    converted: 'converted',
    total: 'Total',
    grade: 'Grade',
    none: 'none',
    explanation: 'Deductions explained',
    veto: 'Veto',
    na: 'n/a',
    noFindings: 'no deductions',
  },
} as const;

/** A readable score sheet: a table by section, then every deduction explained. */
export function scoreSheet(scheme: Scheme, result: ScoreResult, explanation: string[], lang: Lang): string {
  const L = LABELS[lang];
  const out: string[] = [];
  out.push(`${L.scheme}: ${scheme.id} v${scheme.version} ${textOf(scheme.title, lang)}`);
  out.push(`${L.unit}: ${result.unit.name ?? ''}`);
  out.push('');
  // Number columns are kept apart by a space even when a value is wider than its column
  // ("100 14.6→13.6", never "10014.6→13.6").
  const W = { code: 8, title: 36, num: 7, lost: 12 };
  const row = (code: string, title: string, max: string, lost: string, sc: string) =>
    padEnd(code, W.code) + padEnd(title, W.title) + padStart(max, W.num) + ' ' + padStart(lost, W.lost) + ' ' + padStart(sc, W.num);
  const width = W.code + W.title + 2 * W.num + W.lost + 2;
  out.push(row(L.code, L.item, L.max, L.deducted, L.score));
  out.push('-'.repeat(width));
  walk(scheme, (node, ancestors) => {
    const n = result.nodes[node.code]!;
    const indent = '  '.repeat(ancestors.length);
    const title = indent + textOf(node.title, lang);
    const max = node.points === null && n.max === 0 ? '—' : fp(n.max);
    if (!n.applicable) {
      out.push(row(node.code, title, max, '', L.na));
    } else if (n.added !== undefined && n.deductedRaw === 0) {
      out.push(row(node.code, title, max, n.addedRaw ? `+${fp(n.addedRaw)}` : '', n.added ? `+${fp(n.added)}` : ''));
    } else if (n.added !== undefined || node.penalty || ancestors[0]?.penalty) {
      // Bonus and penalty sections: what they add less what they deduct from the total.
      out.push(row(node.code, title, node.points === null ? '—' : max, n.deductedRaw ? `−${fp(n.deducted)}` : '', n.score ? fp(n.score) : ''));
    } else {
      const lost = n.deductedRaw === 0 ? '' : n.deducted === n.deductedRaw ? fp(n.deducted) : `${fp(n.deductedRaw)}→${fp(n.deducted)}`;
      out.push(row(node.code, title, max, lost, node.points === null && n.kind === 'item' ? '' : fp(n.score)));
    }
  });
  out.push('-'.repeat(width));
  const grade = result.grade ? textOf(result.grade.title, lang) : L.none;
  const converted = result.converted !== null ? ` (${L.converted} ${fp(result.converted)})` : '';
  const penalty = result.penalty > 0 ? `   ${L.penalty} −${fp(result.penalty)}` : '';
  out.push(
    `${L.base} ${fp(result.base)}/${fp(result.max)}${converted}   ${L.bonus} ${fp(result.bonus)}/${fp(result.bonusMax)}${penalty}   ${L.total} ${fp(result.total)}   ${L.grade} ${grade}`,
  );
  if (result.veto) out.push(`${L.veto}: ${result.veto.items.join(', ')}`);
  out.push('');
  out.push(`${L.explanation}:`);
  if (explanation.length === 0) out.push(`  ${L.noFindings}`);
  for (const line of explanation) out.push(`  ${line}`);
  return out.join('\n') + '\n';
}
