/**
 * Security: sign-in throttling per account, and the audit chain keyed with a secret kept outside
 * the database (HMAC-SHA-256). The chain written before is checked as it was made (SHA-256) and,
 * when intact, chained again with the key: from here on, nobody who can only write the database
 * can rewrite the log and recompute it. A broken chain is left as it is, for verify to report.
 */
import type { Kysely, Migration } from 'kysely';
import type { Store } from '../db.ts';
import { rekeyLegacyChain } from '../audit.repository.ts';

export function security(store: Store): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('login_throttle')
        // The user name as a person may type it (trimmed, NFKC, lower case): one key for every spelling.
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_failure_at', 'text', (c) => c.notNull())
        .addColumn('lockouts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', 'text')
        .execute();
      // The head's own MAC: a head reset to an earlier entry (the log truncated) no longer fits it.
      await db.schema.alterTable('audit_head').addColumn('mac', 'text').execute();
      // The audit head when a ranking snapshot was taken: an anchor a later truncation cannot move.
      await db.schema.alterTable('ranking_snapshots').addColumn('audit_entries', 'integer').execute();
      await db.schema.alterTable('ranking_snapshots').addColumn('audit_hash', 'text').execute();
      await rekeyLegacyChain(db, store.auditKey);
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('login_throttle').ifExists().execute();
    },
  };
}
