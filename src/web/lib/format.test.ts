import { describe, expect, it } from 'vitest';
import { formatterFor } from './format.ts';

describe('the web’s dates and times', () => {
  it('shows an instant in the office’s time zone, not the browser’s or UTC', () => {
    const zh = formatterFor('zh', 'Asia/Shanghai');
    expect(zh.dateTime('2026-12-06T17:30:00Z')).toBe('2026/12/07 01:30');
    expect(zh.date('2026-12-06T17:30:00Z')).toBe('2026/12/07');
    expect(formatterFor('zh', 'UTC').dateTime('2026-12-06T17:30:00Z')).toBe('2026/12/06 17:30');
    expect(formatterFor('en', 'Asia/Shanghai').dateTime('2026-12-06T17:30:00Z')).toBe('07/12/2026, 01:30');
  });

  it('shows a calendar day as that day in every zone', () => {
    for (const zone of ['Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) expect(formatterFor('zh', zone).date('2020-05-03')).toBe('2020/05/03');
  });
});
