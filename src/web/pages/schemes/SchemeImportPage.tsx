/**
 * Importing a scheme from the table an office keeps (评分细则.xlsx or .docx): upload it, see what was read
 * and every line not read with its row, and open the draft in the form editor to complete it
 * before saving (`navigate('/schemes/new/form', { state: { draft, unread } })`). Nothing is stored here.
 */
import { useState, type KeyboardEvent } from 'react';
import { Alert, Button, Card, Result, Space, Table, Upload } from 'antd';
import { EditOutlined, InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { SchemeImportAnswer, SchemeImportLine } from '../../../contract/schemes.ts';
import { ErrorView, PageHeader } from '../../components/common.tsx';
import { api } from '../../lib/api.ts';
import { useUser } from '../../lib/auth.tsx';
import { useFormat } from '../../lib/format.ts';
import { can } from '../../lib/roles.ts';
import { navigate } from '../../lib/router.tsx';

/** The items of a draft (nodes without children). */
function itemCount(nodes: unknown): number {
  if (!Array.isArray(nodes)) return 0;
  return nodes.reduce((n: number, node: { children?: unknown[] }) => n + (node.children?.length ? itemCount(node.children) : 1), 0);
}

/** The form editor's address for an imported draft (its page reads the draft from the history entry's state). */
export const FORM_EDITOR_NEW = '/schemes/new/form';

export default function SchemeImportPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const user = useUser();
  const [file, setFile] = useState<File | null>(null);
  const [answer, setAnswer] = useState<SchemeImportAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  if (!can.editScheme(user.role)) return <Result status="403" title={t('schemeImport.noRight')} />;

  const choose = async (f: File) => {
    setFile(f);
    setAnswer(null);
    setError(null);
    setBusy(true);
    try {
      const form = new FormData();
      form.append('file', f, f.name);
      setAnswer(await api.upload<SchemeImportAnswer>('/schemes/import', form));
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  // Space opens the file chooser too (Enter does already): the drop zone is a button.
  const spaceOpens = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== ' ') return;
    e.preventDefault();
    (e.currentTarget.querySelector('input[type=file]') as HTMLInputElement | null)?.click();
  };

  const lineColumns = [
    { title: t('schemeImport.row'), dataIndex: 'row', width: 70 },
    { title: t('schemeImport.column'), dataIndex: 'column', width: 60 },
    { title: t('schemeImport.node'), dataIndex: 'node', width: 90, render: (v: string | undefined) => (v ? <span className="mono">{v}</span> : null) },
    { title: t('schemeImport.reason'), dataIndex: 'message' },
  ];
  const lineKey = (l: SchemeImportLine) => `${l.row ?? ''}:${l.column ?? ''}:${l.node ?? ''}:${l.code}`;

  return (
    <div data-testid="scheme-import">
      <PageHeader title={t('schemeImport.title')} sub={t('schemeImport.help')} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <div data-testid="scheme-import-dropzone" onKeyDown={spaceOpens}>
          <Upload.Dragger
            accept=".xlsx,.docx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            multiple={false}
            showUploadList={false}
            disabled={busy}
            beforeUpload={(f) => {
              void choose(f as File);
              return false;
            }}
            data-testid="scheme-import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined aria-hidden />
            </p>
            <p>{busy ? t('schemeImport.reading') : file ? `${file.name}${fmt.paren(fmt.size(file.size))}` : t('schemeImport.drop')}</p>
            <p className="muted">{t('schemeImport.formats')}</p>
          </Upload.Dragger>
        </div>
      </Card>

      {error ? <ErrorView error={error} /> : null}

      {answer ? (
        <Card size="small" data-testid="scheme-import-result">
          <Alert
            type={answer.unread.length ? 'warning' : 'success'}
            showIcon
            title={t('schemeImport.summary', { sheet: answer.sheet, items: itemCount(answer.draft.sections), unread: answer.unread.length, checks: answer.checks.length })}
            description={answer.unread.length ? undefined : t('schemeImport.allRead')}
            style={{ marginBottom: 12 }}
            data-testid="scheme-import-summary"
          />
          {answer.unread.length ? (
            <Table<SchemeImportLine>
              size="small"
              rowKey={lineKey}
              title={() => <b>{t('schemeImport.unread')}</b>}
              pagination={false}
              dataSource={answer.unread}
              columns={lineColumns}
              scroll={{ x: 480 }}
              style={{ marginBottom: 12 }}
              data-testid="scheme-import-unread"
            />
          ) : null}
          {answer.checks.length ? (
            <Table<SchemeImportLine>
              size="small"
              rowKey={lineKey}
              title={() => <b>{t('schemeImport.checks')}</b>}
              pagination={false}
              dataSource={answer.checks}
              columns={lineColumns}
              scroll={{ x: 480 }}
              style={{ marginBottom: 12 }}
              data-testid="scheme-import-checks"
            />
          ) : null}
          <Space wrap>
            <Button
              type="primary"
              icon={<EditOutlined />}
              onClick={() => navigate(FORM_EDITOR_NEW, { state: { draft: answer.draft, unread: answer.unread } })}
              data-testid="scheme-import-open"
            >
              {t('schemeImport.open')}
            </Button>
          </Space>
        </Card>
      ) : null}
    </div>
  );
}
