/**
 * What the registry's services share: the page they answer with, the record kinds listed by
 * village, the files they hand out, ID masking in free text and who may see ID numbers in full.
 */
import { officeToday } from '../time-zone.ts';
import { KaoheError } from '../../core/errors.ts';
import { maskIdNumber } from '../../core/ids/gb11643.ts';
import type { ImportReport } from '../import/import.service.ts';
import { canSeeFullIds, forbidden, type Actor } from '../policies.ts';

export type Clock = () => Date;

/** A page of a list: by number (`page`, `pageSize`), or a keyset page (`next`; households and records with `limit`). */
export interface Page<T> {
  items: T[];
  total: number;
  page?: number;
  pageSize?: number;
  /** A keyset page: the cursor of its last row when more follow (the next page's `after`); null at the end. */
  next?: string | null;
  /** A keyset page: `total` is the count's cap, and there are more. */
  totalCapped?: true;
}

/** Kinds of dated operational records listed by village. */
export const RECORD_KINDS = [
  'visits',
  'meetings',
  'duty-days',
  'meeting-attendance',
  'reports',
  'surveys',
  'students',
  'petitions',
  'publicity',
  'household-sources',
  'leader-duties',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface FileOut {
  path: string;
  /** The name offered to the browser. */
  filename: string;
  contentType: string;
  /** Delete the file once sent. */
  temporary: boolean;
}

export const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

export type ImportResult = ImportReport & { errorsFile?: string };

/** snake_case column → camelCase property. */
export function propertyName(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Any 18-character (or 15-digit) ID number in free text, masked: a safety net for messages. */
export function maskIdsInText(text: string): string {
  return text.replace(/(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g, (m) => maskIdNumber(m));
}

export const notFound = (what: string) => new KaoheError('not-found', `${what} not found (or not yours to see)`);

/** Full ID numbers: only an administrator, only when asked. */
export function showFullIds(actor: Actor, asked: boolean | undefined): boolean {
  if (!asked) return false;
  if (!canSeeFullIds(actor)) throw forbidden(`${actor.user} (${actor.role}) may not see ID numbers in full: only the county office may`);
  return true;
}

/** The clock's day in the office's time zone, as YYYY-MM-DD. */
export function today(clock: Clock): string {
  return officeToday(clock);
}
