/**
 * A province's registry in small, for the offices above the county (docs/security-authz.md,
 * "Offices above the county"): province P with city C1 (counties K1, K2) and city C2 (county
 * K3), one township and two villages in each county, and a published campaign over all six
 * villages whose totals are known:
 *
 *   K1 织金县   A1 198 (1.1: −2)   A2 200
 *   K2 七星关区 B1 195 (3.4.1: −5) B2 199 (3.2.1: −1)
 *   K3 南明区   D1 196 (1.1 ×2: −4) D2 200
 *
 * Offices are real users with an area, made through the user service and read back with their
 * reach as a session would (`actorOf(await users.withReach(user))`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, type Services } from '../src/compose.ts';
import { EvidenceStore } from '../src/services/evidence/evidence-store.ts';
import type { CampaignServices } from '../src/services/campaign/index.ts';
import type { Actor } from '../src/services/policies.ts';
import { actorOf, type UserService } from '../src/services/user.service.ts';
import type { Store } from '../src/store/db.ts';
import { ACTORS, addInspectors, DERIVE_TEXT, SEED_TEXT } from './campaign-fixtures.ts';

export const P = '520000000000';
export const C1 = '522400000000';
export const C2 = '520100000000';
export const K1 = '522425000000';
export const K2 = '522401000000';
export const K3 = '520102000000';
export const T11 = '522425100000';
export const T21 = '522401100000';
export const T31 = '520102100000';
export const A1 = '522425100201';
export const A2 = '522425100202';
export const B1 = '522401100201';
export const B2 = '522401100202';
export const D1 = '520102100201';
export const D2 = '520102100202';
export const AREA_VILLAGES = [A1, A2, B1, B2, D1, D2] as const;

/** An area row as the registry keeps it (no village attributes). */
export const area = (code: string, level: 'province' | 'city' | 'county' | 'township' | 'village', name: string, parent: string | null) => ({
  code,
  level,
  name,
  parent_code: parent,
  poverty_village: 0,
  planned_exit_year: null,
  exit_year: null,
  population: null,
});

/** The province's areas and the inspectors' accounts, into an empty store. */
export async function buildProvince(store: Store): Promise<void> {
  await addInspectors(store);
  await store.db
    .insertInto('areas')
    .values([
      area(P, 'province', '示范省', null),
      area(C1, 'city', '毕节市', P),
      area(C2, 'city', '贵阳市', P),
      area(K1, 'county', '织金县', C1),
      area(K2, 'county', '七星关区', C1),
      area(K3, 'county', '南明区', C2),
      area(T11, 'township', '龙场镇', K1),
      area(T21, 'township', '海子街镇', K2),
      area(T31, 'township', '花果园街道', K3),
      area(A1, 'village', '石桥村', T11),
      area(A2, 'village', '青龙村', T11),
      area(B1, 'village', '红星村', T21),
      area(B2, 'village', '新寨村', T21),
      area(D1, 'village', '花溪村', T31),
      area(D2, 'village', '松柏村', T31),
    ])
    .execute();
}

/** A user with an area made by the office of the whole database, as a session reads them back. */
export async function officeOf(users: UserService, username: string, role: 'admin' | 'viewer' | 'inspector', areaCode: string): Promise<Actor> {
  const { user } = await users.create(ACTORS.admin as Actor, { username, role, area: areaCode, password: 'Area-office-2020!' });
  return actorOf(await users.withReach(user));
}

/** The published 2020 campaign over the six villages (totals as in the file's comment). */
export async function publishedProvinceCampaign(service: CampaignServices): Promise<{ campaignId: number; assessments: Record<string, number> }> {
  const admin = ACTORS.admin as Actor;
  const schemeVersionId = (await service.schemes.storeSchemeVersion(admin, SEED_TEXT, DERIVE_TEXT, 'seed-2020.yaml')).id;
  const campaignId = await service.setup.createCampaign(admin, { name: '2020年度全省考核', year: 2020, schemeVersionId, villages: [...AREA_VILLAGES] });
  const assessments: Record<string, number> = {};
  for (const v of AREA_VILLAGES) assessments[v] = await service.assessments.assessmentId(campaignId, v);
  const version = async (id: number) => (await service.assessments.assessmentState(admin, id)).version;
  const add = async (village: string, item: string, count: number) =>
    service.findings.addFinding(admin, assessments[village]!, await version(assessments[village]!), { item, count });
  await add(A1, '1.1', 1);
  await add(B1, '3.4.1', 1);
  await add(B2, '3.2.1', 1);
  await add(D1, '1.1', 2);
  for (const v of AREA_VILLAGES) {
    const id = assessments[v]!;
    await service.workflow.transition(admin, id, await version(id), 'submit');
    await service.workflow.transition(admin, id, await version(id), 'review');
  }
  await service.workflow.publishCampaign(admin, campaignId);
  return { campaignId, assessments };
}

/** The services over one store as the server composes them, evidence in a temporary folder (`cleanup` removes it). */
export function provinceServices(store: Store): { service: CampaignServices; users: UserService; services: Services; cleanup: () => void } {
  const evidenceDir = mkdtempSync(join(tmpdir(), 'kaohe-area-evidence-'));
  const services = compose({ store, evidence: new EvidenceStore(evidenceDir) });
  return { service: services.campaigns, users: services.users, services, cleanup: () => rmSync(evidenceDir, { recursive: true, force: true }) };
}
