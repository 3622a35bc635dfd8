/**
 * The registry: areas, code lists, poverty lines, work teams, helpers, households, members
 * and the operational records the scheme's items check. Portable types only: text dates
 * (YYYY-MM-DD), integer flags (0/1) and integer money in fen, the same on SQLite and PostgreSQL.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../db.ts';
import { withIdFor } from './columns.ts';

export function registry(dialect: Dialect): Migration {
  const withId = withIdFor(dialect);
  const flag = (c: any) => c.notNull().defaultTo(0);

  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('areas')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('county', 'township', 'village')`))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('parent_code', 'text', (c) => c.references('areas.code'))
        .addColumn('poverty_village', 'integer', flag)
        .addColumn('planned_exit_year', 'integer')
        .addColumn('exit_year', 'integer')
        .addColumn('population', 'integer')
        .execute();
      await db.schema.createIndex('areas_parent').on('areas').column('parent_code').execute();

      await db.schema
        .createTable('code_lists')
        .addColumn('list', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('label_zh', 'text', (c) => c.notNull())
        .addColumn('label_en', 'text')
        .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('valid_from', 'integer', (c) => c.notNull())
        .addColumn('valid_to', 'integer')
        .addPrimaryKeyConstraint('code_lists_pk', ['list', 'code', 'valid_from'])
        .execute();

      await db.schema
        .createTable('poverty_lines')
        .addColumn('year', 'integer', (c) => c.primaryKey())
        .addColumn('amount_fen', 'integer', (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable('work_teams'))
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('sending_unit', 'text', (c) => c.notNull())
        .addColumn('start_date', 'text')
        .addColumn('end_date', 'text')
        .addUniqueConstraint('work_teams_nk', ['village_code', 'sending_unit'])
        .execute();

      await withId(db.schema.createTable('team_members'))
        .addColumn('team_id', 'integer', (c) => c.notNull().references('work_teams.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('id_number', 'text', (c) => c.notNull())
        .addColumn('is_leader', 'integer', flag)
        .addColumn('is_first_secretary', 'integer', flag)
        .addColumn('phone', 'text')
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .addUniqueConstraint('team_members_nk', ['team_id', 'id_number', 'start_date'])
        .execute();

      await withId(db.schema.createTable('helpers'))
        .addColumn('id_number', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('unit', 'text')
        .addColumn('position', 'text')
        .addColumn('phone', 'text')
        .execute();

      await withId(db.schema.createTable('households'))
        .addColumn('household_no', 'text', (c) => c.notNull().unique())
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('head_name', 'text', (c) => c.notNull())
        .addColumn('head_id_number', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('workers', 'integer')
        .addColumn('standard', 'text')
        .addColumn('attribute', 'text', (c) => c.notNull())
        .addColumn('main_cause', 'text', (c) => c.notNull())
        .addColumn('other_causes', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('identified_year', 'integer')
        .addColumn('planned_exit_year', 'integer')
        .addColumn('exit_year', 'integer')
        .addColumn('income_fen', 'integer')
        .addColumn('phone', 'text')
        .addColumn('housing_grade', 'text')
        .addColumn('safe_water', 'integer')
        .addColumn('electricity', 'integer')
        .addColumn('road', 'integer')
        .execute();
      await db.schema.createIndex('households_village').on('households').column('village_code').execute();
      await db.schema.createIndex('households_head_id').on('households').column('head_id_number').execute();

      await withId(db.schema.createTable('members'))
        .addColumn('household_id', 'integer', (c) => c.notNull().references('households.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('id_number', 'text', (c) => c.notNull().unique())
        .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('M', 'F')`))
        .addColumn('relation', 'text', (c) => c.notNull())
        .addColumn('ethnicity', 'text')
        .addColumn('education', 'text')
        .addColumn('schooling', 'text')
        .addColumn('health', 'text')
        .addColumn('labour_ability', 'text')
        .addColumn('migrant_work', 'integer')
        .addColumn('insured', 'integer')
        .addColumn('dibao', 'integer')
        .addColumn('wubao', 'integer')
        .execute();
      await db.schema.createIndex('members_household').on('members').column('household_id').execute();

      await withId(db.schema.createTable('helper_assignments'))
        .addColumn('helper_id', 'integer', (c) => c.notNull().references('helpers.id').onDelete('cascade'))
        .addColumn('household_id', 'integer', (c) => c.notNull().references('households.id').onDelete('cascade'))
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text')
        .addUniqueConstraint('helper_assignments_nk', ['helper_id', 'household_id', 'start_date'])
        .execute();
      await db.schema.createIndex('helper_assignments_household').on('helper_assignments').column('household_id').execute();

      // Operational records: each dated and tied to its village, household or person.
      await withId(db.schema.createTable('visits'))
        .addColumn('household_id', 'integer', (c) => c.notNull().references('households.id').onDelete('cascade'))
        .addColumn('visitor_role', 'text', (c) => c.notNull().check(sql`visitor_role in ('helper', 'leader')`))
        .addColumn('visitor_name', 'text', (c) => c.notNull())
        .addColumn('visitor_id_number', 'text')
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('content', 'text')
        .addUniqueConstraint('visits_nk', ['household_id', 'visitor_name', 'date'])
        .execute();

      await withId(db.schema.createTable('meetings'))
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('topic', 'leader')`))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('has_minutes', 'integer', flag)
        .addColumn('topic', 'text')
        .addColumn('attendees', 'integer')
        .addUniqueConstraint('meetings_nk', ['village_code', 'kind', 'date'])
        .execute();

      await withId(db.schema.createTable('duty_days'))
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('person_name', 'text', (c) => c.notNull())
        .addColumn('person_id_number', 'text', (c) => c.notNull())
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('days', 'integer', (c) => c.notNull())
        .addUniqueConstraint('duty_days_nk', ['village_code', 'person_id_number', 'month'])
        .execute();

      await withId(db.schema.createTable('meeting_attendance'))
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('meeting', 'text', (c) => c.notNull())
        .addColumn('organiser', 'text')
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('person_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('attended', 'leave', 'absent')`))
        .addUniqueConstraint('meeting_attendance_nk', ['village_code', 'meeting', 'date', 'person_name'])
        .execute();

      await withId(db.schema.createTable('reports'))
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('deadline', 'text', (c) => c.notNull())
        .addColumn('submitted_date', 'text')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('on-time', 'late', 'returned', 'missing')`))
        .addColumn('note', 'text')
        .addUniqueConstraint('reports_nk', ['village_code', 'title', 'deadline'])
        .execute();

      await withId(db.schema.createTable('surveys'))
        .addColumn('household_id', 'integer', (c) => c.notNull().references('households.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('awareness', 'satisfaction')`))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('respondent', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('answer', 'text', (c) => c.notNull())
        .addUniqueConstraint('surveys_nk', ['household_id', 'kind', 'date', 'respondent', 'topic'])
        .execute();

      await withId(db.schema.createTable('students'))
        .addColumn('household_id', 'integer', (c) => c.notNull().references('households.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('id_number', 'text', (c) => c.notNull())
        .addColumn('school_year', 'integer', (c) => c.notNull())
        .addColumn('school', 'text')
        .addColumn('eligible', 'integer', flag)
        .addColumn('notified', 'integer', flag)
        .addColumn('applied', 'integer', flag)
        .addUniqueConstraint('students_nk', ['id_number', 'school_year'])
        .execute();

      await withId(db.schema.createTable('petitions'))
        .addColumn('village_code', 'text', (c) => c.notNull().references('areas.code'))
        .addColumn('household_id', 'integer', (c) => c.references('households.id').onDelete('set null'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('petition', 'complaint')`))
        .addColumn('over_county', 'integer', flag)
        .addColumn('handled', 'integer', flag)
        .addColumn('summary', 'text', (c) => c.notNull())
        .addUniqueConstraint('petitions_nk', ['village_code', 'date', 'summary'])
        .execute();

      await withId(db.schema.createTable('publicity'))
        .addColumn('household_id', 'integer', (c) => c.notNull().references('households.id').onDelete('cascade'))
        .addColumn('procedure', 'text', (c) => c.notNull().check(sql`procedure in ('entry', 'exit')`))
        .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('application', 'review', 'first-publication', 'second-publication', 'announcement')`))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('reference', 'text')
        .addUniqueConstraint('publicity_nk', ['household_id', 'procedure', 'stage'])
        .execute();

      for (const [table, column] of [
        ['visits', 'date'],
        ['meetings', 'date'],
        ['surveys', 'household_id'],
        ['students', 'household_id'],
        ['publicity', 'household_id'],
        ['petitions', 'village_code'],
        ['reports', 'village_code'],
        ['duty_days', 'village_code'],
        ['meeting_attendance', 'village_code'],
      ] as const) {
        await db.schema.createIndex(`${table}_${column}`).on(table).column(column).execute();
      }
    },
    async down(db: Kysely<any>) {
      for (const t of [
        'publicity',
        'petitions',
        'students',
        'surveys',
        'reports',
        'meeting_attendance',
        'duty_days',
        'meetings',
        'visits',
        'helper_assignments',
        'members',
        'households',
        'helpers',
        'team_members',
        'work_teams',
        'poverty_lines',
        'code_lists',
        'areas',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
