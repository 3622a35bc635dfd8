/**
 * The CJK font of printed reports: Noto Sans SC (regular and bold) as shipped, whole, by the
 * npm package @expo-google-fonts/noto-sans-sc. Nothing is downloaded at run time; pdfkit embeds
 * only the glyphs a document uses (a subset), so a PDF stays small.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The names the fonts are registered under in a pdfkit document. */
export const FONT_REGULAR = 'NotoSansSC';
export const FONT_BOLD = 'NotoSansSC-Bold';
export type FontName = typeof FONT_REGULAR | typeof FONT_BOLD;

const FILES: Record<FontName, string> = {
  [FONT_REGULAR]: join('400Regular', 'NotoSansSC_400Regular.ttf'),
  [FONT_BOLD]: join('700Bold', 'NotoSansSC_700Bold.ttf'),
};

let packageDir: string | undefined;
const buffers = new Map<FontName, Buffer>();

/** Where a font's TTF is in node_modules. */
export function fontPath(name: FontName): string {
  packageDir ??= dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  return join(packageDir, FILES[name]);
}

/** A font's bytes, read once per process (each file is about 10 MB). */
export function fontBuffer(name: FontName): Buffer {
  let buffer = buffers.get(name);
  if (!buffer) {
    buffer = readFileSync(fontPath(name));
    buffers.set(name, buffer);
  }
  return buffer;
}

/** The part of a pdfkit document that fonts are registered with. */
interface FontRegistry {
  registerFont(name: string, src: Buffer): unknown;
}

/** Registers the regular and bold CJK fonts in a pdfkit document under FONT_REGULAR and FONT_BOLD. */
export function registerCjkFonts(doc: FontRegistry): void {
  doc.registerFont(FONT_REGULAR, fontBuffer(FONT_REGULAR));
  doc.registerFont(FONT_BOLD, fontBuffer(FONT_BOLD));
}

/**
 * svg-to-pdfkit's fontCallback: every SVG text (ECharts writes sans-serif) is drawn in the
 * embedded CJK font, bold where the SVG asks for it.
 */
export function svgFontCallback(_family: string, bold: boolean): FontName {
  return bold ? FONT_BOLD : FONT_REGULAR;
}
