/**
 * The first start: an empty installation gets the demo county, a demo campaign and one user per
 * role (their one-time passwords are printed once); an installation with data but no users
 * gets an administrator.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_DIR, DEFAULT_SCHEME_ID } from '../schemes/index.ts';
import type { AreaRepository } from '../store/area.repository.ts';
import type { CampaignServices } from './campaign/index.ts';
import { demoCampaignInProgress } from './demo/campaign-in-progress.ts';
import type { Actor, Role } from './policies.ts';
import type { UserService } from './user.service.ts';

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
/** The previous year's demo campaign, published in full (with `inProgress`). */
export const DEMO_PREVIOUS_CAMPAIGN = '2019年度考核';

export interface FirstStartOptions {
  /** false: no demo county, only the administrator. */
  demo?: boolean;
  /**
   * The demo campaign in progress (what `kaohe serve` asks for): the 2019 campaign published in
   * full, and in the 2020 one the first township's villages at every stage, with findings,
   * photos and a decided appeal. Default: every village of the 2020 campaign in draft.
   */
  inProgress?: boolean;
}

/** Who the first start acts as: the installation itself, in the office's role (so named in the audit log). */
const SYSTEM: Actor = { user: 'system', role: 'admin' };

export interface BootstrapDeps {
  users: UserService;
  areas: AreaRepository;
  campaigns: CampaignServices;
  /** Fills the empty registry with the demo county (generateDemo over the store). */
  generateDemo: () => Promise<unknown>;
}

export class BootstrapService {
  constructor(private readonly deps: BootstrapDeps) {}

  /** Prepares an installation on its first start; returns what was created (nothing on later starts). */
  async firstStart(options: FirstStartOptions = {}): Promise<FirstStart | null> {
    const { users, areas, campaigns } = this.deps;
    if ((await users.count()) > 0) return null;
    const areaCount = await areas.count();
    const credentials: Credential[] = [];
    const admin = await users.create(SYSTEM, { username: 'admin', role: 'admin', displayName: '县扶贫办管理员' });
    credentials.push({ username: 'admin', role: 'admin', password: admin.password });
    if (areaCount > 0 || options.demo === false) return { demo: false, credentials };

    await this.deps.generateDemo();
    const schemeText = readFileSync(join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.yaml`), 'utf8');
    const derivePath = join(BUILTIN_DIR, `${DEFAULT_SCHEME_ID}.derive.yaml`);
    const version = await campaigns.schemes.storeSchemeVersion(SYSTEM, schemeText, existsSync(derivePath) ? readFileSync(derivePath, 'utf8') : null, `${DEFAULT_SCHEME_ID}.yaml`);
    const campaignId = await campaigns.setup.createCampaign(SYSTEM, { name: DEMO_CAMPAIGN, year: 2020, schemeVersionId: version.id, appealDays: 15 });
    const township = await areas.firstTownship();
    if (!township) throw new Error('the demo county has no township');
    const villages = await areas.childrenOf(township.code);

    const add = async (username: string, role: Role, displayName: string, scope: { township?: string; village?: string }, label?: string) => {
      const r = await users.create(SYSTEM, { username, role, displayName, ...scope });
      credentials.push({ username, role, password: r.password, ...(label ? { scope: label } : {}) });
    };
    await add('reviewer', 'reviewer', `${township.name}审核员`, { township: township.code }, township.name);
    await add('inspector', 'inspector', '考核组检查员', {}, `第一考核组: ${township.name} ${villages.length} 个村`);
    await add('village', 'village', `${villages[0]!.name}工作队`, { village: villages[0]!.code }, villages[0]!.name);
    await add('viewer', 'viewer', '查询用户', {});
    // The team after its inspector: a team's members are inspectors' user names.
    await campaigns.setup.setTeam(SYSTEM, campaignId, '第一考核组', ['inspector']);
    await campaigns.setup.assignVillages(
      SYSTEM,
      campaignId,
      '第一考核组',
      villages.map((v) => v.code),
    );
    if (options.inProgress) {
      await demoCampaignInProgress(campaigns, {
        office: SYSTEM,
        inspector: { user: 'inspector', role: 'inspector' },
        reviewer: { user: 'reviewer', role: 'reviewer', township: township.code },
        village: { user: 'village', role: 'village', village: villages[0]!.code },
        campaignId,
        villages: villages.map((v) => v.code),
        schemeVersionId: version.id,
        previousName: DEMO_PREVIOUS_CAMPAIGN,
        previousYear: 2019,
      });
    }
    return { demo: true, campaign: DEMO_CAMPAIGN, credentials };
  }
}

/** Prepares an installation on its first start (the composition root's BootstrapService); nothing on later starts. */
export function firstStart(services: { bootstrap: BootstrapService }, options: FirstStartOptions = {}): Promise<FirstStart | null> {
  return services.bootstrap.firstStart(options);
}
