/**
 * The import wizard: choose the kind → choose the file → its columns checked against the kind
 * (read in the browser) → a dry run on the server lists every problem (row, column, value,
 * why) → confirm → the result. Nothing is written unless every row is valid.
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { Alert, Button, Card, Descriptions, Empty, Result, Select, Space, Steps, Table, Tag, Upload } from 'antd';
import { InboxOutlined, DownloadOutlined, FileExcelOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { problemText } from '../../../core/registry/problems.ts';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { api, apiUrl, errorText } from '../../lib/api.ts';
import { useSessionArea } from '../../lib/auth.tsx';
import { useFormat } from '../../lib/format.ts';
import { Link, pathTo } from '../../lib/router.tsx';
import { schemeLang } from '../../i18n/index.ts';
import { checkHeaders, columnLetter, readFirstRows, type HeaderCheck } from '../../lib/sheet-headers.ts';
import type { ImportHistory, ImportHistoryEntry, ImportProblem, ImportReport } from '../../lib/types.ts';
import type { SessionArea } from '../../../contract/index.ts';
import { usePagedList } from '../../lib/paged.ts';
import { fieldLabel, useKinds, type KindFieldInfo, type KindInfo } from './kinds.tsx';

type Report = ImportReport;

export default function ImportWizardPage() {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const kinds = useKinds();
  // An office of an area imports its own villages' records (the server checks each row).
  const area = useSessionArea();
  const [kind, setKind] = useState<string | undefined>();
  const [file, setFile] = useState<File | null>(null);
  const [check, setCheck] = useState<(HeaderCheck & { format: string; encoding?: string }) | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [dry, setDry] = useState<Report | null>(null);
  const [result, setResult] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  // Bumped when an import commits: the history shows it.
  const [imported, setImported] = useState(0);
  const spec = kinds.data?.kinds.find((k) => k.kind === kind);

  const step = result ? 4 : dry ? 3 : file ? 2 : kind ? 1 : 0;

  const reset = (keepKind = true) => {
    setFile(null);
    setCheck(null);
    setCheckError(null);
    setDry(null);
    setResult(null);
    setError(null);
    if (!keepKind) setKind(undefined);
  };

  const choose = async (f: File) => {
    reset();
    setFile(f);
    if (!spec) return;
    try {
      const read = await readFirstRows(f);
      setCheck({ ...checkHeaders(spec.fields, read.rows), format: read.format, ...(read.encoding ? { encoding: read.encoding } : {}) });
    } catch (e) {
      setCheckError(errorText(e));
    }
  };

  const send = async (dryRun: boolean) => {
    if (!file || !kind) return;
    setBusy(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('dryRun', dryRun ? 'true' : 'false');
      form.append('file', file, file.name);
      const r = await api.upload<Report>(`/imports/${kind}`, form);
      if (dryRun) setDry(r);
      else {
        setResult(r);
        if (r.committed) setImported((n) => n + 1);
      }
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  const fieldColumns = [
    { title: t('imports.column'), key: 'h', render: (_: unknown, f: KindFieldInfo) => <b>{fieldLabel(f, lang)}</b> },
    { title: t('imports.required'), key: 'r', width: 70, render: (_: unknown, f: KindFieldInfo) => (f.required ? <Tag color="red">{t('common.yes')}</Tag> : null) },
    { title: t('imports.fieldHelp'), dataIndex: 'help', className: 'hide-narrow' },
    { title: t('imports.example'), dataIndex: 'example', className: 'hide-narrow mono' },
  ];

  const checkRows = useMemo(() => {
    if (!spec || !check) return [];
    return spec.fields.map((f) => {
      const m = check.matched.find((x) => x.field.key === f.key);
      return { key: f.key, field: f, found: m ? `${columnLetter(m.column)} · ${m.text}` : null, required: f.required };
    });
  }, [spec, check]);

  return (
    <div data-testid="import-wizard">
      <PageHeader title={t('nav.imports')} sub={t('imports.help')} />
      {area ? <Alert type="info" showIcon title={t('imports.areaOnly', { area: area.name })} style={{ marginBottom: 12 }} data-testid="import-area-only" /> : null}
      {kinds.error ? <ErrorView error={kinds.error} onRetry={kinds.reload} /> : null}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Steps
          size="small"
          current={step}
          responsive
          items={[
            { title: t('imports.stepKind') },
            { title: t('imports.stepFile') },
            { title: t('imports.stepColumns') },
            { title: t('imports.stepDryRun') },
            { title: t('imports.stepResult') },
          ]}
        />
      </Card>

      <Card size="small" title={t('imports.stepKind')} style={{ marginBottom: 12 }}>
        <Space wrap>
          <Select
            style={{ width: 240 }}
            placeholder={t('imports.chooseKind')}
            value={kind}
            onChange={(k) => (reset(false), setKind(k))}
            options={(kinds.data?.kinds ?? []).filter((k) => !area || k.areaImport).map((k) => ({ value: k.kind, label: textOf(k.title, lang) }))}
            loading={kinds.loading}
            data-testid="import-kind"
            aria-label={t('imports.kind')}
          />
          {kind ? (
            <a href={apiUrl(`/templates/${kind}`)} download data-testid="import-template">
              <Button icon={<FileExcelOutlined />}>{t('imports.template')}</Button>
            </a>
          ) : null}
        </Space>
        {spec ? (
          <Table
            rowKey="key"
            size="small"
            style={{ marginTop: 12 }}
            pagination={false}
            dataSource={spec.fields}
            columns={fieldColumns}
            scroll={{ x: 520 }}
            data-testid="import-fields"
          />
        ) : null}
      </Card>

      {spec ? (
        <Card size="small" title={t('imports.stepFile')} style={{ marginBottom: 12 }}>
          {/*
           * The drop zone is the one file control: a button (Tab reaches it; Enter, and Space
           * here, open the file chooser) named by its text. Its hidden file input carries the
           * Dragger's data-* attributes, so tests set files on data-testid="import-file".
           */}
          <div data-testid="import-dropzone" onKeyDown={spaceOpens}>
            <Upload.Dragger
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              multiple={false}
              showUploadList={false}
              beforeUpload={(f) => {
                void choose(f as File);
                return false;
              }}
              data-testid="import-file"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined aria-hidden />
              </p>
              <p>{file ? `${file.name}${fmt.paren(fmt.size(file.size))}` : t('imports.drop')}</p>
              <p className="muted">{t('imports.formats')}</p>
            </Upload.Dragger>
          </div>
        </Card>
      ) : null}

      {file && spec ? (
        <Card size="small" title={t('imports.stepColumns')} style={{ marginBottom: 12 }} data-testid="import-columns">
          {checkError ? <Alert type="warning" showIcon title={t('imports.unreadable')} description={checkError} style={{ marginBottom: 12 }} /> : null}
          {check ? (
            <>
              {check.headerRow === 0 ? (
                <Alert type="error" showIcon title={t('imports.noHeader')} style={{ marginBottom: 12 }} data-testid="import-columns-missing" />
              ) : check.missingRequired.length ? (
                <Alert
                  type="error"
                  showIcon
                  title={t('imports.missingRequired', { columns: fmt.join(check.missingRequired.map((f) => fieldLabel(f as KindFieldInfo, lang))) })}
                  style={{ marginBottom: 12 }}
                  data-testid="import-columns-missing"
                />
              ) : (
                <Alert
                  type="success"
                  showIcon
                  title={t('imports.columnsOk', { row: check.headerRow, count: check.matched.length })}
                  description={check.encoding ? t('imports.encoding', { encoding: check.encoding.toUpperCase() }) : undefined}
                  style={{ marginBottom: 12 }}
                  data-testid="import-columns-ok"
                />
              )}
              {check.ignored.length ? <Alert type="info" showIcon title={t('imports.ignored', { columns: fmt.join(check.ignored) })} style={{ marginBottom: 12 }} /> : null}
              <Table
                size="small"
                pagination={false}
                dataSource={checkRows}
                scroll={{ x: 420 }}
                columns={[
                  { title: t('imports.column'), key: 'c', render: (_: unknown, r: (typeof checkRows)[number]) => fieldLabel(r.field, lang) },
                  { title: t('imports.required'), key: 'r', render: (_: unknown, r: (typeof checkRows)[number]) => (r.required ? <Tag color="red">{t('common.yes')}</Tag> : null) },
                  {
                    title: t('imports.inFile'),
                    key: 'f',
                    render: (_: unknown, r: (typeof checkRows)[number]) =>
                      r.found ? <Tag color="green">{r.found}</Tag> : <Tag color={r.required ? 'error' : 'default'}>{t('imports.absent')}</Tag>,
                  },
                ]}
              />
            </>
          ) : null}
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" onClick={() => send(true)} loading={busy && !dry} data-testid="import-dry-run">
              {t('imports.dryRun')}
            </Button>
          </Space>
        </Card>
      ) : null}

      {error ? <ErrorView error={error} /> : null}

      {dry ? (
        <Card size="small" title={t('imports.stepDryRun')} style={{ marginBottom: 12 }} data-testid="import-dry-result">
          <Descriptions size="small" column={{ xs: 1, sm: 2, md: 4 }}>
            <Descriptions.Item label={t('imports.rows')}>{fmt.int(dry.rows)}</Descriptions.Item>
            <Descriptions.Item label={t('imports.wouldInsert')}>{fmt.int(dry.inserted)}</Descriptions.Item>
            <Descriptions.Item label={t('imports.wouldUpdate')}>{fmt.int(dry.updated)}</Descriptions.Item>
            <Descriptions.Item label={t('imports.problems')}>
              <b style={{ color: dry.problems.length ? '#cf1322' : '#389e0d' }} data-testid="import-problem-count">
                {fmt.int(dry.problems.length)}
                {dry.truncated ? '+' : ''}
              </b>
            </Descriptions.Item>
          </Descriptions>
          {dry.problems.length ? (
            <>
              <Alert
                type="error"
                showIcon
                title={t('imports.fixAndRetry')}
                style={{ marginBottom: 12 }}
                action={dry.errorsFile ? <ErrorsFileLink token={dry.errorsFile} /> : undefined}
              />
              <ProblemsTable problems={dry.problems} />
            </>
          ) : (
            <Space wrap>
              <Alert type="success" showIcon title={t('imports.readyToImport', { count: dry.rows })} />
              <Button type="primary" onClick={() => send(false)} loading={busy} data-testid="import-confirm">
                {t('imports.confirm')}
              </Button>
            </Space>
          )}
        </Card>
      ) : null}

      {result ? (
        <Card size="small" data-testid="import-result">
          {result.committed ? (
            <Result
              status="success"
              title={t('imports.done', { rows: result.rows })}
              subTitle={t('imports.doneDetail', { inserted: result.inserted, updated: result.updated })}
              extra={[
                <Button key="again" onClick={() => reset()}>
                  {t('imports.another')}
                </Button>,
                <Link key="records" to={kind && spec?.records ? pathTo('records', {}, { kind }) : pathTo('villages')}>
                  <Button type="primary">{t('imports.view')}</Button>
                </Link>,
              ]}
            />
          ) : (
            <>
              <Alert
                type="error"
                showIcon
                title={t('imports.notWritten')}
                style={{ marginBottom: 12 }}
                action={result.errorsFile ? <ErrorsFileLink token={result.errorsFile} /> : undefined}
              />
              <ProblemsTable problems={result.problems} />
            </>
          )}
        </Card>
      ) : null}
      {!kind && !kinds.loading ? <Empty description={t('imports.startHere')} /> : null}
      <ImportHistoryCard kinds={kinds.data?.kinds} area={area} reloadKey={imported} />
    </div>
  );
}

