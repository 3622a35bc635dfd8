/**
 * Which passwords a person may choose. NIST SP 800-63B's advice, as an office can live with it:
 * a minimum length, no upper rule on character classes, and a refusal of passwords that are
 * known to be common (the 49,000 of @zxcvbn-ts/language-common, a maintained list shipped in a
 * package, plus a few Chinese habits that list lacks), that contain the user name, or that are
 * one character repeated. The reason is a stable code the web shows in the user's language.
 */
import { createRequire } from 'node:module';

export type WeakPasswordReason = 'too-short' | 'too-long' | 'blank' | 'common' | 'contains-username' | 'too-few-different';

/** The minimum length: 10 characters, or KAOHE_PASSWORD_MIN_LENGTH (8 to 64). */
export function passwordMinLength(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.KAOHE_PASSWORD_MIN_LENGTH ?? 10);
  return Number.isInteger(v) && v >= 8 && v <= 64 ? v : 10;
}

export const PASSWORD_MAX_LENGTH = 200;

// Common in China and missing from the list above (pinyin phrases, lucky numbers, love codes).
const CHINESE_HABITS = [
  'woaini',
  'woaini1314',
  'woaini520',
  '5201314',
  '1314520',
  '520520',
  'aini1314',
  'iloveyou1314',
  'zhang123',
  'wang123',
  'li123456',
  'liu123456',
  'chen123456',
  'yang123456',
  'zhangwei',
  'wangwei',
  'qwer1234',
  'abc123456',
  'a1234567',
  '88888888',
  '66666666',
  '168168',
  '518518',
  '147258369',
  '123456789a',
  'asd123456',
  'qq123456789',
  'woshishui',
  'nihao123',
  'mima123456',
  'mima',
  'admin123',
  'admin888',
  'kaohe',
  'kaohe123',
  'fupin',
  'fupinban',
  'tuopin',
];

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (common) return common;
  // Loaded (and its compressed lists unpacked) with the first password checked, not at start.
  const { dictionary } = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  common = new Set([...(dictionary['passwords-common'] as string[]), ...CHINESE_HABITS].map((p) => p.toLowerCase()));
  return common;
}

/** Why a password may not be chosen by this user, or null when it may. */
export function weakPasswordReason(password: string, username: string, minLength = passwordMinLength()): WeakPasswordReason | null {
  const chars = [...password];
  if (password.trim() === '') return 'blank';
  if (chars.length < minLength) return 'too-short';
  if (chars.length > PASSWORD_MAX_LENGTH) return 'too-long';
  if (new Set(chars).size < 4) return 'too-few-different';
  const lower = password.toLowerCase();
  const list = commonPasswords();
  // A common password with digits or punctuation added at either end is still one ("password123!").
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (list.has(lower) || list.has(lower.trim()) || (core.length >= 4 && list.has(core))) return 'common';
  const name = username.trim().toLowerCase();
  if (name.length >= 3 && (lower.includes(name) || lower.includes([...name].reverse().join('')))) return 'contains-username';
  return null;
}

/** The English message of a reason, naming the field (the web shows its own, by code). */
export function weakPasswordMessage(reason: WeakPasswordReason, minLength = passwordMinLength()): string {
  switch (reason) {
    case 'too-short':
      return `newPassword: at least ${minLength} characters`;
    case 'too-long':
      return `newPassword: at most ${PASSWORD_MAX_LENGTH} characters`;
    case 'blank':
      return 'newPassword: not only spaces';
    case 'common':
      return 'newPassword: a commonly used password, easy to guess: choose another';
    case 'contains-username':
      return 'newPassword: it contains the user name: choose another';
    case 'too-few-different':
      return 'newPassword: too few different characters: choose another';
  }
}
