/**
 * A server for evidence tests, on a small demo county: a draft assessment with a finding, a
 * published one with an open appeal, the office signed in; and what the evidence store and the
 * evidence table hold, to show that a refused upload left nothing behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_DIR, DEFAULT_SCHEME_ID } from '../src/schemes/index.ts';
import { generateDemo } from '../src/services/demo.service.ts';
import type { EvidenceLimits } from '../src/services/evidence/evidence-store.ts';
import { signIn, startServer, type Client, type TestServer } from './http.ts';
import { filesUnder } from './crash/server-process.ts';
import type { StoreTarget } from './stores.ts';
import type { Store } from '../src/store/db.ts';
import { compose } from '../src/compose.ts';

export interface EvidenceServer {
  server: TestServer;
  office: Client;
  /** A finding on a draft assessment (evidence may be added). */
  findingId: number;
  /** An open appeal on a published assessment. */
  appealId: number;
  /** The draft assessment. */
  assessmentId: number;
  /** The evidence store's folder. */
  root: string;
  /** Rows of `evidence`, files stored, files in the store's tmp. */
  counts(): Promise<{ rows: number; stored: number; temporary: number }>;
}

export interface EvidenceSeed {
  campaignId: number;
  /** A draft assessment with a finding. */
  assessmentId: number;
  findingId: number;
  /** A published assessment with an open appeal. */
  publishedId: number;
  appealId: number;
}

/** The small demo county, a campaign, a finding on a draft assessment and an open appeal on a published one. */
export async function seedForEvidence(store: Store): Promise<EvidenceSeed> {
  const system = { user: 'system', role: 'admin' as const };
  await generateDemo({ store }, { households: 60 });
  const campaigns = compose({ store }).campaigns;
  const schemeText = readFileSync(join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.yaml`), 'utf8');
  const derivePath = join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.derive.yaml`);
  const version = await campaigns.schemes.storeSchemeVersion(system, schemeText, existsSync(derivePath) ? readFileSync(derivePath, 'utf8') : null, `${DEFAULT_SCHEME_ID}.yaml`);
  const campaignId = await campaigns.setup.createCampaign(system, { name: '2020年度考核', year: 2020, schemeVersionId: version.id, appealDays: 15 });
  const villages = (await store.db.selectFrom('areas').select('code').where('level', '=', 'village').orderBy('code').limit(2).execute()).map((v) => v.code);
  const assessmentId = await campaigns.assessments.assessmentId(campaignId, villages[0]!);
  const findingId = await campaigns.findings.addFinding(system, assessmentId, (await campaigns.assessments.getAssessment(system, assessmentId)).version, { item: '1.1' });
  const publishedId = await campaigns.assessments.assessmentId(campaignId, villages[1]!);
  await campaigns.findings.addFinding(system, publishedId, (await campaigns.assessments.getAssessment(system, publishedId)).version, { item: '1.1' });
  for (const step of ['submit', 'review', 'publish'] as const)
    await campaigns.workflow.transition(system, publishedId, (await campaigns.assessments.getAssessment(system, publishedId)).version, step);
  const appealId = await campaigns.appeals.appeal(system, publishedId, { item: '1.1', reason: '已有工作计划' });
  return { campaignId, assessmentId, findingId, publishedId, appealId };
}

/** Rows of `evidence`, files stored, files in the store's tmp. */
export async function evidenceCounts(store: Store, root: string): Promise<{ rows: number; stored: number; temporary: number }> {
  const { n } = await store.db
    .selectFrom('evidence')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const files = filesUnder(root);
  return { rows: Number(n), stored: files.filter((f) => !f.startsWith('tmp/') && !f.startsWith('thumbs/')).length, temporary: files.filter((f) => f.startsWith('tmp/')).length };
}

export async function evidenceServer(target: StoreTarget, limits?: EvidenceLimits): Promise<EvidenceServer> {
  const server = await startServer(target, limits ? { evidence: limits } : {});
  const seed = await seedForEvidence(server.store);
  await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'office', role: 'admin', password: 'desk-and-lamp-2021' });
  const office = await signIn(server.app, 'office', 'desk-and-lamp-2021');
  const root = join(server.dir, 'evidence');
  return { server, office, findingId: seed.findingId, appealId: seed.appealId, assessmentId: seed.assessmentId, root, counts: () => evidenceCounts(server.store, root) };
}
