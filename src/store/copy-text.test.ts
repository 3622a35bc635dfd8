import { describe, expect, it } from 'vitest';
import { copyLines, CopyLinesEncoder, type CopyValue } from './copy-text.ts';

const rows: CopyValue[][] = [
  ['522425100201000001', '王大山', 2020, null, 5230.5],
  ['a\\b', 'tab\there', 'line\nbreak', 'cr\rlf', ''],
  ['𠮷野家', 'é', '\ud800', 'x\udc00y', 0],
  [-1.25, 'ASCII only', '\\N', '中文\\', 'ok'],
];

describe('CopyLinesEncoder', () => {
  it('writes the UTF-8 bytes of the COPY lines copyLines makes, as Node writes them (a lone surrogate as U+FFFD)', () => {
    const encoder = new CopyLinesEncoder(5, 10);
    for (const r of rows) encoder.add(r);
    expect(encoder.count).toBe(4);
    const { count, bytes } = encoder.take();
    expect(count).toBe(4);
    const text = copyLines(rows.flat(), 5, 4);
    expect(Buffer.from(bytes).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(Buffer.from(bytes).toString('utf8').split('\n')[1]).toBe('a\\\\b\ttab\\there\tline\\nbreak\tcr\\rlf\t');
    expect(Buffer.from(bytes).toString('utf8').split('\n')[2]).toBe('𠮷野家\té\t\ufffd\tx\ufffdy\t0');
    expect(Buffer.from(bytes).toString('utf8').split('\n')[0]).toBe('522425100201000001\t王大山\t2020\t\\N\t5230.5');
  });

  it('starts afresh after take, grows past its first size, and is full at its capacity', () => {
    const encoder = new CopyLinesEncoder(1, 3);
    const long = '长'.repeat(5000);
    encoder.add([long]);
    encoder.add([null]);
    expect(encoder.full).toBe(false);
    encoder.add(['z']);
    expect(encoder.full).toBe(true);
    const first = encoder.take();
    expect(Buffer.from(first.bytes).toString('utf8')).toBe(`${long}\n\\N\nz\n`);
    expect(encoder.count).toBe(0);
    encoder.add(['again']);
    const second = encoder.take();
    expect(second).toMatchObject({ count: 1 });
    expect(Buffer.from(second.bytes).toString('utf8')).toBe('again\n');
    // Each batch's bytes a buffer of its own (to move to another thread).
    expect(second.bytes.buffer).not.toBe(first.bytes.buffer);
    expect(second.bytes.byteLength).toBe(second.bytes.buffer.byteLength);
  });

  it('refuses a number PostgreSQL cannot store', () => {
    expect(() => new CopyLinesEncoder(1, 1).add([Number.NaN])).toThrow(/not a number PostgreSQL can store/);
  });
});
