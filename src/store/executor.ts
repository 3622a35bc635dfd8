/** What a repository runs its queries on: the database, or a transaction of it. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type Executor = Kysely<DB> | Transaction<DB>;
