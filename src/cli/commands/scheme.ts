/** `kaohe scheme list|show|lint|export`. */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { KaoheError } from '../../core/errors.ts';
import { formatPoints as fp } from '../../core/numbers.ts';
import { describeCondition } from '../../core/scheme/conditions.ts';
import { lintNotes } from '../../core/scheme/lint.ts';
import { parseScheme } from '../../core/scheme/load.ts';
import { textOf, type Lang, type Scheme, type SchemeNode } from '../../core/scheme/model.ts';
import { ruleSummary } from '../../core/scheme/rule-summary.ts';
import { formatProblem } from '../../core/scheme/problems.ts';
import { schemeToData } from '../../core/scheme/serialize.ts';
import { builtinScheme, builtinSchemeIds, DEFAULT_SCHEME_ID, resolveScheme } from '../../schemes/index.ts';

/** Lists the built-in schemes. */
export function runSchemeList(lang: Lang): string {
  return (
    builtinSchemeIds()
      .map((id) => {
        const s = builtinScheme(id);
        const mark = id === DEFAULT_SCHEME_ID ? (lang === 'zh' ? '（默认）' : ' (default)') : '';
        return `${id}\tv${s.version}\t${textOf(s.title, lang)}${mark}`;
      })
      .join('\n') + '\n'
  );
}

/** Prints a scheme as a tree with points, rules, pools and applicability. */
export function runSchemeShow(ref: string | undefined, lang: Lang, json: boolean): string {
  const scheme = resolveScheme(ref);
  if (json) return JSON.stringify(schemeToData(scheme), null, 2) + '\n';
  return schemeTree(scheme, lang);
}

export function schemeTree(scheme: Scheme, lang: Lang): string {
  const zh = lang === 'zh';
  const out: string[] = [`${scheme.id} v${scheme.version} ${textOf(scheme.title, lang)}`];
  const go = (node: SchemeNode, prefix: string, last: boolean) => {
    const tags: string[] = [];
    if (node.pool) tags.push(zh ? '扣分池' : 'pool');
    if (node.bonus) tags.push(zh ? `加分上限${fp(node.points ?? 0)}` : `bonus, cap ${fp(node.points ?? 0)}`);
    if (node.penalty) tags.push(zh ? '从总分中扣除' : 'deducted from the total');
    if (node.penaltyCap !== undefined) tags.push(zh ? `最多扣${fp(node.penaltyCap)}分` : `at most ${fp(node.penaltyCap)}`);
    if (node.highestOnly) tags.push(zh ? '按最高级别计分，不重复加分' : 'highest level only');
    if (node.rule) tags.push(ruleSummary(node.rule, lang, scheme));
    if (node.rule && 'pool' in node.rule && node.rule.pool) tags.push((zh ? '扣分池 ' : 'pool ') + node.rule.pool);
    if (node.appliesIf) tags.push((zh ? '适用：' : 'applies if ') + describeCondition(node.appliesIf));
    if (node.checklist) tags.push((zh ? '清单：' : 'checklist: ') + node.checklist.map((e) => textOf(e.title, lang)).join(zh ? '、' : ', '));
    const points = node.points === null ? '—' : fp(node.points);
    out.push(`${prefix}${last ? '└─' : '├─'} ${node.code} ${textOf(node.title, lang)} [${points}]${tags.length ? '  ' + tags.join('; ') : ''}`);
    node.children.forEach((c, i) => go(c, prefix + (last ? '   ' : '│  '), i === node.children.length - 1));
  };
  scheme.sections.forEach((s, i) => go(s, '', i === scheme.sections.length - 1));
  if (scheme.note) out.push('', (zh ? '说明：' : 'Note: ') + textOf(scheme.note, lang));
  return out.join('\n') + '\n';
}

/** Lints a scheme file: problems with file and line, then reading notes. Returns output and exit status. */
export function runSchemeLint(file: string, lang: Lang): { stdout: string; status: number } {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KaoheError('unreadable-file', `cannot read scheme file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const result = parseScheme(source, file);
  const out = result.problems.map(formatProblem);
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  if (result.scheme) for (const n of lintNotes(result.scheme, lang)) out.push(`${file}: note${n.node ? ` node ${n.node}:` : ':'} ${n.message}`);
  out.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return { stdout: out.join('\n') + '\n', status: errors > 0 ? 1 : 0 };
}

/** Writes a scheme as a YAML (default) or JSON scheme file, e.g. to start an office's own copy. */
export function runSchemeExport(ref: string | undefined, format: 'yaml' | 'json'): string {
  const data = schemeToData(resolveScheme(ref));
  return format === 'json' ? JSON.stringify(data, null, 2) + '\n' : stringify(data, { lineWidth: 0 });
}
