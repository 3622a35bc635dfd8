import { describe, expect, it } from 'vitest';
import { checkTimeZone, isTimeZone, localDate, localDateTime } from './time-zone.ts';

describe('days and times in the office’s time zone', () => {
  it('dates an instant by the office’s calendar, not UTC’s: 17:30 UTC is the next day in Asia/Shanghai', () => {
    expect(localDate('2026-12-06T17:30:00Z', 'Asia/Shanghai')).toBe('2026-12-07');
    expect(localDate('2026-12-06T17:30:00.000Z', 'UTC')).toBe('2026-12-06');
    expect(localDate(new Date('2026-12-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2027-01-01');
    expect(localDate('2026-12-31T15:59:59Z', 'Asia/Shanghai')).toBe('2026-12-31');
  });

  it('gives the wall-clock time to the minute or the second, 24-hour, offsets read', () => {
    expect(localDateTime('2026-12-06T17:30:05Z', 'Asia/Shanghai')).toBe('2026-12-07 01:30');
    expect(localDateTime('2026-12-06T17:30:05Z', 'Asia/Shanghai', { seconds: true })).toBe('2026-12-07 01:30:05');
    expect(localDateTime('2026-12-06T00:05:00+08:00', 'UTC')).toBe('2026-12-05 16:05');
    expect(localDateTime('2026-12-06T12:00:00Z', 'Asia/Urumqi')).toBe('2026-12-06 18:00');
    // Daylight saving where the zone has it.
    expect(localDateTime('2026-07-01T12:00:00Z', 'America/New_York')).toBe('2026-07-01 08:00');
    expect(localDateTime('2026-12-01T12:00:00Z', 'America/New_York')).toBe('2026-12-01 07:00');
  });

  it('keeps a text without a zone as written: a calendar day, a camera’s local time', () => {
    expect(localDate('2020-05-03', 'America/New_York')).toBe('2020-05-03');
    expect(localDateTime('2020-05-03', 'Asia/Shanghai')).toBe('2020-05-03');
    expect(localDateTime('2024-05-03T10:12:00', 'UTC')).toBe('2024-05-03 10:12');
    expect(localDateTime('not a time Z', 'UTC')).toBe('not a time Z');
  });

  it('knows the zones by their IANA names, and refuses others naming where they came from', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone('Asia/ Shanghai')).toBe(false);
    expect(() => checkTimeZone('Beijing', 'KAOHE_TIME_ZONE')).toThrow('KAOHE_TIME_ZONE: "Beijing" is not a time zone (an IANA name such as Asia/Shanghai or UTC)');
  });
});
