import { describe, expect, it } from 'vitest';
import { officeTimeZone, officeToday } from './time-zone.ts';

describe('the office’s time zone setting', () => {
  it('takes the office’s zone from KAOHE_TIME_ZONE, Asia/Shanghai when unset', () => {
    expect(officeTimeZone({})).toBe('Asia/Shanghai');
    expect(officeTimeZone({ KAOHE_TIME_ZONE: ' ' })).toBe('Asia/Shanghai');
    expect(officeTimeZone({ KAOHE_TIME_ZONE: 'Asia/Urumqi' })).toBe('Asia/Urumqi');
    expect(() => officeTimeZone({ KAOHE_TIME_ZONE: 'GMT+8 Beijing' })).toThrow(/KAOHE_TIME_ZONE/);
    const was = process.env.KAOHE_TIME_ZONE;
    delete process.env.KAOHE_TIME_ZONE;
    try {
      expect(officeToday(() => new Date('2026-12-06T16:30:00Z'))).toBe('2026-12-07');
    } finally {
      if (was !== undefined) process.env.KAOHE_TIME_ZONE = was;
    }
  });
});
