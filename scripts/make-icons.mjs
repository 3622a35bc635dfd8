#!/usr/bin/env node
/**
 * Makes the installed app's icons: the character 考 in white on the brand red (#b7282e), its
 * outline taken from Noto Sans SC Bold (the font package the PDFs use) as an SVG path, so the
 * pictures do not depend on the fonts of whatever renders them. Writes the SVG sources and the
 * PNGs the manifest names (rendered with sharp); all of them are committed, so the build needs
 * neither the font nor this script. Run it again only to change the pictures:
 *
 *   node scripts/make-icons.mjs
 *
 * src/web/icons/icon.svg            rounded square, the glyph large (purpose "any"; index.html's favicon)
 * src/web/icons/icon-maskable.svg   full square, the glyph inside the central 80 % circle (purpose "maskable")
 * src/web/public/icons/             icon-192.png, icon-512.png, icon-maskable-512.png, apple-touch-icon.png (180, full square: iOS rounds it)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// fontkit comes with pdfkit (a dependency); only this script, run by hand, uses it directly.
const fontkit = require('fontkit');

const RED = '#b7282e';
const SIZE = 512;
const font = fontkit.openSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'));
const glyph = font.glyphForCodePoint('考'.codePointAt(0));
const box = glyph.bbox;

/** The glyph as a path scaled so that its larger side is `side` pixels, centred on the icon. */
function glyphPath(side) {
  const scale = side / Math.max(box.maxX - box.minX, box.maxY - box.minY);
  const cx = (box.minX + box.maxX) / 2;
  const cy = (box.minY + box.maxY) / 2;
  // Font units point up; the picture's y points down.
  const transform = `translate(${SIZE / 2} ${SIZE / 2}) scale(${scale.toFixed(5)} ${(-scale).toFixed(5)}) translate(${(-cx).toFixed(1)} ${(-cy).toFixed(1)})`;
  return `<path fill="#ffffff" transform="${transform}" d="${glyph.path.toSVG()}"/>`;
}

const svg = (background, glyphSide) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">${background}${glyphPath(glyphSide)}</svg>\n`;

// "any": a rounded square, the glyph 60 % of the side.
const any = svg(`<rect width="${SIZE}" height="${SIZE}" rx="${SIZE * 0.18}" fill="${RED}"/>`, SIZE * 0.6);
// "maskable": the platform cuts its own shape; everything that matters lies within the circle of
// 80 % of the side (the glyph's diagonal at 50 % of the side is 71 %).
const maskable = svg(`<rect width="${SIZE}" height="${SIZE}" fill="${RED}"/>`, SIZE * 0.5);

const sources = join(root, 'src', 'web', 'icons');
const pngs = join(root, 'src', 'web', 'public', 'icons');
mkdirSync(sources, { recursive: true });
mkdirSync(pngs, { recursive: true });
writeFileSync(join(sources, 'icon.svg'), any);
writeFileSync(join(sources, 'icon-maskable.svg'), maskable);

const png = (source, size, name) =>
  sharp(Buffer.from(source), { density: (72 * size) / SIZE })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: true })
    .toFile(join(pngs, name));
await png(any, 192, 'icon-192.png');
await png(any, 512, 'icon-512.png');
await png(maskable, 512, 'icon-maskable-512.png');
await png(maskable, 180, 'apple-touch-icon.png');
process.stdout.write(`icons written to ${pngs}\n`);