/**
 * Space on the drop zone opens the file chooser as Enter does (Ant Design's upload button
 * answers Enter only; a button answers both).
 */
function spaceOpens(e: KeyboardEvent<HTMLDivElement>) {
  const target = e.target as HTMLElement;
  if (e.key !== ' ' || target.getAttribute('role') !== 'button') return;
  e.preventDefault();
  target.click();
}

function ErrorsFileLink({ token }: { token: string }) {
  const { t } = useTranslation();
  return (
    <a href={apiUrl(`/imports/errors/${token}`)} download data-testid="import-errors-file">
      <Button size="small" icon={<DownloadOutlined />}>
        {t('imports.errorsFile')}
      </Button>
    </a>
  );
}

function ProblemsTable({ problems }: { problems: ImportProblem[] }) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  // A cell's or row's problem in the reader's language, by its code (problems.ts).
  const why = (p: ImportProblem) => (p.reason ? problemText({ ...p.reason, message: p.message }, lang) : p.message);
  return (
    <Table<ImportProblem & { n: number }>
      rowKey="n"
      size="small"
      dataSource={problems.map((p, n) => ({ ...p, n }))}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 560 }}
      data-testid="import-problems"
      columns={[
        { title: t('imports.row'), dataIndex: 'row', width: 64, render: (r: number) => (r === 0 ? t('imports.wholeFile') : r) },
        { title: t('imports.column'), dataIndex: 'column', width: 160, render: (v?: string) => v ?? '—' },
        { title: t('imports.value'), dataIndex: 'value', width: 160, render: (v?: string) => (v === undefined ? '—' : <code>{v}</code>) },
        { title: t('imports.why'), key: 'why', render: (_: unknown, p: ImportProblem) => why(p) },
      ]}
    />
  );
}

