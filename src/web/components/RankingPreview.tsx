/**
 * The office's provisional ranking (内部预览): the switch that asks for it (`preview=1`) and the
 * banner shown while it is on. Only the office may ask (can.previewRanking, mirroring
 * mayPreviewRanking on the server); everyone else sees published results only.
 */
import { Alert, Space, Switch, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

export function PreviewSwitch({ checked, onChange }: { checked: boolean; onChange: (on: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('rankings.previewHelp')}>
      <Space size={4}>
        <Switch size="small" checked={checked} onChange={onChange} data-testid="ranking-preview" />
        <span>{t('rankings.preview')}</span>
      </Space>
    </Tooltip>
  );
}

export function PreviewBanner() {
  const { t } = useTranslation();
  return <Alert type="warning" showIcon banner message={t('rankings.previewBanner')} style={{ marginBottom: 12 }} data-testid="ranking-preview-banner" />;
}
