/**
 * The registry's areas (county, townships, villages) as the services other than the registry's
 * own API need them: to check a division code a user is scoped to, to set up the first start,
 * the villages a campaign assesses, the names up the tree on a score sheet.
 */
import type { Kysely, Transaction } from 'kysely';
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

  /** Every village's code, in code order. */
  async villageCodes(): Promise<string[]> {
    return (await this.db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').execute()).map((v) => v.code);
  }

  async byCode(code: string): Promise<Area | undefined> {
    const row = await this.db.selectFrom('areas').select(AREA_COLUMNS).where('code', '=', code).executeTakeFirst();
    return row && toArea(row);
  }
}
