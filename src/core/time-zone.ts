/**
 * Days and times as the office lives them. Kaohe stores every instant in UTC (ISO 8601 with a
 * `Z`), and shows it, dates it and prints it in the office's time zone: Asia/Shanghai unless the
 * office says otherwise (KAOHE_TIME_ZONE, an IANA name). A record made at 01:30 in Guizhou is of
 * that day, not of the day before, as slicing the UTC text would say.
 *
 * A text without a zone (a calendar day "2020-05-03", a camera's "2024-05-03T10:12:00") is a
 * local reading already and is shown as written.
 */
import { KaoheError } from './errors.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether `name` is a time zone this runtime knows (an IANA name such as Asia/Shanghai, or UTC). */
export function isTimeZone(name: string): boolean {
  if (!name || /\s/.test(name)) return false;
  try {
    formatOf(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone named, or a validation error naming where it came from. */
export function checkTimeZone(name: string, where: string): string {
  if (!isTimeZone(name)) throw new KaoheError('validation', `${where}: "${name}" is not a time zone (an IANA name such as ${DEFAULT_TIME_ZONE} or UTC)`);
  return name;
}

/** Whether a text names its zone (ends in Z or an offset): an instant, not a local reading. */
const zoned = (text: string) => /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);

/** The local wall-clock reading of an instant: "YYYY-MM-DD HH:MM:SS". */
function wallClock(instant: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of formatOf(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** What to read: an instant (a Date, or a text with its zone) or a local text (kept as written). */
function reading(value: Date | string, timeZone: string): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : wallClock(value, timeZone);
  if (!zoned(value)) return value.replace('T', ' ');
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : wallClock(t, timeZone);
}

/** The office's calendar day of an instant: "2026-12-07" for 2026-12-06T17:30:00Z in Asia/Shanghai. */
export function localDate(value: Date | string, timeZone: string): string {
  const r = reading(value, timeZone);
  return r === undefined ? String(value) : r.slice(0, 10);
}

/** The office's date and time of an instant, to the minute ("2026-12-07 01:30") or the second. */
export function localDateTime(value: Date | string, timeZone: string, options: { seconds?: boolean } = {}): string {
  const r = reading(value, timeZone);
  if (r === undefined) return String(value);
  return r.length <= 10 ? r : r.slice(0, options.seconds ? 19 : 16);
}
