/**
 * A Word document (.docx) of a scheme table, as an office keeps one, built for tests: paragraphs
 * above (the title), the table (merged cells as w:gridSpan and w:vMerge, as Word writes them) and
 * paragraphs below (说明：…). A real .docx: a zip of the parts Word needs, read by mammoth.
 */
import JSZip from 'jszip';
import type { SheetGrid } from '../src/core/scheme/sheet-import.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const para = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;

/** The table's XML: each merged range's first cell spans its columns (gridSpan) and starts a vertical merge; the cells below continue it. */
function tableXml(table: SheetGrid): string {
  const merges = table.merges ?? [];
  const width = Math.max(...table.cells.map((r) => r.length));
  const rows = table.cells.map((row, r) => {
    const cells: string[] = [];
    for (let c = 0; c < width;) {
      const m = merges.find((x) => r >= x.top && r <= x.bottom && c >= x.left && c <= x.right);
      if (!m) {
        cells.push(`<w:tc>${para(row[c] ?? '')}</w:tc>`);
        c++;
        continue;
      }
      const cols = m.right - m.left + 1;
      const props = `${cols > 1 ? `<w:gridSpan w:val="${cols}"/>` : ''}${m.bottom > m.top ? (r === m.top ? '<w:vMerge w:val="restart"/>' : '<w:vMerge/>') : ''}`;
      cells.push(`<w:tc><w:tcPr>${props}</w:tcPr>${para(r === m.top ? (table.cells[m.top]![m.left] ?? '') : '')}</w:tc>`);
      c = m.right + 1;
    }
    return `<w:tr>${cells.join('')}</w:tr>`;
  });
  return `<w:tbl><w:tblGrid>${Array.from({ length: width }, () => '<w:gridCol/>').join('')}</w:tblGrid>${rows.join('')}</w:tbl>`;
}

export async function docxOf(parts: { above: string[]; table: SheetGrid; below: string[] }): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${parts.above.map(para).join('')}${tableXml(parts.table)}${parts.below.map(para).join('')}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/**
 * A scheme sheet's grid as a Word document lays it out: the rows above the header row as title
 * paragraphs, the rows from 说明 on as note paragraphs, the rest as the table.
 */
export function splitSheet(grid: SheetGrid, header: number): { above: string[]; table: SheetGrid; below: string[] } {
  const first = (row: string[]) => row.find((c) => c.trim() !== '') ?? '';
  const notesAt = grid.cells.findIndex((row, r) => r > header && /^(说明|备注|注)\s*[:：]/.test(first(row)));
  const end = notesAt < 0 ? grid.cells.length : notesAt;
  const merges = (grid.merges ?? []).filter((m) => m.top >= header && m.bottom < end).map((m) => ({ ...m, top: m.top - header, bottom: m.bottom - header }));
  return {
    above: grid.cells.slice(0, header).map(first).filter(Boolean),
    table: { cells: grid.cells.slice(header, end), merges },
    below: grid.cells.slice(end).map(first).filter(Boolean),
  };
}
