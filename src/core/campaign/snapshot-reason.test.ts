import { describe, expect, it } from 'vitest';
import { snapshotReason } from './snapshot-reason.ts';

describe('snapshotReason', () => {
  it('reads back what the services record', () => {
    expect(snapshotReason('publish')).toEqual({ kind: 'publish' });
    expect(snapshotReason('publish 522425100201')).toEqual({ kind: 'publishVillage', village: '522425100201' });
    expect(snapshotReason('appeal 12')).toEqual({ kind: 'appeal', appeal: 12 });
    expect(snapshotReason('rescore with seed-2020 v2')).toEqual({ kind: 'rescore', version: 'seed-2020 v2' });
    expect(snapshotReason('something else')).toEqual({ kind: 'other', text: 'something else' });
  });
});
