/**
 * Keys of changes sent with an `Idempotency-Key` (offline capture, docs/offline.md): per user
 * and key, the hash of the request, the result of the transaction that applied it (written in
 * that transaction) and the HTTP answer (written right after it). The primary key is what lets
 * only one of two sends of the same key apply.
 */
import type { Kysely, Migration } from 'kysely';

export const idempotency: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('status_code', 'integer')
      .addColumn('answer', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
      .execute();
    await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('idempotency_keys').ifExists().execute();
  },
};
