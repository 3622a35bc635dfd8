/**
 * The phone's changes to this assessment that the server did not take as they were: stopped by
 * a conflict (someone changed the assessment while the phone was offline: another inspector, a
 * reviewer's send-back) or refused (the assessment was submitted or published meanwhile, or the
 * change is not accepted). Each shows the phone's change beside the server's findings of the same
 * item now, and the inspector chooses: save it on top of the server's version, or give it up
 * (kept in the discarded list on the phone). Nothing is overwritten or lost without a choice.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { ApiError, errorText } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { nodeIndex, type Scheme } from '../../lib/scoring.ts';
import type { AssessmentDetail } from '../../lib/types.ts';
import { schemeLang } from '../../i18n/index.ts';
import { useChangeWords } from '../../components/SyncStatus.tsx';
import type { Change } from '../../offline/changes.ts';
import { kickSync, refreshStatus } from '../../offline/runner.ts';
import { resolveConflict } from '../../offline/sync.ts';

export function OfflineChanges({ server, scheme, changes, onDecided }: { server: AssessmentDetail; scheme: Scheme; changes: Change[]; onDecided: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const words = useChangeWords();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<number | null>(null);
  const index = nodeIndex(scheme);
  const stopped = changes.filter((c) => c.state === 'conflict' || c.state === 'refused');

  const itemOf = (c: Change): string | undefined => {
    const b = c.body;
    if (b.kind === 'add' || b.kind === 'check') return b.item;
    const ref = b.finding;
    if (typeof ref === 'number') return server.findings.find((f) => f.id === ref)?.item;
    const add = changes.find((x) => x.body.kind === 'add' && x.body.ref === ref);
    return add?.body.kind === 'add' ? add.body.item : undefined;
  };

  const decide = async (c: Change, choice: 'keep' | 'drop') => {
    setBusy(c.seq ?? null);
    try {
      await resolveConflict(c, choice, server.version);
      await refreshStatus(c.userId);
      message.success(t(choice === 'keep' ? 'offline.keptOnTop' : 'offline.dropped'));
      if (choice === 'keep') void kickSync();
      onDecided();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card size="small" style={{ marginBottom: 12, borderColor: '#ffa39e' }} title={t('offline.stoppedTitle', { count: stopped.length })} data-testid="offline-conflicts">
      {stopped.map((c) => {
        const item = itemOf(c);
        const node = item ? index.get(item) : undefined;
        const theirs = item ? server.findings.filter((f) => f.item === item && f.status === 'active') : [];
        const refused = c.state === 'refused';
        const reason = c.problem ? errorText(new ApiError(409, c.problem.code, c.problem.message)) : '';
        return (
          <div key={c.seq} data-testid={`offline-conflict-${c.seq}`} data-state={c.state} style={{ padding: '8px 0', borderBottom: '1px solid #f5f5f5' }}>
            {refused ? (
              <Alert type="error" showIcon title={t('offline.refused')} description={reason} style={{ marginBottom: 8 }} />
            ) : (
              <Alert
                type="warning"
                showIcon
                title={t('offline.conflict', { from: c.baseVersion, to: server.version })}
                description={server.comment && server.status === 'draft' ? t('offline.sentBackMeanwhile', { comment: server.comment }) : undefined}
                style={{ marginBottom: 8 }}
              />
            )}
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('offline.item')}>{item ? `${item} ${node ? textOf(node.title, lang) : ''}` : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('offline.mine')}>
                <span data-testid={`offline-mine-${c.seq}`}>
                  {words(c)}
                  {c.body.kind === 'add' && c.body.note ? ` · ${c.body.note}` : ''} · {fmt.dateTime(c.createdAt)}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('offline.theirs', { version: server.version })}>
                <span data-testid={`offline-theirs-${c.seq}`}>
                  {theirs.length === 0
                    ? t('offline.noneOnServer')
                    : theirs.map((f) => (
                        <div key={f.id}>
                          <Tag>{f.createdBy}</Tag>×{f.count}
                          {f.note ? ` · ${f.note}` : ''} · {fmt.dateTime(f.createdAt)}
                        </div>
                      ))}
                </span>
              </Descriptions.Item>
            </Descriptions>
            <Space wrap style={{ marginTop: 8 }}>
              {!refused ? (
                <Button type="primary" loading={busy === c.seq} onClick={() => void decide(c, 'keep')} data-testid={`offline-keep-${c.seq}`}>
                  {t('offline.keepOnTop')}
                </Button>
              ) : null}
              <Button danger loading={busy === c.seq} onClick={() => void decide(c, 'drop')} data-testid={`offline-drop-${c.seq}`}>
                {t('offline.drop')}
              </Button>
            </Space>
          </div>
        );
      })}
    </Card>
  );
}
