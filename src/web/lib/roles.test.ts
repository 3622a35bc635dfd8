import { describe, expect, it } from 'vitest';
import { appealPart, can, navFor } from './roles.ts';

describe('roles', () => {
  it("reads each role's part in appeals off its permissions", () => {
    expect(appealPart('admin')).toBe('decide');
    expect(appealPart('reviewer')).toBe('read');
    expect(appealPart('inspector')).toBe('read');
    expect(appealPart('village')).toBe('appeal');
    expect(appealPart('viewer')).toBe('none');
  });

  it('gives the decision form to whoever decides, and to nobody who only reads', () => {
    for (const role of ['admin', 'reviewer', 'inspector', 'village', 'viewer'] as const) {
      expect(appealPart(role) === 'decide', role).toBe(can.decideAppeal(role));
    }
  });

  it("leaves the whole database's audit log out of an area office's menu, and keeps its imports and exports", () => {
    expect(navFor('admin')).toEqual(expect.arrayContaining(['imports', 'exports', 'audit', 'users', 'rankings']));
    const area = navFor('admin', true);
    // It imports and exports its own villages' records (the pages offer the kinds it may).
    expect(area).toEqual(expect.arrayContaining(['imports', 'exports']));
    expect(area.filter((k) => k === 'audit')).toEqual([]);
    expect(area).toEqual(navFor('admin').filter((k) => k !== 'audit'));
    expect(navFor('viewer', true)).toEqual(navFor('viewer'));
  });
});
