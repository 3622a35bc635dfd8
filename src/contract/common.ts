/** Shapes shared by several resources of the API. */
import type { ErrorCode } from '../core/errors.ts';
import type { Role } from '../core/roles.ts';
import type { Text } from '../core/scheme/model.ts';

export type { Role };

/** The language of scheme titles and explanations in an answer (`?lang=zh|en`). */
export type Lang = 'zh' | 'en';

/** A text in Chinese with an optional English rendering (scheme titles, kinds): core's scheme text. */
export type LangText = Text;

export type { AssessmentStatus } from '../core/campaign/records.ts';

/** The answer of a change that has nothing else to tell. */
export interface Ok {
  ok: true;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Rows in all; of a keyset page, counted up to 100,000 (`totalCapped` when there are more). */
  total: number;
  /** A page by number: its number and size. */
  page?: number;
  pageSize?: number;
  /** A keyset page (`limit`, `after`): the cursor of its last row when more follow; null at the end. */
  next?: string | null;
  /** A keyset page: `total` is the count's cap (100,000), and there are more. */
  totalCapped?: true;
}

/** Paging of a list request (query): by number, or (households, records) a keyset page of `limit` after `after`. */
export interface PageQuery {
  page?: number;
  pageSize?: number;
  limit?: number;
  after?: string;
}

/** Every refusal and failure: a stable code, an English message naming the place, the catalogue's text in the request's language. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; text: string; details?: unknown };
}
