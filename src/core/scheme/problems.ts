/** Problems found in a scheme file, each with the place a person must look. */
export interface SchemeProblem {
  severity: 'error' | 'warning';
  /** Stable identifier of the kind of problem, e.g. `duplicate-code`. */
  code: string;
  /** The values its sentence names (problem-text.ts), for saying it in another language. */
  params?: Readonly<Record<string, string | number>>;
  /** The English sentence. */
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** Code of the scheme node concerned, where there is one. */
  node?: string;
}

/** Formats a problem as `file:line:col: error [code] node 1.1: message`. */
export function formatProblem(p: SchemeProblem): string {
  const place = [p.file ?? '<scheme>', p.line, p.column].filter((x) => x !== undefined).join(':');
  const node = p.node ? ` node ${p.node}:` : '';
  return `${place}: ${p.severity} [${p.code}]${node} ${p.message}`;
}

/** Thrown when a scheme cannot be used; carries every problem found. */
export class SchemeError extends Error {
  readonly problems: SchemeProblem[];
  constructor(problems: SchemeProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(`invalid scheme (${errors.length} error${errors.length === 1 ? '' : 's'}):\n` + errors.map((p) => '  ' + formatProblem(p)).join('\n'));
    this.name = 'SchemeError';
    this.problems = problems;
  }
}
