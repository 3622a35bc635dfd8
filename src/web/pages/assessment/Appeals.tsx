/**
 * The assessment's appeals: the window the campaign gives, each appeal with its photos and
 * outcome, a new appeal (the village), and deciding one with the total it would give (the
 * office). A chunk of its own, fetched when its tab is first opened (or when the page is idle).
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Empty, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { AppealStatusTag } from '../../components/common.tsx';
import { api } from '../../lib/api.ts';
import { useUser } from '../../lib/auth.tsx';
import { useFormat } from '../../lib/format.ts';
import { can } from '../../lib/roles.ts';
import { itemsOf, nodeIndex, type Finding, type liveScore, type Scheme } from '../../lib/scoring.ts';
import { schemeLang } from '../../i18n/index.ts';
import type { AppealRow, AssessmentDetail } from '../../lib/types.ts';
import type { AppealCreated, AppealDecided, AppealRequest } from '../../../contract/index.ts';
import { EvidenceList, uploadEvidence, type AssessmentTabProps, type useChanges } from './parts.tsx';
import { EvidencePicker } from './EvidencePicker.tsx';
import { decisionBody, decisionReady, DecisionFields, NEW_DECISION, outcomeTitle, useConfirmDecision, useDecisionEffect, type Decision } from './AppealDecision.tsx';

export default function Appeals({ a, scheme, saved, unit, run, busy }: AssessmentTabProps) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const fmt = useFormat();
  const user = useUser();
  const [creating, setCreating] = useState(false);
  const [deciding, setDeciding] = useState<AppealRow | null>(null);
  const index = useMemo(() => nodeIndex(scheme), [scheme]);
  const evidence = (id: number) => a.evidence.filter((e) => e.appealId === id);
  // The window the campaign gives (publication + its appeal days): said to everyone, the village first.
  const until = a.appealsUntil ? new Date(a.appealsUntil) : null;
  const open = until !== null && Date.now() <= until.getTime();
  const mayAppeal = a.status === 'published' && can.appeal(user.role) && open;
  return (
    <div data-testid="appeals">
      {until ? (
        <Alert
          type={open ? 'info' : 'warning'}
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="appeal-window"
          title={
            open
              ? t('appeals.until', { date: fmt.dateTime(a.appealsUntil!), days: Math.max(0, Math.ceil((until.getTime() - Date.now()) / 86_400_000)) })
              : t('appeals.closed', { date: fmt.dateTime(a.appealsUntil!) })
          }
        />
      ) : null}
      {mayAppeal ? (
        <Button type="primary" onClick={() => setCreating(true)} style={{ marginBottom: 12 }} data-testid="appeal-create">
          {t('appeals.create')}
        </Button>
      ) : null}
      {a.status !== 'published' ? <Alert type="info" showIcon title={t('appeals.onlyPublished')} style={{ marginBottom: 12 }} /> : null}
      {a.appeals.length === 0 ? (
        <Empty description={t('appeals.none')} />
      ) : (
        a.appeals.map((ap) => (
          <Card
            key={ap.id}
            size="small"
            style={{ marginBottom: 8 }}
            data-testid={`appeal-${ap.id}`}
            title={
              <span style={{ whiteSpace: 'normal' }}>
                <span className="mono">{ap.item}</span> {index.get(ap.item) ? textOf(index.get(ap.item)!.title, lang) : ''}
              </span>
            }
            extra={<AppealStatusTag status={ap.status} />}
          >
            <div>{ap.reason}</div>
            <div className="muted" style={{ fontSize: 12 }}>
              {ap.createdBy} · {fmt.dateTime(ap.createdAt)}
            </div>
            <EvidenceList items={evidence(ap.id)} />
            {ap.status !== 'open' ? (
              <Alert
                style={{ marginTop: 8 }}
                type={ap.status === 'rejected' ? 'warning' : 'success'}
                title={outcomeTitle(t, ap.status, ap.adjustedCount, index.get(ap.item)?.rule?.kind === 'measured')}
                description={`${ap.decisionReason ?? ''}${fmt.paren(`${ap.decidedBy ?? ''} · ${fmt.dateTime(ap.decidedAt)}`)}`}
              />
            ) : can.decideAppeal(user.role) ? (
              <Button style={{ marginTop: 8 }} onClick={() => setDeciding(ap)} data-testid={`appeal-decide-${ap.id}`}>
                {t('appeals.decide')}
              </Button>
            ) : (
              // Anyone else who reads an open appeal here is told whose decision it awaits.
              <div className="muted" style={{ marginTop: 8 }} data-testid={`appeal-awaiting-${ap.id}`}>
                {t('appeals.part.awaitingTitle')}
              </div>
            )}
          </Card>
        ))
      )}
      {creating ? <AppealForm a={a} scheme={scheme} run={run} busy={busy} onClose={() => setCreating(false)} /> : null}
      {deciding ? (
        <DecideModal appeal={deciding} scheme={scheme} saved={saved} unit={unit} savedTotal={a.score.total} run={run} busy={busy} onClose={() => setDeciding(null)} />
      ) : null}
    </div>
  );
}

function AppealForm({ a, scheme, run, busy, onClose }: { a: AssessmentDetail; scheme: Scheme; run: ReturnType<typeof useChanges>['run']; busy: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const [item, setItem] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  // Items with a deduction first: those are what a village appeals.
  const options = itemsOf(scheme)
    .filter(({ node }) => a.score.nodes[node.code]?.applicable !== false)
    .map(({ node }) => ({
      value: node.code,
      label: `${node.code} ${textOf(node.title, lang)}${(a.score.nodes[node.code]?.deductedRaw ?? 0) > 0 ? ` (−${a.score.nodes[node.code]!.deductedRaw})` : ''}`,
      lost: (a.score.nodes[node.code]?.deductedRaw ?? 0) > 0,
    }))
    .sort((x, y) => Number(y.lost) - Number(x.lost));
  return (
    <Modal
      open
      title={t('appeals.create')}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: !item || !reason.trim(), 'data-testid': 'appeal-submit' }}
      onOk={async () => {
        const ok = await run(async () => {
          const r = await api.post<AppealCreated>(`/assessments/${a.id}/appeals`, { item: item ?? '', reason: reason.trim() } satisfies AppealRequest);
          await uploadEvidence({ appealId: r.id }, files);
        }, t('appeals.created'));
        if (ok) onClose();
      }}
    >
      <Form layout="vertical">
        <Form.Item label={t('finding.item')} required>
          <Select showSearch optionFilterProp="label" options={options} value={item} onChange={setItem} data-testid="appeal-item" />
        </Form.Item>
        <Form.Item label={t('appeals.reason')} required>
          <Input.TextArea rows={4} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="appeal-reason" />
        </Form.Item>
        <Form.Item label={t('evidence.title')}>
          <EvidencePicker files={files} onChange={setFiles} testId="appeal-evidence-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function DecideModal({
  appeal,
  scheme,
  saved,
  unit,
  savedTotal,
  run,
  busy,
  onClose,
}: {
  appeal: AppealRow;
  scheme: Scheme;
  saved: Finding[];
  unit: Parameters<typeof liveScore>[1];
  savedTotal: number;
  run: ReturnType<typeof useChanges>['run'];
  busy: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [decision, setDecision] = useState<Decision>(NEW_DECISION);
  const after = useDecisionEffect(decision, appeal.item, scheme, unit, saved, savedTotal);
  const node = useMemo(() => nodeIndex(scheme).get(appeal.item), [scheme, appeal.item]);
  const confirmDecision = useConfirmDecision();
  return (
    <Modal
      open
      title={t('appeals.decideTitle', { item: appeal.item })}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: !decisionReady(decision, node), 'data-testid': 'appeal-decide' }}
      onOk={async () => {
        if (!decisionReady(decision, node) || !(await confirmDecision(decision, savedTotal, after))) return;
        const ok = await run(() => api.post<AppealDecided>(`/appeals/${appeal.id}/decide`, decisionBody(decision, node)), t('appeals.decided'));
        if (ok) onClose();
      }}
    >
      <p>{appeal.reason}</p>
      <DecisionFields value={decision} onChange={setDecision} before={savedTotal} after={after} node={node} />
    </Modal>
  );
}