/**
 * The imports so far (GET /api/imports, their audit entries): when, who, which kind and file, the
 * rows read, added and updated. An office of an area sees its own and its areas' offices' imports;
 * the whole database's office every one, with the importing office's area. 20 at a time.
 */
const NO_QUERY = {};
const itemsOf = (a: ImportHistory) => a.items;

/** `reloadKey`: changed after an import commits, to show it. */
function ImportHistoryCard({ kinds, area, reloadKey }: { kinds: KindInfo[] | undefined; area: SessionArea | null; reloadKey: number }) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const list = usePagedList<ImportHistoryEntry, ImportHistory>('/imports', reloadKey ? { v: reloadKey } : NO_QUERY, itemsOf, 20);
  const title = (kind: string) => {
    const k = kinds?.find((x) => x.kind === kind);
    return k ? textOf(k.title, lang) : kind;
  };
  return (
    <Card
      size="small"
      title={t('imports.history')}
      extra={area ? <span className="muted">{t('imports.historyAreaOnly', { area: area.name })}</span> : undefined}
      style={{ marginTop: 12 }}
    >
      {list.error ? <ErrorView error={list.error} /> : null}
      <Table<ImportHistoryEntry>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{ emptyText: <Empty description={t('imports.historyEmpty')} /> }}
        data-testid="import-history"
        columns={[
          { title: t('imports.historyAt'), dataIndex: 'at', width: 150, render: (v: string) => fmt.dateTime(v) },
          { title: t('imports.historyActor'), key: 'actor', width: 110, render: (_: unknown, e: ImportHistoryEntry) => e.actorName ?? e.actor },
          ...(area ? [] : [{ title: t('imports.historyArea'), key: 'area', width: 110, render: (_: unknown, e: ImportHistoryEntry) => e.areaName ?? '—' }]),
          { title: t('imports.kind'), dataIndex: 'kind', width: 120, render: (v: string) => title(v) },
          { title: t('imports.historyFile'), dataIndex: 'file', ellipsis: true },
          { title: t('imports.historyRows'), dataIndex: 'rows', width: 80, align: 'right' as const, render: (v: number) => fmt.int(v) },
          { title: t('imports.historyInserted'), dataIndex: 'inserted', width: 80, align: 'right' as const, render: (v: number) => fmt.int(v) },
          { title: t('imports.historyUpdated'), dataIndex: 'updated', width: 80, align: 'right' as const, render: (v: number) => fmt.int(v) },
        ]}
      />
      {list.hasMore ? (
        <Button onClick={list.loadMore} loading={list.loadingMore} style={{ marginTop: 12 }} data-testid="import-history-more">
          {t('paging.loadMore')}
        </Button>
      ) : null}
    </Card>
  );
}
