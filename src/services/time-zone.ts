/**
 * The office's time zone (core/time-zone.ts): KAOHE_TIME_ZONE, an IANA name, Asia/Shanghai
 * unless set. Read when asked, as the other settings of the environment are; a zone the runtime
 * does not know stops the server and the commands at start (`assertTimeZoneSetting`).
 */
import { checkTimeZone, DEFAULT_TIME_ZONE, localDate } from '../core/time-zone.ts';

/** The office's time zone. */
export function officeTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.KAOHE_TIME_ZONE?.trim();
  return v ? checkTimeZone(v, 'KAOHE_TIME_ZONE') : DEFAULT_TIME_ZONE;
}

/** The office's day today, as YYYY-MM-DD. */
export function officeToday(clock: () => Date = () => new Date()): string {
  return localDate(clock(), officeTimeZone());
}
