/**
 * The office's provisional ranking (内部预览): the switch that asks for it (`preview=1`) and the
 * banner shown while it is on. Only the office may ask (can.previewRanking, mirroring
 * mayPreviewRanking on the server); everyone else sees published results only.
 */
import { Alert, Space, Switch, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { setQuery, useRoute } from '../lib/router.tsx';
import { can, type Role } from '../lib/roles.ts';

/**
 * Whether the page shows the office's provisional ranking, and the switch's setter. Kept in the
 * page's address (`?preview=1`): a reload, a bookmark or a link to another page keeps it; for
 * anyone who may not ask for it, always off (the server would refuse).
 */
export function usePreview(role: Role): [boolean, (on: boolean) => void] {
  const route = useRoute();
  return [can.previewRanking(role) && route.query.get('preview') === '1', (on) => setQuery({ preview: on ? '1' : undefined })];
}

export function PreviewSwitch({ checked, onChange }: { checked: boolean; onChange: (on: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('rankings.previewHelp')}>
      <Space size={4}>
        <Switch size="small" checked={checked} onChange={onChange} data-testid="ranking-preview" aria-label={t('rankings.preview')} />
        <span>{t('rankings.preview')}</span>
      </Space>
    </Tooltip>
  );
}

export function PreviewBanner() {
  const { t } = useTranslation();
  return <Alert type="warning" showIcon banner message={t('rankings.previewBanner')} style={{ marginBottom: 12 }} data-testid="ranking-preview-banner" />;
}
