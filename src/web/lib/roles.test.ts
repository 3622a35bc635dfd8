import { describe, expect, it } from 'vitest';
import { appealPart, can } from './roles.ts';

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
});
