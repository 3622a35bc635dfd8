/**
 * The web app mirrors the server's role-level policies (src/web/lib/roles.ts `can`, which may not
 * import src/services): every mirrored permission answers as its policy does, for every role, so
 * a page never offers what the server refuses nor hides what it allows.
 */
import { describe, expect, it } from 'vitest';
import { ROLES } from '../src/core/roles.ts';
import {
  mayAppeal,
  mayDecideAppeals,
  mayImportRegistry,
  mayListAppeals,
  mayListMyVillages,
  mayManageCampaigns,
  mayManageUsers,
  mayPreviewRanking,
  mayPublishCampaigns,
  mayRecordFindings,
  mayStoreSchemeVersions,
  type RolePolicy,
} from '../src/services/policies.ts';
import { can } from '../src/web/lib/roles.ts';

const MIRRORS: Array<[keyof typeof can, RolePolicy]> = [
  ['appeal', mayAppeal],
  ['decideAppeal', mayDecideAppeals],
  ['listAppeals', mayListAppeals],
  ['import', mayImportRegistry],
  ['listMyVillages', mayListMyVillages],
  ['manage', mayManageCampaigns],
  ['manageUsers', mayManageUsers],
  ['previewRanking', (who) => mayPreviewRanking({ user: 'anyone', role: who.role })],
  ['publish', mayPublishCampaigns],
  ['record', mayRecordFindings],
  ['editScheme', mayStoreSchemeVersions],
];

describe("the web's permissions mirror the server's policies", () => {
  for (const [name, policy] of MIRRORS) {
    it(`can.${name}`, () => {
      for (const role of ROLES) expect(can[name](role), `${name} for ${role}`).toBe(policy({ role }));
    });
  }
});
