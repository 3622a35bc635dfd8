/**
 * Downloads of a campaign's reports, made on the server (see docs/reports.md): the ranking and
 * deduction detail workbooks, the whole campaign and the county summary as PDFs, in the page's
 * language and cut to the township shown. Plain links: the browser shows the download's
 * progress (the campaign PDF is streamed while it is drawn) and sends the session cookie.
 */
import { Button, Dropdown } from 'antd';
import { FileExcelOutlined, FilePdfOutlined, DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../lib/api.ts';
import { schemeLang } from '../i18n/index.ts';

export type ReportName = 'ranking.xlsx' | 'deductions.xlsx' | 'campaign.pdf' | 'summary.pdf';

/** The reports that rank villages and so may be asked for as the office's preview (`preview=1`, 内部预览). */
const RANKED: readonly ReportName[] = ['ranking.xlsx', 'campaign.pdf', 'summary.pdf'];

/** The address of a report of a campaign. */
export function reportUrl(
  campaignId: number,
  name: ReportName | 'sheet.pdf',
  query: { lang: 'zh' | 'en'; township?: string | undefined; village?: string | undefined; preview?: boolean | undefined },
): string {
  const { preview, ...rest } = query;
  return apiUrl(`/campaigns/${campaignId}/reports/${name}`, { ...rest, preview: preview && (RANKED as readonly string[]).includes(name) ? '1' : undefined });
}

/** `preview`: the office's provisional ranking is on, so the ranking reports are asked for as 内部预览. */
export function ReportDownloads({
  campaignId,
  township,
  reports,
  preview,
}: {
  campaignId: number;
  township?: string | undefined;
  reports: readonly ReportName[];
  preview?: boolean | undefined;
}) {
  const { t, i18n } = useTranslation();
  const lang = schemeLang(i18n.language);
  const items = reports.map((name) => ({
    key: name,
    icon: name.endsWith('.xlsx') ? <FileExcelOutlined /> : <FilePdfOutlined />,
    label: (
      <a href={reportUrl(campaignId, name, { lang, township, preview })} download data-testid={`report-${name.replace('.', '-')}`}>
        {t(`reports.${name.split('.')[0]}`)}
      </a>
    ),
  }));
  return (
    <Dropdown menu={{ items }} trigger={['click']}>
      <Button icon={<DownloadOutlined />} data-testid="report-downloads">
        {t('reports.download')}
      </Button>
    </Dropdown>
  );
}
