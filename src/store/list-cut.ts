/**
 * The conditions a campaign's paged lists (assessments, appeals) are cut by in SQL, before they
 * are paged: the reader's reach (services/policies.ts `listCut` and `appealsListCut` decide it;
 * the store takes it as data) and the search box's text. Written over the aliases every list
 * query of a campaign uses: `a` the assessment, `v` its village's area row.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** Whose rows a list shows (every field absent: every row of the campaign). */
export interface ReachCut {
  /** Only villages whose township is one of these (an office's area); empty: none. */
  townships?: readonly string[];
  /** Only this township's villages. */
  township?: string;
  /** Only this village. */
  village?: string;
  /** Only villages of the campaign's inspection teams this user is a member of. */
  teamMember?: string;
  /** Only published results. */
  publishedOnly?: boolean;
}

/** `LIKE` pattern text with its wildcards escaped (the conditions say `escape '\'`). */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A village whose code begins with `q` or whose name holds it. */
export function villageMatches(q: string): RawBuilder<SqlBool> {
  const e = likeEscape(q);
  return sql<SqlBool>`(${sql.ref('a.village_code')} like ${`${e}%`} escape '\\' or ${sql.ref('v.name')} like ${`%${e}%`} escape '\\')`;
}

/** The conditions of a reader's reach. */
export function reachConditions(cut: ReachCut): RawBuilder<SqlBool>[] {
  const out: RawBuilder<SqlBool>[] = [];
  if (cut.townships !== undefined) {
    out.push(cut.townships.length > 0 ? sql<SqlBool>`${sql.ref('v.parent_code')} in (${sql.join(cut.townships)})` : sql<SqlBool>`1 = 0`);
  }
  if (cut.township !== undefined) out.push(sql<SqlBool>`${sql.ref('v.parent_code')} = ${cut.township}`);
  if (cut.village !== undefined) out.push(sql<SqlBool>`${sql.ref('a.village_code')} = ${cut.village}`);
  if (cut.teamMember !== undefined) {
    out.push(
      sql<SqlBool>`${sql.ref('a.team_id')} in (select ${sql.ref('m.team_id')} from ${sql.table('inspection_team_members')} as m where ${sql.ref('m.username')} = ${cut.teamMember})`,
    );
  }
  if (cut.publishedOnly) out.push(sql<SqlBool>`${sql.ref('a.status')} = 'published'`);
  return out;
}

/** Every condition at once (true without any). */
export function allOf(conditions: readonly RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}
