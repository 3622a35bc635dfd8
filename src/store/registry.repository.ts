/** Reading registry lists back as records keyed like the import's fields (references as natural keys). */
import type { KindSpec } from '../core/registry/kinds.ts';
import type { Store } from './db.ts';

const PAGE = 5000;
const WITHOUT_ID = new Set(['areas', 'code_lists', 'poverty_lines']);

/** Every row of a kind, page by page, in a stable order. */
export async function* registryRows(store: Store, spec: KindSpec): AsyncGenerator<Record<string, unknown>> {
  const db = store.db as unknown as import('kysely').Kysely<any>;
  const base = () => {
    let q = db.selectFrom(`${spec.table} as t`).selectAll('t');
    if (spec.parent) {
      const p = spec.parent;
      q = q.innerJoin(`${p.table} as p`, 'p.id', `t.${p.foreignKey}`).select(p.fields.map((f) => `p.${f} as ${f}`));
    }
    if (spec.refs.household_no === 'household') {
      q = q.leftJoin('households as h', 'h.id', 't.household_id').select('h.household_no as household_no');
    }
    return q;
  };
  const shape = (r: Record<string, unknown>) => {
    if (spec.kind === 'team-members') {
      r.role = r.is_leader && r.is_first_secretary ? 'leader+secretary' : r.is_leader ? 'leader' : r.is_first_secretary ? 'secretary' : 'member';
    }
    return r;
  };
  if (WITHOUT_ID.has(spec.table)) {
    // One orderBy call a column: kysely prints a deprecation notice on stdout for orderBy(array).
    let q = base();
    for (const c of spec.conflict) q = q.orderBy(`t.${c}`);
    const rows = await q.execute();
    for (const r of rows) yield shape(r);
    return;
  }
  let after = 0;
  for (;;) {
    const rows = await base().where('t.id', '>', after).orderBy('t.id').limit(PAGE).execute();
    for (const r of rows) yield shape(r);
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}
