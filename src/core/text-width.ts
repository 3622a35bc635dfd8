/** Display width of Chinese and English text (CJK characters take two columns), for terminals and spreadsheet column widths. */

/** Columns a string occupies on a terminal. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Pads to a display width (left-aligned), truncating with … when too long. */
export function padEnd(s: string, width: number): string {
  let out = s;
  if (displayWidth(out) > width) {
    let acc = '';
    for (const ch of out) {
      if (displayWidth(acc + ch) > width - 1) break;
      acc += ch;
    }
    out = acc + '…';
  }
  return out + ' '.repeat(Math.max(0, width - displayWidth(out)));
}

/** Pads to a display width, right-aligned. */
export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}
