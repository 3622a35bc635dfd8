import { describe, expect, it } from 'vitest';
import { fontBuffer, fontPath, FONT_BOLD, FONT_REGULAR } from './fonts.ts';
import { createReportDocument, Flow, Measurer, table, tokenize, type TextOp } from './layout.ts';

const m = new Measurer(createReportDocument());

describe('fonts', () => {
  it('are the whole Noto Sans SC TTFs from node_modules, read once', () => {
    expect(fontPath(FONT_REGULAR)).toMatch(/@expo-google-fonts\/noto-sans-sc\/400Regular\/NotoSansSC_400Regular\.ttf$/);
    const regular = fontBuffer(FONT_REGULAR);
    // TrueType magic, and the full CJK set (about 10 MB), not a subset.
    expect(regular.readUInt32BE(0)).toBe(0x00010000);
    expect(regular.length).toBeGreaterThan(5_000_000);
    expect(fontBuffer(FONT_REGULAR)).toBe(regular);
    expect(fontBuffer(FONT_BOLD)).not.toBe(regular);
  });
});

describe('tokenize', () => {
  it('breaks Chinese between characters, keeps Latin words and numbers whole', () => {
    expect(tokenize('扣分 photo.jpg 12.5')).toEqual(['扣', '分', ' ', 'photo.jpg', ' ', '12.5']);
  });
  it('keeps closing punctuation with the text before it and opening with the text after', () => {
    expect(tokenize('家庭（人口）漏填，未见。')).toEqual(['家', '庭', '（人', '口）', '漏', '填，', '未', '见。']);
  });
  it('keeps explicit line breaks', () => {
    expect(tokenize('甲\n乙')).toEqual(['甲', '\n', '乙']);
  });
});

describe('wrap', () => {
  it('fills lines up to the width and never starts one with closing punctuation', () => {
    const text = '帮扶责任人当月入户不足4次，入户记录缺签字，档案资料不全。';
    const lines = m.wrap(text, FONT_REGULAR, 10, 60);
    expect(lines.join('')).toBe(text);
    for (const l of lines) {
      expect(m.width(l, FONT_REGULAR, 10)).toBeLessThanOrEqual(60 + 0.01);
      expect(l).not.toMatch(/^[，。]/);
    }
    expect(lines.length).toBeGreaterThan(3);
  });
  it('breaks a word longer than the line between its characters, and English between words', () => {
    const lines = m.wrap('IMG_20201224_6730_a_very_long_name.jpg', FONT_REGULAR, 10, 50);
    expect(lines.join('')).toBe('IMG_20201224_6730_a_very_long_name.jpg');
    expect(lines.length).toBeGreaterThan(2);
    const width = m.width('missing work', FONT_REGULAR, 10) + 1;
    expect(m.wrap('missing work plan', FONT_REGULAR, 10, width)).toEqual(['missing work', 'plan']);
  });
  it('gives one empty line for empty text', () => {
    expect(m.wrap('', FONT_REGULAR, 10, 60)).toEqual(['']);
  });
});

describe('table', () => {
  it('moves a row that does not fit to a new page and repeats the header there', () => {
    const flow = new Flow(m, { left: 40, right: 240, top: 40, bottom: 200 });
    flow.newPage();
    const rows = Array.from({ length: 12 }, (_, i) => ({ cells: [{ text: String(i + 1) }, { text: `第${i + 1}行` }] }));
    table(flow, [{ width: 40 }, { width: 160 }], rows, { header: { cells: [{ text: '编号' }, { text: '内容' }] } });
    expect(flow.pages.length).toBeGreaterThan(1);
    for (const page of flow.pages) {
      const texts = page.ops.filter((o): o is TextOp => o.op === 'text');
      expect(texts[0]!.text).toBe('编号');
      for (const t of texts) expect(t.y).toBeLessThanOrEqual(200);
    }
    const all = flow.pages.flatMap((p) => p.ops.filter((o): o is TextOp => o.op === 'text').map((o) => o.text)).filter((t) => t.startsWith('第'));
    expect(all).toEqual(rows.map((r) => r.cells[1]!.text));
  });
});
