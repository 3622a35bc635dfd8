/** A structural diff of two schemes: nodes added, removed and changed, for a version history. */
import { schemeToData } from './serialize.ts';
import { walk, type Scheme, type SchemeNode } from './model.ts';

export interface FieldChange {
  /** Dotted path within the node (or scheme): `points`, `rule.amount`, `title.zh`, `parent`. */
  field: string;
  before: unknown;
  after: unknown;
}

export interface NodeSummary {
  code: string;
  title: string;
  parent: string | null;
  points: number | null;
  rule: Record<string, unknown> | null;
}

export interface SchemeDiff {
  /** Changes of the scheme's own fields (title, grades, …). */
  scheme: FieldChange[];
  added: NodeSummary[];
  removed: NodeSummary[];
  changed: Array<{ code: string; title: string; changes: FieldChange[] }>;
}

type Data = Record<string, unknown>;

/** Leaves of a data tree by dotted path; arrays are compared whole (checklists, grades, conditions). */
function flatten(data: Data, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(data)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Data, path, out);
    else out.set(path, v);
  }
  return out;
}

function changes(before: Data, after: Data): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const out: FieldChange[] = [];
  for (const field of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(field);
    const y = b.get(field);
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ field, before: x ?? null, after: y ?? null });
  }
  return out;
}

interface Located {
  data: Data;
  parent: string | null;
  node: SchemeNode;
}

function nodesOf(scheme: Scheme): Map<string, Located> {
  const data = schemeToData(scheme);
  const out = new Map<string, Located>();
  // schemeToData's nodes in the same order as walk's: pair them by code.
  const byCode = new Map<string, Data>();
  const collect = (list: unknown) => {
    for (const n of (list as Data[] | undefined) ?? []) {
      const { children, ...own } = n;
      byCode.set(String(n.code), own);
      collect(children);
    }
  };
  collect(data.sections);
  walk(scheme, (node, ancestors) => {
    out.set(node.code, { data: byCode.get(node.code) ?? {}, parent: ancestors.at(-1)?.code ?? null, node });
  });
  return out;
}

function summary(l: Located): NodeSummary {
  return {
    code: l.node.code,
    title: l.node.title.zh,
    parent: l.parent,
    points: typeof l.data.points === 'number' ? l.data.points : null,
    rule: (l.data.rule as Record<string, unknown> | undefined) ?? null,
  };
}

/** Nodes added, removed and changed (points, rule, titles, texts, conditions, place) from `a` to `b`, in scheme order. */
export function diffSchemes(a: Scheme, b: Scheme): SchemeDiff {
  const { sections: _a, ...ownA } = schemeToData(a);
  const { sections: _b, ...ownB } = schemeToData(b);
  const before = nodesOf(a);
  const after = nodesOf(b);
  const added: NodeSummary[] = [];
  const changed: SchemeDiff['changed'] = [];
  for (const [code, l] of after) {
    const old = before.get(code);
    if (!old) {
      added.push(summary(l));
      continue;
    }
    const c = changes({ ...old.data, parent: old.parent }, { ...l.data, parent: l.parent });
    if (c.length > 0) changed.push({ code, title: l.node.title.zh, changes: c });
  }
  const removed = [...before].filter(([code]) => !after.has(code)).map(([, l]) => summary(l));
  return { scheme: changes(ownA, ownB), added, removed, changed };
}
