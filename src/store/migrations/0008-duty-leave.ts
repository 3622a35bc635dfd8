/**
 * Days on duty with the month's approved leave and official trips beside them (item 2.4.1:
 * 每月在岗不少于20天; approved leave and official trips count as on duty). Both are optional:
 * a row without them says nothing about leave, and the derivation asks the inspector to check
 * the leave book instead.
 */
import type { Kysely, Migration } from 'kysely';

export const dutyLeave: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('duty_days').addColumn('leave_days', 'integer').execute();
    await db.schema.alterTable('duty_days').addColumn('trip_days', 'integer').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('duty_days').dropColumn('trip_days').execute();
    await db.schema.alterTable('duty_days').dropColumn('leave_days').execute();
  },
};
