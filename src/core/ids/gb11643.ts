/**
 * Chinese resident ID numbers (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit
 * sequence (odd = male), check character. Sensitive personal data: mask wherever a list or
 * export is not explicitly asked to show them in full, and never log them.
 */
import { problem as problemOf, type Problem, type ProblemCode } from '../registry/problems.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

export type Sex = 'M' | 'F';

export type IdProblem = 'format' | 'birth-date' | 'check-character' | 'sex';

export interface IdCheck {
  ok: boolean;
  problem?: IdProblem;
  /** A message a person can act on (never containing the number itself). */
  message?: string;
  /** The same as a problem of the catalogue (registry/problems.ts), in either language. */
  issue?: Problem;
  birthDate?: string;
  sex?: Sex;
}

/** The check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

// The problems do not quote the date: with the masked number (first 6, last 4) it would give
// the number away.
const PROBLEMS = {
  format: 'id-format',
  'not-a-date': 'id-birth-date',
  future: 'id-birth-future',
  'check-character': 'id-check-character',
} as const satisfies Record<string, ProblemCode>;

const digitAt = (s: string, i: number) => s.charCodeAt(i) - 48;

/** Why `id` (trimmed, upper case) is not a valid number, checked in that order; undefined when it is. */
function idProblem(id: string, today: string | undefined): keyof typeof PROBLEMS | undefined {
  if (id.length !== 18) return 'format';
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 'format';
    sum += d * WEIGHTS[i]!;
  }
  const last = id.charCodeAt(17);
  if ((last < 48 || last > 57) && last !== 88 /* X */) return 'format';
  const y = digitAt(id, 6) * 1000 + digitAt(id, 7) * 100 + digitAt(id, 8) * 10 + digitAt(id, 9);
  const m = digitAt(id, 10) * 10 + digitAt(id, 11);
  const d = digitAt(id, 12) * 10 + digitAt(id, 13);
  // A real date of the (proleptic) Gregorian calendar. The standard's own example
  // (440524188001010014) was born in 1880.
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (y < 1800 || m < 1 || m > 12 || d < 1 || d > days) return 'not-a-date';
  if (today !== undefined && afterToday(y * 10000 + m * 100 + d, id, today)) return 'future';
  if (CHECK.charCodeAt(sum % 11) !== last) return 'check-character';
  return undefined;
}

/** A "today" (YYYY-MM-DD) as the number YYYYMMDD, remembered for the next call. */
let todaySeen: string | undefined;
let todayNumber = NaN;

/** Whether the birth date (YYYYMMDD) comes after `today`, compared as the YYYY-MM-DD strings are. */
function afterToday(birth: number, id: string, today: string): boolean {
  if (today !== todaySeen) {
    todaySeen = today;
    todayNumber = /^\d{4}-\d{2}-\d{2}$/.test(today) ? Number(today.slice(0, 4) + today.slice(5, 7) + today.slice(8, 10)) : NaN;
  }
  if (!Number.isNaN(todayNumber)) return birth > todayNumber;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}` > today;
}

/**
 * The problem with an ID number (trimmed, upper case), as checkIdNumber words it, or undefined
 * when it is valid (sex aside). For checking many numbers: nothing is allocated for a valid one.
 */
export function idNumberMessage(id: string, today?: string): string | undefined {
  return idNumberIssue(id, today)?.message;
}

/** The same, as a problem of the catalogue (registry/problems.ts), with its code. */
export function idNumberIssue(id: string, today?: string): Problem | undefined {
  const found = idProblem(id, today);
  return found === undefined ? undefined : problemOf(PROBLEMS[found]);
}

/** Validates an ID number: format, a real birth date (not in the future of `today`), the check character, and the sex digit against `sex` when given. */
export function checkIdNumber(raw: string, options: { sex?: Sex; today?: string } = {}): IdCheck {
  const id = raw.trim().toUpperCase();
  const problem = idProblem(id, options.today);
  if (problem !== undefined) {
    const issue = idNumberIssue(id, options.today)!;
    return { ok: false, problem: problem === 'not-a-date' || problem === 'future' ? 'birth-date' : problem, message: issue.message, issue };
  }
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const sex: Sex = Number(id[16]) % 2 === 1 ? 'M' : 'F';
  if (options.sex !== undefined && options.sex !== sex) {
    const issue = problemOf('id-sex', { idSex: sex, recordSex: options.sex });
    return { ok: false, problem: 'sex', message: issue.message, issue };
  }
  return { ok: true, birthDate, sex };
}

/** Masks an ID number for lists and exports: 110101********123X. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return '';
  // Something shorter than a 15-digit (first-generation) number is not one: showing 6 + 4 of it would show it all.
  if (id.length < 15) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}
