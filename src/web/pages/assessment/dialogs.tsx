/**
 * The assessment page's dialogs that open on a click: withdrawing a finding (with the points it
 * gives back) and submitting with items not looked at. A chunk of its own, fetched when the page
 * is idle or when one is first opened.
 */
import { useMemo, useState } from 'react';
import { Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { textOf } from '../../../core/scheme/model.ts';
import { useFormat } from '../../lib/format.ts';
import { nodeIndex, type Scheme } from '../../lib/scoring.ts';
import { schemeLang } from '../../i18n/index.ts';
import type { FindingRow } from '../../lib/types.ts';

/** Submitting with items not looked at or suggestions open: the dialog that names them. */
export function SubmitLeftModal({
  scheme,
  left,
  openSuggestions,
  busy,
  onCancel,
  onConfirm,
}: {
  scheme: Scheme;
  left: string[];
  openSuggestions: number;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const index = useMemo(() => nodeIndex(scheme), [scheme]);
  return (
    <Modal
      open
      title={t('assessment.submitLeftTitle')}
      onCancel={onCancel}
      onOk={() => void onConfirm()}
      okText={t('assessment.submitAnyway')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'submit-confirm' }}
      cancelButtonProps={{ 'data-testid': 'submit-cancel' }}
    >
      <div data-testid="submit-left">
        {left.length ? (
          <>
            <p style={{ marginBottom: 4 }}>{t('assessment.submitLeftUnchecked', { count: left.length })}</p>
            <ul style={{ maxHeight: 240, overflowY: 'auto', margin: '0 0 8px', paddingInlineStart: 18 }} data-testid="submit-unchecked">
              {left.map((code) => (
                <li key={code} data-item={code}>
                  <span className="mono">{code}</span> {index.get(code) ? textOf(index.get(code)!.title, lang) : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {openSuggestions > 0 ? <p data-testid="submit-open-suggestions">{t('assessment.submitLeftSuggestions', { count: openSuggestions })}</p> : null}
        <p style={{ marginBottom: 0 }}>{t('assessment.submitLeftAsk')}</p>
      </div>
    </Modal>
  );
}

export function WithdrawModal({
  finding,
  scheme,
  deltaTotal,
  onClose,
  onConfirm,
  busy,
}: {
  finding: FindingRow;
  scheme: Scheme;
  deltaTotal: number | null;
  onClose: () => void;
  onConfirm: (reason: string) => Promise<void>;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [reason, setReason] = useState('');
  const node = nodeIndex(scheme).get(finding.item);
  return (
    <Modal
      open
      title={t(node?.rule?.kind === 'bonus' ? 'assessment.withdrawBonusTitle' : 'assessment.withdrawTitle', {
        item: `${finding.item} ${node ? textOf(node.title, schemeLang(i18n.language)) : ''}`,
      })}
      onCancel={onClose}
      okText={t('assessment.withdraw')}
      okButtonProps={{ danger: true, disabled: !reason.trim(), 'data-testid': 'withdraw-confirm' }}
      confirmLoading={busy}
      onOk={() => onConfirm(reason.trim())}
    >
      {deltaTotal !== null ? <p>{t('assessment.withdrawEffect', { delta: fmt.delta(deltaTotal) })}</p> : null}
      <p className="muted">{t('assessment.withdrawHelp')}</p>
      <Input.TextArea
        rows={3}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={t('assessment.reasonPlaceholder')}
        data-testid="withdraw-reason"
        maxLength={2000}
      />
    </Modal>
  );
}
