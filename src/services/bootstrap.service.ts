/**
 * The first start: an empty installation gets the demo county, a demo campaign and one user per
 * role (their one-time passwords are printed once); an installation with data but no users
 * gets an administrator.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_DIR, DEFAULT_SCHEME_ID } from '../schemes/index.ts';
import type { Store } from '../store/db.ts';
import { CampaignService } from './campaign.service.ts';
import { generateDemo } from './demo.service.ts';
import type { Actor, Role } from './policies.ts';
import { UserService } from './user.service.ts';

export interface Credential {
  username: string;
  role: Role;
  password: string;
  scope?: string;
}

export interface FirstStart {
  demo: boolean;
  campaign?: string;
  credentials: Credential[];
}

export const DEMO_CAMPAIGN = '2020年度考核';

/** Prepares an installation on its first start; returns what was created (nothing on later starts). */
export async function firstStart(store: Store, options: { demo?: boolean } = {}): Promise<FirstStart | null> {
  const users = new UserService({ store });
  if ((await users.count()) > 0) return null;
  const { n } = await store.db.selectFrom('areas').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const credentials: Credential[] = [];
  const admin = await users.create({ username: 'admin', role: 'admin', displayName: '县扶贫办管理员' });
  credentials.push({ username: 'admin', role: 'admin', password: admin.password });
  if (Number(n) > 0 || options.demo === false) return { demo: false, credentials };

  await generateDemo({ store });
  const system: Actor = { user: 'system', role: 'admin' };
  const campaigns = new CampaignService({ store });
  const schemeText = readFileSync(join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.yaml`), 'utf8');
  const derivePath = join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.derive.yaml`);
  const version = await campaigns.storeSchemeVersion(system, schemeText, existsSync(derivePath) ? readFileSync(derivePath, 'utf8') : null, `${DEFAULT_SCHEME_ID}.yaml`);
  const campaignId = await campaigns.createCampaign(system, { name: DEMO_CAMPAIGN, year: 2020, schemeVersionId: version.id, appealDays: 15 });
  const township = await store.db.selectFrom('areas').select(['code', 'name']).where('level', '=', 'township').orderBy('code').executeTakeFirstOrThrow();
  const villages = await store.db.selectFrom('areas').select(['code', 'name']).where('parent_code', '=', township.code).orderBy('code').execute();
  await campaigns.setTeam(system, campaignId, '第一考核组', ['inspector']);
  await campaigns.assignVillages(system, campaignId, '第一考核组', villages.map((v) => v.code));

  const add = async (username: string, role: Role, displayName: string, scope: { township?: string; village?: string }, label?: string) => {
    const r = await users.create({ username, role, displayName, ...scope });
    credentials.push({ username, role, password: r.password, ...(label ? { scope: label } : {}) });
  };
  await add('reviewer', 'reviewer', `${township.name}审核员`, { township: township.code }, township.name);
  await add('inspector', 'inspector', '考核组检查员', {}, `第一考核组: ${township.name} ${villages.length} 个村`);
  await add('village', 'village', `${villages[0]!.name}工作队`, { village: villages[0]!.code }, villages[0]!.name);
  await add('viewer', 'viewer', '查询用户', {});
  return { demo: true, campaign: DEMO_CAMPAIGN, credentials };
}
