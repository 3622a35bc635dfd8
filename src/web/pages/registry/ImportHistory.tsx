/**
 * The imports so far (GET /api/imports, their audit entries): when, who, which kind and file, the
 * rows read, added and updated. An office of an area sees its own and its areas' offices' imports;
 * the whole database's office every one, with the importing office's area. 20 at a time.
 */
import { Button, Card, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { ErrorView } from '../../components/common.tsx';
import type { SessionArea } from '../../../contract/index.ts';
import { useFormat } from '../../lib/format.ts';
import { usePagedList } from '../../lib/paged.ts';
import { schemeLang } from '../../i18n/index.ts';
import type { ImportHistory, ImportHistoryEntry } from '../../lib/types.ts';
import type { KindInfo } from './kinds.tsx';

const NO_QUERY = {};
const itemsOf = (a: ImportHistory) => a.items;

/** `reloadKey`: changed after an import commits, to show it. */
export function ImportHistoryCard({ kinds, area, reloadKey }: { kinds: KindInfo[] | undefined; area: SessionArea | null; reloadKey: number }) {
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
        locale={{ emptyText: t('imports.historyEmpty') }}
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
