/**
 * Users managed in the web: when each last signed in (shown to the office beside the disabled
 * flag, which 0005 already has). Null for a user who never signed in.
 */
import type { Kysely, Migration } from 'kysely';

export const userAdmin: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('last_sign_in_at', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('users').dropColumn('last_sign_in_at').execute();
  },
};
