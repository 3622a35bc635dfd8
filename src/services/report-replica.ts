/**
 * A read replica for the long reports (KAOHE_REPORTS_DATABASE_URL): the setting, read when asked
 * as the other settings of the environment are (the commands check it at start, before loading
 * the database's libraries). Reading from it: replica-reads.ts. See docs/scaling.md.
 */
import { KaoheError } from '../core/errors.ts';

/** Where the long reports read (KAOHE_REPORTS_DATABASE_URL) and how long they wait for it to catch up. */
export interface ReportReplica {
  url: string;
  /** KAOHE_REPORTS_REPLICA_WAIT_MS (default 10,000): past it, the report is drawn on the primary. */
  waitMs: number;
}

/** The default wait for a replica to replay the primary's position. */
export const DEFAULT_REPLICA_WAIT_MS = 10_000;

/**
 * The read replica the environment names for the long reports, if any. A value that is not a
 * PostgreSQL URL, or a wait that is not a number of milliseconds, stops the server and the
 * commands at start, naming the variable.
 */
export function configuredReportReplica(env: NodeJS.ProcessEnv = process.env): ReportReplica | undefined {
  const url = env.KAOHE_REPORTS_DATABASE_URL?.trim();
  const wait = env.KAOHE_REPORTS_REPLICA_WAIT_MS?.trim();
  const waitMs = wait ? Number(wait) : DEFAULT_REPLICA_WAIT_MS;
  if (!Number.isSafeInteger(waitMs) || waitMs < 0 || waitMs > 600_000)
    throw new KaoheError('validation', `KAOHE_REPORTS_REPLICA_WAIT_MS: "${wait}" is not a number of milliseconds from 0 to 600000`);
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new KaoheError('validation', `KAOHE_REPORTS_DATABASE_URL: not a PostgreSQL URL (postgres://…): a read replica is PostgreSQL's`);
  return { url, waitMs };
}
