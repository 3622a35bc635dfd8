/**
 * The network and the phone's queue, on every page: 在线 / 离线 / 有N条待同步, and the time of the
 * last sync. Opened, it lists what waits (each change, where it stopped and why) with a link to
 * its assessment, and sends the queue at once on request.
 */
import { Button, Popover, Space, Tag } from 'antd';
import { CloudOutlined, CloudSyncOutlined, DisconnectOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../lib/format.ts';
import { Link, pathTo } from '../lib/router.tsx';
import { kickSync, useOfflineStatus } from '../offline/runner.ts';
import type { Change } from '../offline/changes.ts';

/** What a queued change does, in the reader's words. */
export function useChangeWords(): (c: Change) => string {
  const { t } = useTranslation();
  return (c) => {
    const b = c.body;
    if (b.kind === 'add') return t('offline.change.add', { item: b.item, count: b.count, photos: b.photos.length });
    if (b.kind === 'withdraw') return t('offline.change.withdraw');
    if (b.kind === 'check') return t(b.checked ? 'offline.change.check' : 'offline.change.uncheck', { item: b.item });
    return t('offline.change.photos', { count: b.photos.length });
  };
}

export function SyncStatus() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const s = useOfflineStatus();
  const words = useChangeWords();
  const state = s.signedOut ? 'signedOut' : !s.online ? 'offline' : s.waiting > 0 ? 'waiting' : 'online';
  const label =
    state === 'offline'
      ? s.waiting > 0
        ? t('offline.offlineWaiting', { count: s.waiting })
        : t('offline.offline')
      : state === 'waiting'
        ? t('offline.waiting', { count: s.waiting })
        : state === 'signedOut'
          ? t('offline.signedOut', { count: s.waiting })
          : t('offline.online');
  const colour = state === 'online' ? 'success' : state === 'offline' ? 'default' : state === 'signedOut' ? 'error' : 'warning';
  const icon = state === 'offline' ? <DisconnectOutlined /> : state === 'online' ? <CloudOutlined /> : <CloudSyncOutlined spin={s.syncing} />;
  const content = (
    <div style={{ maxWidth: 320 }} data-testid="sync-panel">
      <div className="muted" style={{ fontSize: 12 }} data-testid="sync-last">
        {s.lastSync ? t('offline.lastSync', { at: fmt.dateTime(s.lastSync) }) : t('offline.neverSynced')}
      </div>
      {s.signedOut ? <div style={{ marginTop: 6 }}>{t('offline.signInAgain')}</div> : null}
      {s.changes.length ? (
        <ul style={{ paddingInlineStart: 18, margin: '6px 0', maxHeight: 240, overflow: 'auto' }}>
          {s.changes.map((c) => (
            <li key={c.seq} data-testid={`sync-change-${c.seq}`} data-state={c.state} style={{ fontSize: 13 }}>
              <Link to={pathTo('assessment', { id: c.assessmentId })}>{words(c)}</Link>{' '}
              <Tag color={c.state === 'conflict' ? 'error' : c.state === 'refused' ? 'volcano' : c.state === 'synced' ? 'success' : 'warning'}>{t(`offline.state.${c.state}`)}</Tag>
            </li>
          ))}
        </ul>
      ) : (
        <div style={{ marginTop: 6 }}>{t('offline.nothingWaiting')}</div>
      )}
      {s.waiting > 0 ? (
        // Disabled only without a network: after an attempt that failed on the way (a photo's part
        // cut), trying again at once is what the button is for (the 20-second retry aside).
        <Button size="small" type="primary" disabled={!navigator.onLine} loading={s.syncing} onClick={() => void kickSync()} data-testid="sync-now">
          {t('offline.syncNow')}
        </Button>
      ) : null}
    </div>
  );
  return (
    <Popover content={content} title={t('offline.title')} trigger="click" placement="bottomRight">
      <Button type="text" size="small" data-testid="sync-status" data-state={state} data-waiting={s.waiting} aria-label={label}>
        <Space size={4}>
          <Tag color={colour} icon={icon} style={{ marginInlineEnd: 0 }}>
            {label}
          </Tag>
        </Space>
      </Button>
    </Popover>
  );
}
