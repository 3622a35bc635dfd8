/**
 * Registry lists out to .xlsx or .csv with the same Chinese headers the import reads, so an
 * export (with --show-ids) can be edited and imported again. ID numbers are masked unless
 * asked for in full. Also the empty import templates with an explanation sheet.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { KaoheError } from '../../core/errors.ts';
import { maskIdNumber } from '../../core/ids/gb11643.ts';
import { exportText } from '../../core/registry/cell-text.ts';
import type { FieldSpec } from '../../core/registry/fields.ts';
import { kindSpec, KINDS, type KindSpec } from '../../core/registry/kinds.ts';
import type { Store } from '../../store/db.ts';
import { codeLabels } from '../../store/registry-queries.ts';
import { registryRows } from '../../store/registry.repository.ts';
import { displayWidth as displayWidthOf } from '../../core/text-width.ts';

export interface ExportOptions {
  format: 'xlsx' | 'csv';
  /** Show resident ID numbers in full (a role that needs them); masked otherwise. */
  showIds?: boolean;
  /** Only the rows of this area's villages (an office of an area's export). */
  area?: string;
}

type Value = string | number | null;

function spec(kind: string): KindSpec {
  const s = kindSpec(kind);
  if (!s) throw new KaoheError('unknown-kind', `no record kind "${kind}" (kinds: ${KINDS.map((k) => k.kind).join(', ')})`);
  return s;
}

/** A stored value as an office writes it in its sheet. */
function present(field: FieldSpec, value: unknown, labels: Map<string, string>, showIds: boolean): Value {
  if (value === null || value === undefined) return null;
  const t = field.type;
  switch (t.kind) {
    case 'bool':
      return Number(value) ? '是' : '否';
    case 'enum':
      return t.values.find((v) => v.value === value)?.labels[0] ?? String(value);
    case 'code':
      return labels.get(`${t.list}\u0001${value}`) ?? String(value);
    case 'codes':
      return String(value)
        .split(',')
        .map((c) => labels.get(`${t.list}\u0001${c}`) ?? c)
        .join('、');
    case 'money':
      return Number(value) / 100;
    case 'idNumber':
      return showIds ? String(value) : maskIdNumber(String(value));
    case 'int':
    case 'year':
      return Number(value);
    default:
      return String(value);
  }
}

/** A stored value as written out: whatever an older import let in, no NUL or other control character leaves in a file. */
function cleanPresent(field: FieldSpec, value: unknown, labels: Map<string, string>, showIds: boolean): Value {
  const v = present(field, value, labels, showIds);
  return typeof v === 'string' ? exportText(v) : v;
}

/** Text a spreadsheet could take for a formula is written so it stays text (CSV). */
function safeText(v: Value): Value {
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** Writes every row of a kind (of an area's villages, when asked) to a file; returns the number of rows written. */
export async function exportKind(store: Store, kind: string, out: string, options: ExportOptions): Promise<number> {
  const s = spec(kind);
  // A code that changed its name is written with its latest one, as the registry's API shows it.
  const labels = new Map<string, string>();
  for (const [key, label] of await codeLabels(store.db)) labels.set(key, label.zh);
  const showIds = !!options.showIds;
  const headers = s.fields.map((f) => f.header);
  let count = 0;
  if (options.format === 'csv') {
    const file = createWriteStream(out);
    file.write('\uFEFF'); // Excel opens a UTF-8 CSV correctly only with a BOM
    const csv = stringify();
    csv.pipe(file);
    const write = async (row: Value[]) => {
      if (!csv.write(row)) await once(csv, 'drain');
    };
    await write(headers);
    for await (const r of registryRows(store, s, options.area)) {
      await write(s.fields.map((f) => safeText(cleanPresent(f, r[f.key], labels, showIds))));
      count++;
    }
    csv.end();
    await once(file, 'close');
    return count;
  }
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ filename: out, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet(s.title.zh, { views: [{ state: 'frozen', ySplit: 1 }] });
  const widths = headers.map((h) => displayWidthOf(h) + 2);
  sheet.columns = s.fields.map((f, i) => ({ header: f.header, key: f.key, width: Math.min(40, Math.max(widths[i]!, f.type.kind === 'idNumber' ? 21 : 10)) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const r of registryRows(store, s, options.area)) {
    sheet.addRow(s.fields.map((f) => cleanPresent(f, r[f.key], labels, showIds))).commit();
    count++;
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

/** Writes an empty import template: the headers, and a sheet (说明) explaining each column. */
export async function writeTemplate(kind: string, out: string): Promise<void> {
  const s = spec(kind);
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  const data = workbook.addWorksheet(s.title.zh, { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = s.fields.map((f) => ({ header: f.header, key: f.key, width: Math.max(displayWidthOf(f.header) + 4, f.type.kind === 'idNumber' ? 21 : 12) }));
  const header = data.getRow(1);
  header.font = { bold: true };
  s.fields.forEach((f, i) => {
    const cell = header.getCell(i + 1);
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: f.required ? 'FFFCE4D6' : 'FFF2F2F2' } };
    cell.note = `${f.required ? '必填。' : ''}${f.help}`;
    // ID numbers and codes must stay text: Excel would turn 18 digits into 5.2E+17.
    if (f.type.kind === 'idNumber' || f.type.kind === 'divisionCode' || f.key === 'household_no') data.getColumn(i + 1).numFmt = '@';
  });
  const notes = workbook.addWorksheet('说明');
  notes.columns = [
    { header: '列名', key: 'header', width: 22 },
    { header: '必填', key: 'required', width: 6 },
    { header: '格式', key: 'format', width: 18 },
    { header: '说明', key: 'help', width: 60 },
    { header: '示例', key: 'example', width: 24 },
    { header: 'Column (English)', key: 'en', width: 28 },
  ];
  notes.getRow(1).font = { bold: true };
  for (const f of s.fields) {
    notes.addRow({ header: f.header, required: f.required ? '是' : '', format: formatName(f), help: f.help, example: f.example ?? '', en: f.en });
  }
  notes.addRow({});
  notes.addRow({ header: `每行一条${s.title.zh}记录；整个文件一次导入，任何一行有错则整个文件不导入。重复导入同一文件只更新，不重复。` });
  await workbook.xlsx.writeFile(out);
}

function formatName(f: FieldSpec): string {
  switch (f.type.kind) {
    case 'text':
      return '文本';
    case 'int':
      return '整数';
    case 'year':
      return '年份（如2020）';
    case 'date':
      return '日期（如2020-03-05）';
    case 'month':
      return '月份（如2020-03）';
    case 'bool':
      return '是/否';
    case 'money':
      return '金额（元）';
    case 'phone':
      return '电话号码';
    case 'idNumber':
      return '18位身份证号（文本）';
    case 'divisionCode':
      return '12位区划代码（文本）';
    case 'enum':
      return f.type.values.map((v) => v.labels[0]).join('/');
    case 'code':
      return `代码表 ${f.type.list}`;
    case 'codes':
      return `代码表 ${f.type.list}，最多${f.type.max}项`;
  }
}
