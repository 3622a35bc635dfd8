/**
 * Reading PDFs back in tests with Debian's poppler-utils (pdftotext, pdfinfo, pdftoppm), as a
 * person's PDF reader would see them. Test support only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
/** Where tests leave files for a person to look at (gitignored). */
export const OUTPUT = join(ROOT, 'test-output', 'reports');

/**
 * Whether poppler-utils is installed. Without it the PDF tests are skipped with a warning on a
 * laptop, but on CI (CI set) a missing poppler is an error, not a skip.
 */
export function popplerAvailable(): boolean {
  const found = ['pdftotext', 'pdfinfo', 'pdftoppm'].every((tool) => spawnSync(tool, ['-v'], { stdio: 'ignore' }).status === 0);
  if (found) return true;
  const message = 'PDF tests need poppler-utils (pdftotext, pdfinfo, pdftoppm): install them with "apt-get install poppler-utils"';
  if (process.env.CI) throw new Error(`${message} (CI is set, so this fails instead of skipping)`);
  console.warn(`PDF text tests SKIPPED: ${message}.`);
  return false;
}

function withFile<T>(pdf: Buffer, run: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF's text, laid out as on the page (`pdftotext -layout`); pages are separated by form feeds. */
export function pdfText(pdf: Buffer, options: { layout?: boolean } = {}): string {
  return withFile(pdf, (file) =>
    execFileSync('pdftotext', [...(options.layout === false ? [] : ['-layout']), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 }),
  );
}

/** The text of each page. */
export function pdfPages(pdf: Buffer, options: { layout?: boolean } = {}): string[] {
  const pages = pdfText(pdf, options).split('\f');
  // pdftotext ends the last page with a form feed too.
  if (pages[pages.length - 1]!.trim() === '') pages.pop();
  return pages;
}

/** `pdfinfo` as a map of its fields. */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const out = withFile(pdf, (file) => execFileSync('pdfinfo', [file], { encoding: 'utf8' }));
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

/** `pdffonts` lines (font name, type, embedded …), when the tool is there. */
export function pdfFonts(pdf: Buffer): string {
  return withFile(pdf, (file) => execFileSync('pdffonts', [file], { encoding: 'utf8' }));
}

/** Renders one page to a PNG under test-output/reports and returns its path. */
export function pageToPng(pdf: Buffer, name: string, page = 1, dpi = 80): string {
  mkdirSync(OUTPUT, { recursive: true });
  const prefix = join(OUTPUT, name);
  withFile(pdf, (file) => execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, prefix]));
  return `${prefix}.png`;
}

/** Whitespace removed: Chinese text that pdftotext spaced or wrapped compares as written. */
export function squeeze(s: string): string {
  return s.replace(/\s+/g, '');
}

/** `pdfimages -list` rows: one per image drawn (page, number, type, width, height, …). */
export function pdfImages(pdf: Buffer): Array<{ page: number; width: number; height: number; encoding: string }> {
  const out = withFile(pdf, (file) => execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }));
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/))
    .map((c) => ({ page: Number(c[0]), width: Number(c[3]), height: Number(c[4]), encoding: c[8] ?? '' }));
}

/**
 * A test photo: a small page with coloured shapes and a label, rendered by pdftoppm to a JPEG
 * or a PNG (no image library is installed), `width` pixels wide.
 */
export async function testPhoto(kind: 'jpeg' | 'png', label: string, hue: string, width = 320): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: [240, 180], margin: 0 });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.rect(0, 0, 240, 180).fill('#dfeaf5');
  doc.rect(0, 120, 240, 60).fill('#7a9a4a');
  doc.circle(190, 45, 22).fill('#f2c230');
  doc.polygon([40, 120], [90, 70], [140, 120]).fill(hue);
  doc.rect(60, 120, 60, 30).fill('#8b5a2b');
  doc.fillColor('#000000').fontSize(16).text(label, 12, 12);
  doc.end();
  await ended;
  const pdf = Buffer.concat(chunks);
  const dir = mkdtempSync(join(tmpdir(), 'kaohe-photo-'));
  try {
    const file = join(dir, 'p.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', [kind === 'jpeg' ? '-jpeg' : '-png', '-scale-to-x', String(width), '-scale-to-y', '-1', '-singlefile', file, join(dir, 'out')]);
    return readFileSync(join(dir, kind === 'jpeg' ? 'out.jpg' : 'out.png'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
