/**
 * Assessment campaigns: stored scheme versions, campaigns with their villages and inspection
 * teams, one assessment per village with findings, evidence, suggestions and appeals,
 * published ranking snapshots, and the tamper-evident audit log.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../db.ts';
import { withIdFor } from './columns.ts';

export function campaigns(dialect: Dialect): Migration {
  const withId = withIdFor(dialect);

  return {
    async up(db: Kysely<any>) {
      await withId(db.schema.createTable('scheme_versions'))
        .addColumn('scheme_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('source_text', 'text', (c) => c.notNull())
        .addColumn('derive_text', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addUniqueConstraint('scheme_versions_nk', ['scheme_id', 'version'])
        .execute();

      await withId(db.schema.createTable('campaigns'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('period_from', 'text', (c) => c.notNull())
        .addColumn('period_to', 'text', (c) => c.notNull())
        .addColumn('scheme_version_id', 'integer', (c) => c.notNull().references('scheme_versions.id'))
        .addColumn('appeal_days', 'integer', (c) => c.notNull().defaultTo(10))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('inspection_teams'))
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addUniqueConstraint('inspection_teams_nk', ['campaign_id', 'name'])
        .execute();

      await db.schema
        .createTable('inspection_team_members')
        .addColumn('team_id', 'integer', (c) => c.notNull().references('inspection_teams.id').onDelete('cascade'))
        .addColumn('username', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('inspection_team_members_pk', ['team_id', 'username'])
        .execute();

      await withId(db.schema.createTable('assessments'))
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('team_id', 'integer', (c) => c.references('inspection_teams.id').onDelete('set null'))
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('draft')
            .check(sql`status in ('draft', 'submitted', 'reviewed', 'published')`),
        )
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('comment', 'text')
        .addColumn('base', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('bonus', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('result', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'text')
        .addColumn('submitted_by', 'text')
        .addColumn('reviewed_at', 'text')
        .addColumn('reviewed_by', 'text')
        .addColumn('published_at', 'text')
        .addColumn('published_by', 'text')
        .addUniqueConstraint('assessments_nk', ['campaign_id', 'village_code'])
        .execute();

      await withId(db.schema.createTable('findings'))
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessments.id').onDelete('cascade'))
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('element', 'text')
        .addColumn('note', 'text')
        .addColumn('household_no', 'text')
        .addColumn('person', 'text')
        .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('inspector', 'suggestion', 'appeal')`))
        .addColumn('suggestion_id', 'integer')
        .addColumn('appeal_id', 'integer')
        .addColumn('supersedes_id', 'integer', (c) => c.references('findings.id'))
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('active')
            .check(sql`status in ('active', 'withdrawn', 'superseded')`),
        )
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('withdrawn_at', 'text')
        .addColumn('withdrawn_by', 'text')
        .addColumn('withdraw_reason', 'text')
        .execute();
      await db.schema.createIndex('findings_assessment').on('findings').column('assessment_id').execute();

      await withId(db.schema.createTable('evidence'))
        .addColumn('finding_id', 'integer', (c) => c.references('findings.id'))
        .addColumn('appeal_id', 'integer')
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('taken_at', 'text')
        .addColumn('latitude', 'double precision')
        .addColumn('longitude', 'double precision')
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('active')
            .check(sql`status in ('active', 'withdrawn')`),
        )
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('evidence_finding').on('evidence').column('finding_id').execute();

      await withId(db.schema.createTable('suggestions'))
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessments.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('element', 'text')
        .addColumn('household_no', 'text')
        .addColumn('summary_zh', 'text', (c) => c.notNull())
        .addColumn('summary_en', 'text', (c) => c.notNull())
        .addColumn('records', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('open')
            .check(sql`status in ('open', 'accepted', 'dismissed')`),
        )
        .addColumn('reason', 'text')
        .addColumn('finding_id', 'integer', (c) => c.references('findings.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', 'text')
        .addUniqueConstraint('suggestions_nk', ['assessment_id', 'key'])
        .execute();

      await withId(db.schema.createTable('appeals'))
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessments.id').onDelete('cascade'))
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .defaultTo('open')
            .check(sql`status in ('open', 'upheld', 'adjusted', 'rejected')`),
        )
        .addColumn('decision_reason', 'text')
        .addColumn('adjusted_count', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', 'text')
        .execute();

      await withId(db.schema.createTable('ranking_snapshots'))
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('audit_log'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      // The chain's head: one row, locked while an entry is appended, so two writers never fork it.
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('entries', 'integer', (c) => c.notNull())
        .execute();
      await db
        .insertInto('audit_head')
        .values({ id: 1, hash: '0'.repeat(64), entries: 0 })
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of [
        'audit_head',
        'audit_log',
        'ranking_snapshots',
        'appeals',
        'suggestions',
        'evidence',
        'findings',
        'assessments',
        'inspection_team_members',
        'inspection_teams',
        'campaigns',
        'scheme_versions',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
