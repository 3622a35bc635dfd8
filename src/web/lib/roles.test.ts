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

  it("leaves the whole database's pages (exports, the audit log) out of an area office's menu, and keeps its imports", () => {
    expect(navFor('admin')).toEqual(expect.arrayContaining(['imports', 'exports', 'audit', 'users', 'rankings']));
    const area = navFor('admin', true);
    // It imports its own villages' records (the wizard offers the kinds it may).
    expect(area).toEqual(expect.arrayContaining(['imports']));
    expect(area.filter((k) => ['exports', 'audit'].includes(k))).toEqual([]);
    expect(area).toEqual(navFor('admin').filter((k) => !['exports', 'audit'].includes(k)));
    expect(navFor('viewer', true)).toEqual(navFor('viewer'));
  });
});
