/**
 * What a text cell may hold, and how a cell is quoted back to a person. Pure: used by the field
 * parsers (imports), by the messages that quote a cell, and by the exports.
 *
 * - Control characters (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F) are refused in every
 *   text field: nobody types them, they break CSV and XML (NUL, ESC) and terminals.
 * - A one-line field (a name, a code, a number, a title) also refuses line breaks (LF, CR, U+2028,
 *   U+2029) and tabs. A note (a text field marked `multiline`) takes line breaks and tabs.
 * - U+FFFD, the mark a decoder leaves for bytes it could not read, is refused too: the character it
 *   stands for is lost and must be typed again.
 */
import { problem, type Problem } from './problems.ts';

/** Refused anywhere: C0 but tab, LF and CR; DEL; C1; U+FFFD. */
const NEVER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/;
/** Refused in a one-line field: the above, and tab, LF, CR, U+2028, U+2029. */
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/;

const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `s` (a trimmed cell) is not a text of its field: a control character, a line break or tab
 * in a one-line field, or U+FFFD; undefined when it is fine. The message names the character by
 * its code and its position (1-based), never the character itself.
 */
export function textCharacterProblem(s: string, multiline: boolean): string | undefined {
  return textCharacterIssue(s, multiline)?.message;
}

/** The same, as a problem of the catalogue (problems.ts), with its code. */
export function textCharacterIssue(s: string, multiline: boolean): Problem | undefined {
  const re = multiline ? NEVER : NOT_ONE_LINE;
  const m = re.exec(s);
  if (!m) return undefined;
  const c = m[0].charCodeAt(0);
  const at = m.index + 1;
  if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return problem('line-break', { at });
  if (c === 0x09) return problem('tab', { at });
  if (c === 0) return problem('nul', { at });
  if (c === 0xfffd) return problem('lost-character', { at });
  return problem('control-character', { char: hex(c), at });
}

/** Most characters of a cell a message quotes. */
export const QUOTE_MAX = 100;

/** What `visible` changes. */
const NEVER_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Control characters → their visible Control Pictures (␀ ␉ ␊ ␛ …) or `<U+0085>`, for a message or a terminal. */
function visible(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const c = ch.charCodeAt(0);
    if (c < 0x20) return String.fromCharCode(0x2400 + c);
    if (c === 0x7f) return '\u2421';
    return `<${hex(c)}>`;
  });
}

/**
 * A cell as a message or a problem quotes it: control characters made visible, and at most `max`
 * characters of it, then `…(N characters)` saying how long it is. A message never carries a whole
 * long cell (an office's 1M-character cell would be 3 MB of JSON).
 */
export function quoteCell(s: string, max = QUOTE_MAX): string {
  if (s.length <= max) return NEVER_OR_BREAK.test(s) ? visible(s) : s;
  // Not cut between the two halves of a surrogate pair.
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${visible(s.slice(0, end))}…(${s.length} characters)`;
}
/** A list quoted in a message: at most `max` items, then `…(N in all)`. */
export function quoteList(items: readonly string[], separator = '、', max = 30): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)}…(${items.length} in all)`;
}

/**
 * Text as an export writes it: characters a CSV or XML reader chokes on (C0 but tab, LF and CR;
 * DEL; C1) replaced by U+FFFD, so no NUL or ESC ever leaves in a file, whatever an older import
 * let in. (An import refuses U+FFFD: the export of such a value cannot be imported unfixed.)
 */
export function exportText(s: string): string {
  return EXPORT_BAD.test(s) ? s.replace(EXPORT_BAD_ALL, '\ufffd') : s;
}
const EXPORT_BAD = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const EXPORT_BAD_ALL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
