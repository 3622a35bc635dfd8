/**
 * Why a ranking snapshot was taken, as the services record it ('publish', 'publish <village
 * code>', 'appeal <id>', 'rescore with <scheme version>'): read back into its parts, so a screen
 * can say it in the reader's language instead of showing the stored code.
 */
export type SnapshotReason =
  { kind: 'publish' } | { kind: 'publishVillage'; village: string } | { kind: 'appeal'; appeal: number } | { kind: 'rescore'; version: string } | { kind: 'other'; text: string };

export function snapshotReason(reason: string): SnapshotReason {
  if (reason === 'publish') return { kind: 'publish' };
  let m = /^publish (\d{12})$/.exec(reason);
  if (m) return { kind: 'publishVillage', village: m[1]! };
  m = /^appeal (\d+)$/.exec(reason);
  if (m) return { kind: 'appeal', appeal: Number(m[1]) };
  m = /^rescore with (.+)$/.exec(reason);
  if (m) return { kind: 'rescore', version: m[1]! };
  return { kind: 'other', text: reason };
}
