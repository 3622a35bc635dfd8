/** Small pieces every page uses: the page header, error states, status tags, loading. */
import type { ReactNode } from 'react';
import { Alert, Button, Result, Spin, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText, type ApiError } from '../lib/api.ts';
import type { AssessmentStatus } from '../lib/types.ts';

/** The page's title is its one heading of level one (screen readers list and jump to it). */
export function PageHeader({ title, sub, extra, testId }: { title: ReactNode; sub?: ReactNode; extra?: ReactNode; testId?: string }) {
  return (
    <div className="page-header" data-testid={testId}>
      <div>
        <h1>{title}</h1>
        {sub ? <div className="page-header-sub">{sub}</div> : null}
      </div>
      {extra ? <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>{extra}</div> : null}
    </div>
  );
}

/** An error from the API, in words the reader can act on. */
export function ErrorView({ error, onRetry, compact }: { error: ApiError | Error; onRetry?: () => void; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const status = (error as ApiError).status;
  const text = errorText(error, i18n.language);
  const code = (error as ApiError).code;
  const retry = onRetry ? (
    <Button onClick={onRetry} size={compact ? 'small' : 'middle'}>
      {t('common.retry')}
    </Button>
  ) : undefined;
  if (!compact && status === 403) return <Result status="403" title={t('errors.forbidden')} subTitle={text} extra={retry} />;
  if (!compact && status === 404 && code === 'not-found' && /no route/.test(error.message)) {
    return <Result status="warning" title={t('errors.notAvailable')} subTitle={text} extra={retry} />;
  }
  if (!compact && status === 404) return <Result status="404" title={t('errors.notFound')} subTitle={text} extra={retry} />;
  const title = status === 0 ? t('errors.network') : t('errors.failed');
  return <Alert type="error" showIcon title={title} description={text} action={retry} style={{ marginBottom: 12 }} data-testid="error" />;
}

export function Loading({ tip }: { tip?: string }) {
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin description={tip} />
    </div>
  );
}

const STATUS_COLOURS: Record<AssessmentStatus, string> = { draft: 'default', submitted: 'processing', reviewed: 'warning', published: 'success' };

export function StatusTag({ status }: { status: AssessmentStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOURS[status] ?? 'default'} data-testid="status-tag" data-status={status}>
      {t(`status.${status}`)}
    </Tag>
  );
}

const APPEAL_COLOURS: Record<string, string> = { open: 'processing', upheld: 'success', adjusted: 'warning', rejected: 'error' };

export function AppealStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={APPEAL_COLOURS[status] ?? 'default'}>{t(`appeals.status.${status}`)}</Tag>;
}

/** Yes / no for 0/1 flags and booleans. */
export function YesNo({ value }: { value: unknown }) {
  const { t } = useTranslation();
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  const yes = value === true || value === 1 || value === '1';
  return <span>{yes ? t('common.yes') : t('common.no')}</span>;
}

/** Reading notes of a scheme (lint): the node, then what a reader should know. */
export function NoteList({ notes, testId }: { notes: Array<{ node?: string; message: string }>; testId?: string }) {
  return (
    <div data-testid={testId}>
      {notes.map((n, i) => (
        <div key={i} className="list-row">
          {n.node ? <Tag>{n.node}</Tag> : null}
          {n.message}
        </div>
      ))}
    </div>
  );
}
