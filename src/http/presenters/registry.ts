/**
 * Presenters of the registry (src/contract/registry.ts). The registry read service already shapes
 * its answers for the API: a record of a kind is shown by its kind's fields (the data
 * dictionary, core/registry/kinds.ts) under their camelCase names, with code labels beside the
 * codes, and ID numbers masked unless the office asked; lists come as pages of such records.
 * Here they get the contract's types; the shapes the service types loosely (pages of records,
 * by the dictionary) are asserted, not picked, since their fields are the dictionary's.
 */
import type { Page } from '../../contract/common.ts';
import type { AreasAnswer, DatedRecord, Helper, HouseholdDetail, HouseholdRow, ImportReport, KindsAnswer, VillageDetail, WorkTeam } from '../../contract/registry.ts';
import type { ImportResult, RegistryReadService } from '../../services/registry/index.ts';

type Result<K extends keyof RegistryReadService> = RegistryReadService[K] extends (...args: never[]) => Promise<infer R>
  ? R
  : RegistryReadService[K] extends (...args: never[]) => infer R
    ? R
    : never;

/** GET /api/areas */
export function presentAreas(a: Result<'areas'>): AreasAnswer {
  return a;
}

/** GET /api/villages/:code (a village's area node: it always carries the village's attributes and household count). */
export function presentVillage(v: Result<'village'>): VillageDetail {
  return v as VillageDetail;
}

/** GET /api/work-teams: teams with their members (built by the service field by field). */
export function presentWorkTeams(p: Result<'workTeams'>): Page<WorkTeam> {
  return p as Page<WorkTeam>;
}

/** GET /api/helpers (built by the service field by field). */
export function presentHelpers(p: Result<'helpers'>): Page<Helper> {
  return p as Page<Helper>;
}

/** GET /api/households: records of the `households` kind, with their village's name. */
export function presentHouseholds(p: Result<'households'>): Page<HouseholdRow> {
  return p as Page<HouseholdRow>;
}

/** GET /api/households/:no */
export function presentHousehold(h: Result<'household'>): HouseholdDetail {
  return h as HouseholdDetail;
}

/** GET /api/records/:kind: records of the kind, with their village. */
export function presentRecords(p: Result<'records'>): Page<DatedRecord> {
  return p as Page<DatedRecord>;
}

/** GET /api/kinds */
export function presentKinds(k: Result<'kinds'>): KindsAnswer {
  return k;
}

/** POST /api/imports/:kind */
export function presentImportReport(r: ImportResult): ImportReport {
  return r;
}
