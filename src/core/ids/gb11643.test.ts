import { describe, expect, it } from 'vitest';
import { checkCharacter, checkIdNumber, maskIdNumber } from './gb11643.ts';

/** A valid number from its first 17 digits (the check character computed). */
const valid = (first17: string) => first17 + checkCharacter(first17);

describe('checkCharacter', () => {
  it('matches the published examples of GB 11643-1999', () => {
    // The standard's own examples, and the Beijing Dongcheng one quoted everywhere.
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(checkCharacter('44052418800101001')).toBe('4');
  });

  it('computes sum(digit × weight) mod 11 mapped to 1 0 X 9 8 7 6 5 4 3 2', () => {
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const map = '10X98765432';
    for (const first17 of ['52242519680512001', '52242519700304002', '11010119900307803', '00000000000000000', '99999999999999999']) {
      const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
      expect(checkCharacter(first17)).toBe(map[sum % 11]);
    }
    // Every residue 0..10 is reachable; each maps to its own character.
    const seen = new Set<string>();
    for (let seq = 0; seq < 200; seq++) seen.add(checkCharacter(`5224251980010${String(seq).padStart(3, '0')}1`.slice(0, 17)));
    expect([...seen].sort()).toEqual([...'0123456789X'].sort());
  });
});

describe('checkIdNumber', () => {
  it('accepts the published examples with their birth date and sex', () => {
    expect(checkIdNumber('11010519491231002X')).toEqual({ ok: true, birthDate: '1949-12-31', sex: 'F' });
    // Born 1880: an old date is still a real date.
    expect(checkIdNumber('440524188001010014')).toEqual({ ok: true, birthDate: '1880-01-01', sex: 'M' });
  });

  it('accepts computed numbers, 29 February of a leap year, and a birth date of today', () => {
    expect(checkIdNumber(valid('52242519680512001'))).toEqual({ ok: true, birthDate: '1968-05-12', sex: 'M' });
    expect(checkIdNumber(valid('52242519700304002'))).toEqual({ ok: true, birthDate: '1970-03-04', sex: 'F' });
    expect(checkIdNumber(valid('52242520000229001')).ok).toBe(true);
    expect(checkIdNumber(valid('52242520200229002')).ok).toBe(true);
    expect(checkIdNumber(valid('52242520200305001'), { today: '2020-03-05' }).ok).toBe(true);
  });

  it('accepts a lower-case x and surrounding spaces', () => {
    expect(checkIdNumber('11010519491231002x')).toEqual({ ok: true, birthDate: '1949-12-31', sex: 'F' });
    expect(checkIdNumber('  11010519491231002X ')).toMatchObject({ ok: true });
  });

  it('rejects a wrong check character, naming the problem without the number', () => {
    for (const wrong of ['110105194912310021', '440524188001010015', '44052418800101001X']) {
      const r = checkIdNumber(wrong);
      expect(r).toMatchObject({ ok: false, problem: 'check-character' });
      expect(r.message).toMatch(/check character/);
      expect(r.message).not.toContain(wrong.slice(0, 6));
    }
    // One mistyped digit anywhere is caught (the weights are all non-zero mod 11).
    const good = valid('52242519680512001');
    for (let i = 0; i < 17; i++) {
      const d = (Number(good[i]) + 1) % 10;
      const typo = good.slice(0, i) + d + good.slice(i + 1);
      // A typo in the date may make the date impossible instead; either way it is rejected.
      expect(checkIdNumber(typo).ok, `typo at ${i}`).toBe(false);
    }
  });

  it('rejects impossible birth dates', () => {
    const cases = {
      '29 February of a non-leap year': valid('52242519990229001'),
      '29 February 1900 (not a leap year)': valid('52242519000229001'),
      'month 13': valid('52242519991301001'),
      'month 00': valid('52242519990001001'),
      'day 32': valid('52242519990132001'),
      'day 00': valid('52242519990100001'),
      '31 April': valid('52242519990431001'),
      'year 0000': valid('52242500000101001'),
    };
    for (const [what, id] of Object.entries(cases)) {
      const r = checkIdNumber(id);
      expect(r, what).toMatchObject({ ok: false, problem: 'birth-date' });
      expect(r.message, what).toMatch(/birth date/);
    }
  });

  it('rejects a birth date after `today`, and says so', () => {
    const id = valid('52242520300101001');
    expect(checkIdNumber(id).ok).toBe(true); // no `today`: only the calendar is checked
    const r = checkIdNumber(id, { today: '2020-12-31' });
    expect(r).toMatchObject({ ok: false, problem: 'birth-date' });
    expect(r.message).toMatch(/future/);
    expect(checkIdNumber(valid('52242520200306001'), { today: '2020-03-05' })).toMatchObject({ ok: false, problem: 'birth-date' });
  });

  it('never puts digits of the number into its message (the mask must not be undone by it)', () => {
    // The mask shows 6 + 4 characters; a message quoting the birth date would give away the rest.
    const ids = [valid('52242519990229001'), valid('52242520300101001'), valid('52242519991301001')];
    for (const id of ids) {
      const r = checkIdNumber(id, { today: '2020-12-31' });
      expect(r.ok).toBe(false);
      expect(r.message).not.toMatch(/\d{4}/);
    }
  });

  it('checks the sex against the 17th digit (odd = male)', () => {
    const male = valid('52242519680512001');
    const female = valid('52242519700304002');
    expect(checkIdNumber(male, { sex: 'M' })).toMatchObject({ ok: true, sex: 'M' });
    expect(checkIdNumber(female, { sex: 'F' })).toMatchObject({ ok: true, sex: 'F' });
    const r = checkIdNumber(male, { sex: 'F' });
    expect(r).toMatchObject({ ok: false, problem: 'sex' });
    expect(r.message).toMatch(/17th digit says male.*record says female/);
    expect(checkIdNumber(female, { sex: 'M' })).toMatchObject({ ok: false, problem: 'sex', message: expect.stringMatching(/female \(even\).*record says male/) });
    // Digit 0 is even.
    expect(checkIdNumber(valid('52242519700304000'), { sex: 'F' }).ok).toBe(true);
  });

  it('rejects wrong lengths and characters', () => {
    for (const bad of [
      '',
      '1101051949123100',
      '11010519491231002',
      '11010519491231002XX',
      '110105194912310029X',
      '1101051949123100X2',
      '11010519491231002Y',
      '110105 19491231002X',
      '11010519491231002Ｘ',
      '１１０１０５１９４９１２３１００２Ｘ',
      '110105-19491231-002X',
      '110105491231002',
    ]) {
      expect(checkIdNumber(bad), JSON.stringify(bad)).toMatchObject({ ok: false, problem: 'format', message: expect.stringMatching(/18 characters/) });
    }
  });

  it('checks the format before the date, and the date before the check character', () => {
    // month 13 with a wrong check character: the date is what is reported
    expect(checkIdNumber('522425199913010010').problem).toBe('birth-date');
  });
});

describe('maskIdNumber', () => {
  it('keeps the area code and the last four characters', () => {
    expect(maskIdNumber('11010519491231123X')).toBe('110105********123X');
    expect(maskIdNumber('440524188001010014')).toBe('440524********0014');
    expect(maskIdNumber('11010519491231002X')).toHaveLength(18);
  });

  it('masks short or odd input without showing it, and empty input as empty', () => {
    expect(maskIdNumber('')).toBe('');
    expect(maskIdNumber(null)).toBe('');
    expect(maskIdNumber(undefined)).toBe('');
    expect(maskIdNumber('12345')).toBe('*****');
    expect(maskIdNumber('123456789')).toBe('*********');
    expect(maskIdNumber('5224251980')).toBe('**********'); // 6 + 4 of a 10-character one would be all of it
    expect(maskIdNumber('52242519800101')).toBe('**************');
    // 15-digit first-generation numbers: still only 6 + 4 shown
    expect(maskIdNumber('110105491231002')).toBe('110105*****1002');
  });
});
