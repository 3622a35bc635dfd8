/** Users of the web application and their sessions. */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../db.ts';
import { withIdFor } from './columns.ts';

export function users(dialect: Dialect): Migration {
  const withId = withIdFor(dialect);
  return {
    async up(db: Kysely<any>) {
      await withId(db.schema.createTable('users'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text')
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'reviewer', 'inspector', 'village', 'viewer')`))
        .addColumn('township_code', 'text', (c) => c.references('areas.code'))
        .addColumn('village_code', 'text', (c) => c.references('areas.code'))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        // The id is a hash of the cookie's token: a leaked table does not give sessions away.
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('sessions').ifExists().execute();
      await db.schema.dropTable('users').ifExists().execute();
    },
  };
}
