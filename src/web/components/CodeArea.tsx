/**
 * A plain-text editor with line numbers (lines with a problem marked), for scheme YAML.
 * A textarea without wrapping, so line N on screen is line N of the file the messages name.
 */
import { forwardRef, useImperativeHandle, useMemo, useRef, type CSSProperties } from 'react';

export interface CodeAreaHandle {
  /** Selects a line (1-based) and scrolls it into view. */
  goToLine(line: number): void;
}

const LINE_HEIGHT = 20;

export const CodeArea = forwardRef<
  CodeAreaHandle,
  { value: string; onChange: (v: string) => void; marks?: Map<number, 'error' | 'warning'>; height?: CSSProperties['height']; testId?: string; label?: string }
>(function CodeArea({ value, onChange, marks, height = '65vh', testId, label }, ref) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => value.split('\n').length, [value]);

  useImperativeHandle(ref, () => ({
    goToLine(line: number) {
      const el = area.current;
      if (!el) return;
      let start = 0;
      for (let i = 1; i < line; i++) {
        const next = value.indexOf('\n', start);
        if (next < 0) break;
        start = next + 1;
      }
      const end = value.indexOf('\n', start);
      el.focus();
      el.setSelectionRange(start, end < 0 ? value.length : end);
      el.scrollTop = Math.max(0, (line - 5) * LINE_HEIGHT);
    },
  }));

  const font: CSSProperties = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 13, lineHeight: `${LINE_HEIGHT}px` };
  return (
    <div style={{ display: 'flex', border: '1px solid #d9d9d9', borderRadius: 6, height, overflow: 'hidden', background: '#fff' }}>
      <div
        ref={gutter}
        aria-hidden
        style={{
          ...font,
          overflow: 'hidden',
          background: '#fafafa',
          // 5.4:1 on the gutter's #fafafa (WCAG 2.1 AA).
          color: '#666',
          textAlign: 'right',
          padding: '8px 0',
          minWidth: 44,
          userSelect: 'none',
          borderInlineEnd: '1px solid #f0f0f0',
        }}
      >
        {Array.from({ length: lines }, (_, i) => {
          const mark = marks?.get(i + 1);
          return (
            <div
              key={i}
              style={{
                padding: '0 8px',
                height: LINE_HEIGHT,
                background: mark === 'error' ? '#fff1f0' : mark === 'warning' ? '#fffbe6' : undefined,
                color: mark === 'error' ? '#cf1322' : mark === 'warning' ? '#ad6800' : undefined,
                fontWeight: mark ? 600 : 400,
              }}
            >
              {i + 1}
            </div>
          );
        })}
        <div style={{ height: 40 }} />
      </div>
      <textarea
        ref={area}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
        wrap="off"
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        data-testid={testId}
        aria-label={label}
        style={{ ...font, flex: 1, border: 'none', outline: 'none', resize: 'none', padding: 8, whiteSpace: 'pre', overflow: 'auto', tabSize: 2 }}
      />
    </div>
  );
});
