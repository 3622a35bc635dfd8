/**
 * A photo of evidence as a thumbnail that opens Ant Design's preview (zoom, rotate, the others of
 * the list). A chunk of its own, with the preview's code and styles: EvidenceList (parts.tsx)
 * shows the same thumbnail as a plain image until it is there.
 */
import { Image, Tooltip } from 'antd';
import type { PhotoProps } from './parts.tsx';

export default function EvidencePhoto({ src, alt, info, withdrawn, testId }: PhotoProps) {
  return (
    <Tooltip title={info}>
      <Image src={src} width={56} height={56} style={{ objectFit: 'cover', borderRadius: 4, opacity: withdrawn ? 0.4 : 1 }} alt={alt} data-testid={testId} />
    </Tooltip>
  );
}
