/** Small controlled fields of the form editor: a labelled field, a number, a text, a table of rows. */
import type { ReactNode } from 'react';
import { Button, Input, InputNumber, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { withZh, zhOf, type DraftText } from './draft.ts';

/** A label above its control (the label names the control for screen readers). */
export function Field({ id, label, help, children }: { id?: string; label: ReactNode; help?: ReactNode; children: ReactNode }) {
  return (
    <div className="form-field" style={{ marginBottom: 10 }}>
      <label htmlFor={id} style={{ display: 'block', fontSize: 13, marginBottom: 4 }}>
        {label}
      </label>
      {children}
      {help ? (
        <div className="muted" style={{ fontSize: 12, marginTop: 2 }}>
          {help}
        </div>
      ) : null}
    </div>
  );
}

/** A decimal (points, a percentage, an amount); emptied: undefined. */
export function Num({
  id,
  value,
  onChange,
  min = 0,
  max,
  suffix,
  width = 120,
  label,
}: {
  id: string;
  value: number | string | null | undefined;
  onChange: (v: number | undefined) => void;
  min?: number;
  max?: number;
  suffix?: string;
  width?: number;
  label?: string;
}) {
  const n = typeof value === 'string' ? Number(value) : (value ?? undefined);
  return (
    <InputNumber<number>
      id={id}
      data-testid={id}
      aria-label={label}
      value={n === undefined || Number.isNaN(n) ? null : n}
      min={min}
      max={max}
      step={1}
      style={{ width }}
      suffix={suffix}
      onChange={(v) => onChange(v === null || v === undefined ? undefined : v)}
    />
  );
}

/** A text in Chinese (an English rendering the file has is kept). */
export function Txt({
  id,
  value,
  onChange,
  area,
  placeholder,
  label,
}: {
  id: string;
  value: DraftText | undefined;
  onChange: (v: DraftText | undefined) => void;
  area?: boolean;
  placeholder?: string;
  label?: string;
}) {
  const set = (s: string) => onChange(withZh(value, s));
  return area ? (
    <Input.TextArea
      id={id}
      data-testid={id}
      aria-label={label}
      value={zhOf(value)}
      placeholder={placeholder}
      autoSize={{ minRows: 2, maxRows: 6 }}
      onChange={(e) => set(e.target.value)}
    />
  ) : (
    <Input id={id} data-testid={id} aria-label={label} value={zhOf(value)} placeholder={placeholder} onChange={(e) => set(e.target.value)} />
  );
}

/** A plain string (a code). */
export function Str({ id, value, onChange, width, label }: { id: string; value: string | undefined; onChange: (v: string) => void; width?: number; label?: string }) {
  return <Input id={id} data-testid={id} aria-label={label} value={value ?? ''} style={width ? { width } : undefined} onChange={(e) => onChange(e.target.value)} />;
}

/** A list of rows (grades, tiers, checklist elements…): each row's fields side by side, add and remove. */
export function Rows<T>({
  rows,
  onChange,
  make,
  render,
  testId,
  addLabel,
}: {
  rows: T[] | undefined;
  onChange: (rows: T[]) => void;
  make: () => T;
  render: (row: T, set: (row: T) => void, i: number) => ReactNode;
  testId: string;
  addLabel?: string;
}) {
  const { t } = useTranslation();
  const list = rows ?? [];
  return (
    <div data-testid={testId}>
      {list.map((row, i) => (
        <Space key={i} wrap align="start" style={{ marginBottom: 6 }} data-testid={`${testId}-${i}`}>
          {render(row, (r) => onChange(list.map((x, j) => (j === i ? r : x))), i)}
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('schemeForm.removeRow')}
            title={t('schemeForm.removeRow')}
            onClick={() => onChange(list.filter((_, j) => j !== i))}
            data-testid={`${testId}-${i}-remove`}
          />
        </Space>
      ))}
      <div>
        <Button size="small" icon={<PlusOutlined />} onClick={() => onChange([...list, make()])} data-testid={`${testId}-add`}>
          {addLabel ?? t('schemeForm.addRow')}
        </Button>
      </div>
    </div>
  );
}
