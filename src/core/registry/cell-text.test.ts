import { describe, expect, it } from 'vitest';
import { exportText, quoteCell, quoteList, textCharacterProblem } from './cell-text.ts';

describe('quoteCell', () => {
  it('quotes a short cell as it is, control characters made visible', () => {
    expect(quoteCell('王大山')).toBe('王大山');
    expect(quoteCell('王\u0000大\u001b山\n')).toBe('王␀大␛山␊');
    expect(quoteCell('a\u007fb\u0085c')).toBe('a␡b<U+0085>c');
  });

  it('quotes at most 100 characters of a long one, and says how long it is', () => {
    const long = 'x'.repeat(1_000_000);
    expect(quoteCell(long)).toBe(`${'x'.repeat(100)}…(1000000 characters)`);
    expect(quoteCell('王'.repeat(101), 100)).toBe(`${'王'.repeat(100)}…(101 characters)`);
    // Never half of a surrogate pair.
    expect(quoteCell('𠮷'.repeat(60))).toBe(`${'𠮷'.repeat(50)}…(120 characters)`);
    expect(quoteCell(`a${'𠮷'.repeat(60)}`)).toBe(`a${'𠮷'.repeat(49)}…(121 characters)`);
  });
});

describe('quoteList', () => {
  it('lists at most 30 items', () => {
    expect(quoteList(['a', 'b'])).toBe('a、b');
    const many = Array.from({ length: 500 }, (_, i) => `v${i}`);
    expect(quoteList(many)).toBe(`${many.slice(0, 30).join('、')}…(500 in all)`);
  });
});

describe('textCharacterProblem', () => {
  it('takes ordinary text, with tabs and line breaks only in a note', () => {
    expect(textCharacterProblem('王大山 (A) ·—「」', false)).toBeUndefined();
    expect(textCharacterProblem('a\tb', false)).toMatch(/tab/);
    expect(textCharacterProblem('a\tb\r\nc\u2028', true)).toBeUndefined();
    expect(textCharacterProblem('a\u0000', true)).toMatch(/NUL/);
  });
});

describe('exportText', () => {
  it('never lets NUL or another control character out; tab and line breaks stay', () => {
    expect(exportText('王\u0000大\u001b山\u0085')).toBe('王\ufffd大\ufffd山\ufffd');
    expect(exportText('a\tb\r\nc')).toBe('a\tb\r\nc');
    const plain = '王大山';
    expect(exportText(plain)).toBe(plain);
  });
});
