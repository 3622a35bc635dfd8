/**
 * Reading or writing rows by a long list: a statement for every 500 (well under SQLite's and
 * PostgreSQL's parameter limits, nine values a row included).
 */
const IDS_PER_STATEMENT = 500;

/** Runs `read` on the ids a chunk at a time and gives back every row it read, in order. */
export async function readInChunks<I, T>(ids: readonly I[], read: (chunk: I[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) out.push(...(await read(ids.slice(i, i + IDS_PER_STATEMENT))));
  return out;
}

/** Runs `write` on the rows a chunk at a time, in order. */
export async function writeInChunks<I>(rows: readonly I[], write: (chunk: I[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += IDS_PER_STATEMENT) await write(rows.slice(i, i + IDS_PER_STATEMENT));
}
