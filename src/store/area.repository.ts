/**
 * The registry's areas (county, townships, villages) as the services other than the registry's
 * own API need them: to check a division code a user is scoped to, to set up the first start,
 * the villages a campaign assesses, the names up the tree on a score sheet.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { readInChunks } from './in-chunks.ts';
import type { AreasTable, DB } from './schema.ts';

export type AreaLevel = AreasTable['level'];

export interface Area {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
}

const AREA_COLUMNS = ['code', 'name', 'level', 'parent_code'] as const;

const toArea = (r: { code: string; name: string; level: AreaLevel; parent_code: string | null }): Area => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
});

export class AreaRepository {
  constructor(private readonly db: Kysely<DB> | Transaction<DB>) {}

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('areas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** The level of a division code, or undefined when the registry has no such area. */
  async levelOf(code: string): Promise<AreaLevel | undefined> {
    return (await this.db.selectFrom('areas').select('level').where('code', '=', code).executeTakeFirst())?.level;
  }

  /**
   * The highest level among the registry's areas that have no parent (its roots): a province's
   * registry starts at the province, a county's at the county; undefined when it is empty.
   */
  async topLevel(): Promise<AreaLevel | undefined> {
    const rows = await this.db.selectFrom('areas').select('level').distinct().where('parent_code', 'is', null).execute();
    const order: readonly AreaLevel[] = ['province', 'city', 'county', 'township', 'village'];
    return order.find((l) => rows.some((r) => r.level === l));
  }

  /** The township with the lowest code, if there is one. */
  async firstTownship(): Promise<Area | undefined> {
    const row = await this.db.selectFrom('areas').select(AREA_COLUMNS).where('level', '=', 'township').orderBy('code').executeTakeFirst();
    return row && toArea(row);
  }

  /** The areas directly under one (a township's villages), by code. */
  async childrenOf(code: string): Promise<Area[]> {
    const rows = await this.db.selectFrom('areas').select(AREA_COLUMNS).where('parent_code', '=', code).orderBy('code').execute();
    return rows.map(toArea);
  }

  /** The parent (a village's township) of each of some areas. */
  async parentsOf(codes: readonly string[]): Promise<Map<string, string | null>> {
    const rows = await readInChunks([...new Set(codes)], (chunk) => this.db.selectFrom('areas').select(['code', 'parent_code']).where('code', 'in', chunk).execute());
    return new Map(rows.map((r) => [r.code, r.parent_code]));
  }

  /** The county (code and name) of each of some townships; a township not under a county is absent. */
  async countiesOf(townships: readonly string[]): Promise<Map<string, { code: string; name: string }>> {
    const rows = await readInChunks([...new Set(townships)], (chunk) =>
      this.db
        .selectFrom('areas as t')
        .innerJoin('areas as c', 'c.code', 't.parent_code')
        .select(['t.code as township', 'c.code', 'c.name'])
        .where('t.code', 'in', chunk)
        .where('c.level', '=', 'county')
        .execute(),
    );
    return new Map(rows.map((r) => [r.township, { code: r.code, name: r.name }]));
  }

  /** Every village with its township, in code order. */
  async villages(): Promise<Array<{ code: string; township: string | null }>> {
    const rows = await this.db.selectFrom('areas').select(['code', 'parent_code']).where('level', '=', 'village').orderBy('code').execute();
    return rows.map((r) => ({ code: r.code, township: r.parent_code }));
  }

  /** Every village's code, in code order. */
  async villageCodes(): Promise<string[]> {
    return (await this.db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').execute()).map((v) => v.code);
  }

  async byCode(code: string): Promise<Area | undefined> {
    const row = await this.db.selectFrom('areas').select(AREA_COLUMNS).where('code', '=', code).executeTakeFirst();
    return row && toArea(row);
  }

  /**
   * What an office's area reaches: the counties and townships under a province, a city or a
   * county (a county reaches itself), walked down the tree by parent (not by the codes' digits,
   * which an office's registry need not follow). Villages are not walked: a village is reached
   * through its township. Undefined when there is no such area.
   */
  async reachOf(code: string): Promise<{ name: string; level: AreaLevel; counties: string[]; townships: string[]; whole: boolean } | undefined> {
    const area = await this.byCode(code);
    if (!area) return undefined;
    const rows = await sql<{ code: string; level: AreaLevel }>`
      with recursive under_area(code, level) as (
        select code, level from areas where code = ${code}
        union all
        select a.code, a.level from areas a join under_area u on a.parent_code = u.code
        where u.level in ('province', 'city', 'county')
      )
      select code, level from under_area where level in ('county', 'township')`.execute(this.db);
    const counties: string[] = [];
    const townships: string[] = [];
    for (const r of rows.rows) (r.level === 'county' ? counties : townships).push(r.code);
    const { n } = await this.db
      .selectFrom('areas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('level', '=', 'township')
      .executeTakeFirstOrThrow();
    return { name: area.name, level: area.level, counties: counties.sort(), townships: townships.sort(), whole: Number(n) === townships.length };
  }
}
