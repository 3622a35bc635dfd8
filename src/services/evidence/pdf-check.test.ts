import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { checkPdf, PdfActiveContentScanner } from './pdf-check.ts';

const pdf = (body: string) => Buffer.from(`%PDF-1.4\n${body}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');

/** An object stream (PDF 1.5) holding `objects` (number → text), Flate-compressed unless told. */
function objectStream(objects: Array<[number, string]>, filter: string | null = '/FlateDecode'): Buffer {
  let offset = 0;
  const header: string[] = [];
  const bodies: string[] = [];
  for (const [num, text] of objects) {
    header.push(`${num} ${offset}`);
    bodies.push(text);
    offset += text.length + 1;
  }
  const head = `${header.join(' ')} `;
  const data = Buffer.from(head + bodies.join(' '), 'latin1');
  const stored = filter === '/FlateDecode' ? deflateSync(data) : data;
  return Buffer.concat([
    Buffer.from(
      `%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /N ${objects.length} /First ${head.length}${filter ? ` /Filter ${filter}` : ''} /Length ${stored.length} >>\nstream\r\n`,
      'latin1',
    ),
    stored,
    Buffer.from('\r\nendstream\nendobj\ntrailer << /Root 6 0 R >>\n%%EOF\n', 'latin1'),
  ]);
}

/** The same bytes fed in pieces of `size`: what is found must not depend on where chunks end. */
function inPieces(bytes: Buffer, size: number) {
  const s = new PdfActiveContentScanner();
  for (let i = 0; i < bytes.length; i += size) s.push(bytes.subarray(i, i + size));
  return s.result();
}

describe('checkPdf: active content', () => {
  it('finds JavaScript run on opening, by name and by the action /OpenAction points to', () => {
    const r = checkPdf(pdf('1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n2 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj'));
    expect(r.active).toEqual(['/JavaScript', '/JS', '/OpenAction → /JavaScript']);
  });

  it('finds launch actions, event actions, embedded files, rich media and XFA forms', () => {
    expect(checkPdf(pdf('1 0 obj << /Type /Page /AA << /O 2 0 R >> >> endobj 2 0 obj << /S /Launch /F (cmd.exe) >> endobj')).active).toEqual(['/AA', '/Launch']);
    expect(checkPdf(pdf('1 0 obj << /Names << /EmbeddedFiles 3 0 R >> >> endobj')).active).toEqual(['/EmbeddedFiles', '/EmbeddedFile']);
    expect(checkPdf(pdf('1 0 obj << /Type /EmbeddedFile /Length 2 >> stream\nMZ\nendstream endobj')).active).toEqual(['/EmbeddedFile']);
    expect(checkPdf(pdf('1 0 obj << /Type /Annot /Subtype /RichMedia >> endobj')).active).toEqual(['/RichMedia']);
    expect(checkPdf(pdf('1 0 obj << /AcroForm << /XFA 4 0 R >> >> endobj')).active).toEqual(['/XFA']);
  });

  it('judges /OpenAction by what it does: a page to open at is fine, any other action is not', () => {
    // As pdfTeX and office suites write it: open at page 1, fit to the window.
    expect(checkPdf(pdf('1 0 obj << /Type /Catalog /OpenAction [3 0 R /Fit] >> endobj')).active).toEqual([]);
    expect(checkPdf(pdf('1 0 obj << /Type /Catalog /OpenAction 9 0 R >> endobj 9 0 obj [3 0 R /XYZ null null 0] endobj')).active).toEqual([]);
    expect(checkPdf(pdf('1 0 obj << /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >> endobj')).active).toEqual([]);
    expect(checkPdf(pdf('1 0 obj << /OpenAction 9 0 R >> endobj 9 0 obj << /S /URI /URI (http://example.com/) >> endobj')).active).toEqual(['/OpenAction → /URI']);
    expect(checkPdf(pdf('1 0 obj << /OpenAction << /S /Named /N /Print >> >> endobj')).active).toEqual(['/OpenAction → /Named']);
    expect(checkPdf(pdf('1 0 obj << /OpenAction 9 0 R >> endobj')).active).toEqual(['/OpenAction → an object not found']);
  });

  it('decodes #xx escapes in names', () => {
    const r = checkPdf(pdf('1 0 obj << /O#70enAction 2 0 R >> endobj 2 0 obj << /S /J#61vaScript /J#53 (x) >> endobj'));
    expect(r.active).toEqual(['/JavaScript', '/JS', '/OpenAction → /JavaScript']);
  });

  it('reads inside compressed object streams, whatever the chunks', () => {
    const bytes = objectStream([
      [6, '<< /Type /Catalog /OpenAction 7 0 R >>'],
      [7, '<< /S /J#61vaScript /JS (app.alert\\(1\\)) >>'],
    ]);
    const expected = ['/JavaScript', '/JS', '/OpenAction → /JavaScript'];
    expect(checkPdf(bytes).active).toEqual(expected);
    for (const size of [1, 2, 7, 9, 64]) expect(inPieces(bytes, size).active, `chunks of ${size}`).toEqual(expected);
    // A destination inside one is fine.
    expect(
      checkPdf(
        objectStream([
          [6, '<< /Type /Catalog /OpenAction 7 0 R >>'],
          [7, '[3 0 R /Fit]'],
        ]),
      ).active,
    ).toEqual([]);
    // Not compressed at all: read the same.
    expect(checkPdf(objectStream([[6, '<< /AA << /O 7 0 R >> >>']], null)).active).toEqual(['/AA']);
  });

  it('calls a PDF uncheckable when an object stream cannot be read', () => {
    const lzw = objectStream([[6, '<< /Type /Catalog >>']], '/LZWDecode');
    expect(checkPdf(lzw)).toEqual({ active: [], unreadable: 'an object stream is compressed with /LZWDecode, which Kaohe does not read' });
    // Encrypted (or damaged) compressed data does not inflate.
    const bytes = objectStream([[6, '<< /Type /Catalog >>']]);
    const at = bytes.indexOf('stream\r\n') + 8;
    randomBytes(20).copy(bytes, at);
    expect(checkPdf(bytes).unreadable).toMatch(/^an object stream cannot be decompressed/);
  });

  it('finds the long names in raw stream data too (an object hidden inside another stream)', () => {
    const hidden = pdf('1 0 obj << /Length 60 >> stream\n9 0 obj << /S /JavaScript /JS (x) >> endobj\nendstream endobj');
    expect(checkPdf(hidden).active).toEqual(['/JavaScript']);
  });
});

describe('checkPdf: ordinary PDFs pass', () => {
  it('passes names in strings and comments, and random stream data', () => {
    expect(checkPdf(pdf('% /JS in a comment\n1 0 obj << /Title (on /JS, /AA and /OpenAction) /Subject <2F4A53> >> endobj')).active).toEqual([]);
    // The long names are searched for in the raw bytes too: in a string, they still refuse the file (the safe side).
    expect(checkPdf(pdf('1 0 obj << /Title (about /JavaScript) >> endobj')).active).toEqual(['/JavaScript']);
    for (let i = 0; i < 5; i++) {
      const data = randomBytes(1024 * 1024);
      expect(
        checkPdf(Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj << /Length 1048576 /Filter /DCTDecode >> stream\n'), data, Buffer.from('\nendstream endobj\n%%EOF')])).active,
      ).toEqual([]);
    }
  });

  it('passes what pdfkit writes (Kaohe’s own score sheets), compressed or not', async () => {
    for (const compress of [true, false]) {
      const doc = new PDFDocument({ compress });
      const chunks: Buffer[] = [];
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.text('Meeting minutes').addPage().text('page 2');
      doc.end();
      await new Promise((r) => doc.on('end', r));
      expect(checkPdf(Buffer.concat(chunks))).toEqual({ active: [] });
    }
  });
});
