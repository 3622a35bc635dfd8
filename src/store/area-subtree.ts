/**
 * An area and every area under it, down the area tree (province → city → county → township →
 * village), as a recursive common table expression `sub(code)`: the same text on SQLite and
 * PostgreSQL. An office of an area's imports and exports are cut with it.
 */
import { sql } from 'kysely';

/** The expression's text; `param` is the dialect's placeholder for the area's code. */
export function areaSubtree(param: string): string {
  return `with recursive sub(code) as (select code from areas where code = ${param} union all select a.code from areas a join sub on a.parent_code = sub.code)`;
}

/** The expression for a Kysely query, with `area` bound. */
export function underArea(area: string) {
  const [head, tail] = areaSubtree('\u0000').split('\u0000');
  return sql`${sql.raw(head!)}${area}${sql.raw(tail!)}`;
}
