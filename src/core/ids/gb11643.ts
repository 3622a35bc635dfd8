/**
 * Chinese resident ID numbers (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit
 * sequence (odd = male), check character. Sensitive personal data: mask wherever a list or
 * export is not explicitly asked to show them in full, and never log them.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

export type Sex = 'M' | 'F';

export type IdProblem = 'format' | 'birth-date' | 'check-character' | 'sex';

export interface IdCheck {
  ok: boolean;
  problem?: IdProblem;
  /** A message a person can act on (never containing the number itself). */
  message?: string;
  birthDate?: string;
  sex?: Sex;
}

/** The check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** Validates an ID number: format, a real birth date (not in the future of `today`), the check character, and the sex digit against `sex` when given. */
export function checkIdNumber(raw: string, options: { sex?: Sex; today?: string } = {}): IdCheck {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { ok: false, problem: 'format', message: 'an ID number has 18 characters: 17 digits and a digit or X' };
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const date = new Date(Date.UTC(y, m - 1, d));
  // The standard's own example (440524188001010014) was born in 1880. The messages do not
  // quote the date: with the masked number (first 6, last 4) it would give the number away.
  const real = y >= 1800 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!real) {
    return { ok: false, problem: 'birth-date', message: 'the birth date in the ID number (characters 7–14) is not a real date' };
  }
  if (options.today !== undefined && birthDate > options.today) {
    return { ok: false, problem: 'birth-date', message: 'the birth date in the ID number (characters 7–14) is in the future' };
  }
  if (checkCharacter(id.slice(0, 17)) !== id[17]) {
    return { ok: false, problem: 'check-character', message: 'the check character (last character) does not match: a digit is mistyped' };
  }
  const sex: Sex = Number(id[16]) % 2 === 1 ? 'M' : 'F';
  if (options.sex !== undefined && options.sex !== sex) {
    return {
      ok: false,
      problem: 'sex',
      message: `the ID number's 17th digit says ${sex === 'M' ? 'male (odd)' : 'female (even)'}, the record says ${options.sex === 'M' ? 'male' : 'female'}`,
    };
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
