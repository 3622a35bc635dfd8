/**
 * Named statements for the reads a server makes over and over (PostgreSQL only). A statement sent
 * unnamed is parsed and planned afresh every time: for the assessment's view, planning takes longer
 * than running it (0.5–0.8 ms against 0.4–0.5 ms, docs/scaling.md). A connection of the pool names
 * a statement's text once it has run it `after` times outside a transaction: PostgreSQL then
 * parses it once on that connection and keeps its plan (custom plans for its first runs, then a
 * generic one where that costs no more: plan_cache_mode auto), and each run is a Bind and an
 * Execute.
 *
 * Nothing of the data is kept: every run reads the database. What a connection keeps is the
 * statement's text and plan, which PostgreSQL makes again after a change to a table the statement
 * reads (another process's migration too). Where it cannot (a `select *` of a table whose columns
 * changed: "cached plan must not change result type"), the statement is run again unnamed, and
 * that connection never names its text again.
 *
 * Inside a transaction nothing is named: a failed run would abort the transaction, so a text is
 * named only where its one retry is safe. At most `most` texts are named on a connection, and the
 * counts are forgotten every `forgetAfter` distinct texts (a statement built for a list of
 * values of one length is a text of its own).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

export const preparedTuning = {
  /** Runs of a text, outside a transaction, before a connection names it (Infinity: never). */
  after: 3,
  /** Texts named at most on one connection. */
  most: 200,
  /** Distinct texts counted on one connection before the counts start again. */
  forgetAfter: 2_000,
};

/** A connection's counts and names. */
interface Prepared {
  runs: Map<string, number>;
  names: Map<string, string>;
  /** Texts never to be named again on this connection (their plan could not be made again). */
  refused: Set<string>;
}

/** PostgreSQL's SQLSTATE for "cached plan must not change result type". */
const FEATURE_NOT_SUPPORTED = '0A000';

type Query = (...args: unknown[]) => unknown;

/** Makes every connection the pool opens name the texts it runs repeatedly (see above). */
export function prepareRepeated(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const state: Prepared = { runs: new Map(), names: new Map(), refused: new Set() };
    const query = client.query.bind(client) as Query;
    (client as unknown as { query: Query }).query = (...args: unknown[]) => {
      const [text, values, callback] = args;
      // Kysely's form only (text and values, a promise): a cursor, a COPY or a callback goes as it is.
      if (typeof text !== 'string' || !Array.isArray(values) || callback !== undefined || args.length !== 2) return query(...args);
      const name = nameFor(state, text, client.getTransactionStatus() === 'I');
      if (name === undefined) return query(text, values);
      return (query({ name, text, values }) as Promise<pg.QueryResult>).catch((e: unknown) => {
        if ((e as { code?: string }).code !== FEATURE_NOT_SUPPORTED || client.getTransactionStatus() !== 'I') throw e;
        // The kept plan cannot be made again: run it unnamed, and never name it again here.
        state.names.delete(text);
        state.refused.add(text);
        return query(text, values);
      });
    };
  });
}

/** The name to send `text` under on this connection, if it is to be named. */
function nameFor(state: Prepared, text: string, idle: boolean): string | undefined {
  const named = state.names.get(text);
  if (named !== undefined) return idle ? named : undefined;
  if (!idle || state.refused.has(text) || state.names.size >= preparedTuning.most) return undefined;
  const runs = (state.runs.get(text) ?? 0) + 1;
  if (runs < preparedTuning.after) {
    if (state.runs.size >= preparedTuning.forgetAfter) state.runs.clear();
    state.runs.set(text, runs);
    return undefined;
  }
  state.runs.delete(text);
  const name = `k_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  state.names.set(text, name);
  return name;
}
