import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedForEvidence, type EvidenceSeed } from '../../../test/evidence-server.ts';
import { storeTargets } from '../../../test/stores.ts';
import type { Store } from '../../store/db.ts';
import { EvidenceStore } from './evidence-store.ts';
import { tidyEvidence } from './housekeeping.ts';
import { compose } from '../../compose.ts';

const png = (n: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`pixel ${n}`)]);

describe.each(storeTargets())('tidyEvidence at start ($dialect)', (target) => {
  let store: Store;
  let seed: EvidenceSeed;
  let dir: string;
  beforeAll(async () => {
    store = await target.open();
    seed = await seedForEvidence(store);
    dir = mkdtempSync(join(tmpdir(), 'kaohe-tidy-'));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes what a crash left: temporary files of dead processes, and old files no row names', async () => {
    const files = new EvidenceStore(join(dir, 'evidence'));
    const service = compose({ store, evidence: files }).campaigns;
    const admin = { user: 'office', role: 'admin' as const };
    const id = await service.evidence.addEvidence(admin, { findingId: seed.findingId }, { filename: 'named.png', bytes: png(1) });
    const named = (await store.db.selectFrom('evidence').select('sha256').where('id', '=', id).executeTakeFirstOrThrow()).sha256;
    const orphan = (await files.put({ filename: 'orphan.png', bytes: png(2) })).sha256;
    const fresh = (await files.put({ filename: 'fresh.png', bytes: png(3) })).sha256;
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    for (const sha of [named, orphan]) await utimes(files.pathOf(sha), twoHoursAgo, twoHoursAgo);
    await mkdir(join(files.root, 'tmp'), { recursive: true });
    await writeFile(join(files.root, 'tmp', '2147483646-0b7e5a3c-8d4f-4c5e-9a1b-2c3d4e5f6a7b.part'), 'half an upload');

    expect(await tidyEvidence(store.db, files)).toEqual({ temporary: 1, orphans: 1 });
    expect(await files.has(named)).toBe(true);
    expect(await files.has(orphan)).toBe(false);
    // Younger than an hour: perhaps a command-line upload committing right now.
    expect(await files.has(fresh)).toBe(true);
    expect(await tidyEvidence(store.db, files)).toEqual({ temporary: 0, orphans: 0 });
  });
});
