/** The county's divisions as the campaign side reads them: villages in scope, names up the tree. */
import type { Executor } from './executor.ts';

export class AreaRepository {
  constructor(private readonly db: Executor) {}

  /** Every village's code, in code order. */
  async villageCodes(): Promise<string[]> {
    return (await this.db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').execute()).map((v) => v.code);
  }

  async byCode(code: string): Promise<{ code: string; name: string; parentCode: string | null } | undefined> {
    const a = await this.db.selectFrom('areas').select(['code', 'name', 'parent_code']).where('code', '=', code).executeTakeFirst();
    return a && { code: a.code, name: a.name, parentCode: a.parent_code };
  }
}
