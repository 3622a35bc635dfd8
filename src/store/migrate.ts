/** Versioned migrations, applied on start and by `kaohe db migrate`. */
import { Migrator, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import type { Store } from './db.ts';
import { registry } from './migrations/0001-registry.ts';
import { referenceData } from './migrations/0002-reference-data.ts';
import { campaigns } from './migrations/0003-campaigns.ts';
import { derivationSources } from './migrations/0004-derivation-sources.ts';
import { users } from './migrations/0005-users.ts';
import { security } from './migrations/0006-security.ts';
import { changeCounters } from './migrations/0007-change-counters.ts';
import { dutyLeave } from './migrations/0008-duty-leave.ts';
import { userAdmin } from './migrations/0009-user-admin.ts';
import { itemChecks } from './migrations/0010-item-checks.ts';
import { findingComments } from './migrations/0011-finding-comments.ts';
import { idempotency } from './migrations/0012-idempotency.ts';
import { campaignPeriods } from './migrations/0013-campaign-periods.ts';
import { findingValues } from './migrations/0014-finding-values.ts';
import { suggestionValues } from './migrations/0015-suggestion-values.ts';
import { areaLevels } from './migrations/0016-area-levels.ts';
import { assessmentParts } from './migrations/0017-assessment-parts.ts';
import { userAreas } from './migrations/0018-user-areas.ts';
import { listIndexes } from './migrations/0019-list-indexes.ts';
import { recordIndexes } from './migrations/0020-record-indexes.ts';
import { workTeamIndex } from './migrations/0021-work-team-index.ts';

/** Every migration, in order. Static imports, so they work under tsx, in workers and in bundles. */
function migrations(store: Store): Record<string, Migration> {
  return {
    '0001-registry': registry(store.dialect),
    '0002-reference-data': referenceData,
    '0003-campaigns': campaigns(store.dialect),
    '0004-derivation-sources': derivationSources(store.dialect),
    '0005-users': users(store.dialect),
    '0006-security': security(store),
    '0007-change-counters': changeCounters(store.dialect),
    '0008-duty-leave': dutyLeave,
    '0009-user-admin': userAdmin,
    '0010-item-checks': itemChecks,
    '0011-finding-comments': findingComments(store.dialect),
    '0012-idempotency': idempotency,
    '0013-campaign-periods': campaignPeriods,
    '0014-finding-values': findingValues,
    '0015-suggestion-values': suggestionValues,
    '0016-area-levels': areaLevels(store),
    '0017-assessment-parts': assessmentParts,
    '0018-user-areas': userAreas,
    '0019-list-indexes': listIndexes,
    '0020-record-indexes': recordIndexes,
    '0021-work-team-index': workTeamIndex,
  };
}

/** Applies pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(store: Store): Promise<MigrationResult[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(store) };
  // On PostgreSQL the migration tables live in the store's schema, so that stores in other
  // schemas of the same database (tests, several counties) keep their own histories.
  const migrator = new Migrator({
    db: store.db,
    provider,
    ...(store.pgSchema ? { migrationTableSchema: store.pgSchema } : {}),
  });
  let { error, results = [] } = await migrator.migrateToLatest();
  // Kysely's migrator lists the tables of every schema before it starts; on a PostgreSQL shared
  // with others (test runs, counties in schemas of their own) a schema dropped at that moment
  // makes the listing fail before anything of ours ran. That is safe to try again.
  for (let attempt = 1; error && attempt <= 5 && results.length === 0 && /schema .* does not exist|relation .* does not exist/.test(String((error as Error).message)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error, results = [] } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return results;
}
