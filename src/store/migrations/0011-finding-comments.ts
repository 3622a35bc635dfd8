/**
 * Reviewers' comments on one finding (评审意见), beside the comment on the whole assessment that
 * sending back keeps: the finding, who wrote it, the text, when. Comments are never edited or
 * deleted (the audit log has each one too).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../db.ts';
import { withIdFor } from './columns.ts';

export function findingComments(dialect: Dialect): Migration {
  const withId = withIdFor(dialect);
  return {
    async up(db: Kysely<any>) {
      await withId(db.schema.createTable('finding_comments'))
        .addColumn('finding_id', 'integer', (c) => c.notNull().references('findings.id').onDelete('cascade'))
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('finding_comments_finding').on('finding_comments').column('finding_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('finding_comments').ifExists().execute();
    },
  };
}
