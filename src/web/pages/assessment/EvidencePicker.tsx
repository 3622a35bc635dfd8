/** Choosing evidence files for a finding or an appeal (their forms are chunks of their own). */
import { Tag } from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format.ts';

export const EVIDENCE_ACCEPT = 'image/*,application/pdf';

/**
 * A file input that opens the phone's camera (capture="environment") and takes PDFs too.
 * `testId` marks the input itself, so a test can set files on it.
 */
export function EvidencePicker({ files, onChange, testId, label }: { files: File[]; onChange: (files: File[]) => void; testId: string; label?: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <div>
      <label
        className="ant-btn ant-btn-default ant-btn-sm"
        style={{ display: 'inline-flex', alignItems: 'center', gap: 6, cursor: 'pointer', padding: '4px 10px', border: '1px dashed #d9d9d9', borderRadius: 6 }}
      >
        <CameraOutlined />
        <span>{label ?? t('evidence.add')}</span>
        <input
          type="file"
          accept={EVIDENCE_ACCEPT}
          capture="environment"
          multiple
          data-testid={testId}
          style={{ position: 'absolute', width: 1, height: 1, opacity: 0, overflow: 'hidden' }}
          onChange={(e) => {
            const list = Array.from(e.target.files ?? []);
            onChange([...files, ...list]);
            e.target.value = '';
          }}
        />
      </label>
      {files.length ? (
        <div style={{ marginTop: 6 }}>
          {files.map((f, i) => (
            <Tag key={`${f.name}-${i}`} closable onClose={() => onChange(files.filter((_, j) => j !== i))}>
              {f.name} ({fmt.size(f.size)})
            </Tag>
          ))}
        </div>
      ) : null}
      <div className="muted" style={{ fontSize: 12, marginTop: 4 }}>
        {t('evidence.help')}
      </div>
    </div>
  );
}
