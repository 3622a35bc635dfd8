/** `kaohe scheme list|show|lint|export|import`. */
import { readFileSync } from 'node:fs';
import { Document, isNode, stringify } from 'yaml';
import { KaoheError } from '../../core/errors.ts';
import { formatPoints as fp } from '../../core/numbers.ts';
import { describeCondition } from '../../core/scheme/conditions.ts';
import { lintNotes } from '../../core/scheme/lint.ts';
import { parseScheme } from '../../core/scheme/load.ts';
import { textOf, type Lang, type Scheme, type SchemeNode } from '../../core/scheme/model.ts';
import { ruleSummary } from '../../core/scheme/rule-summary.ts';
import { formatProblem } from '../../core/scheme/problems.ts';
import { schemeToData } from '../../core/scheme/serialize.ts';
import { importProblemLine } from '../../core/scheme/import-problems.ts';
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

/**
 * Reads an office's scheme table (.xlsx or .docx) into a scheme file: the YAML (to `out`, or as `stdout`)
 * and every line not read, with its row, column and node (on `report`: stdout when the YAML goes
 * to a file, else stderr). Throws a KaoheError naming the file when it cannot be read at all.
 */
export async function runSchemeImport(file: string, opts: { out?: string; id?: string; lang: Lang }): Promise<{ yaml: string; report: string }> {
  const { importSchemeFile } = await import('../../services/scheme-sheet.ts');
  const { scheme, problems, sheet } = await importSchemeFile(file, { id: opts.id });
  const zh = opts.lang === 'zh';
  const unread = problems.filter((p) => p.severity === 'unread');
  const checks = problems.length - unread.length;
  let items = 0;
  const count = (n: { children?: unknown[] }) => (n.children ? (n.children as Array<{ children?: unknown[] }>).forEach(count) : items++);
  scheme.sections.forEach(count);
  const lines = problems.map((p) => {
    const tag = p.severity === 'unread' ? (zh ? '未识别' : 'not read') : zh ? '请核对' : 'check';
    return `${file}: ${tag}: ${importProblemLine(p, opts.lang)}`;
  });
  lines.push(
    zh
      ? `${file}（工作表“${sheet}”）：${items}项；${unread.length}处未识别，${checks}处请核对${unread.length ? '；未识别的项没有规则，请在表单编辑器中补上，或编辑文件后用 kaohe scheme lint 检查' : ''}`
      : `${file} (worksheet "${sheet}"): ${items} item${items === 1 ? '' : 's'}; ${unread.length} not read, ${checks} to check${unread.length ? '; an item not read has no rule: add it in the form editor, or in the file and check it with kaohe scheme lint' : ''}`,
  );
  const header = zh
    ? `# 由 kaohe scheme import 从 ${file} 导入；${unread.length}处未识别（这些项没有规则，请补上）。\n`
    : `# Imported by kaohe scheme import from ${file}; ${unread.length} line(s) not read (those items have no rule: add one).\n`;
  // Each line not read is said again above its node in the file, where the office will edit it.
  const doc = new Document(scheme);
  const pathOf = new Map<string, Array<string | number>>();
  const walkPaths = (nodes: Array<{ code: string; children?: unknown[] }>, path: Array<string | number>) =>
    nodes.forEach((n, i) => {
      pathOf.set(n.code, [...path, i]);
      if (n.children) walkPaths(n.children as Array<{ code: string; children?: unknown[] }>, [...path, i, 'children']);
    });
  walkPaths(scheme.sections, ['sections']);
  for (const p of unread) {
    const path = p.node ? pathOf.get(p.node) : undefined;
    const node = path ? doc.getIn(path, true) : undefined;
    if (isNode(node)) {
      const said = ` ${zh ? '未识别' : 'not read'}: ${importProblemLine(p, opts.lang)}`;
      node.commentBefore = [node.commentBefore, said].filter(Boolean).join('\n');
    }
  }
  return { yaml: header + doc.toString({ lineWidth: 0 }), report: lines.join('\n') + '\n' };
}
