/**
 * The composition root: the one place that builds the store's unit of work and every service
 * over it. The HTTP server, its report worker and the command line all get their services here,
 * so the adapters cannot drift apart (one campaign side, one set of policies, the same options).
 */
import { present } from './http/presenters/ids.ts';
import { BootstrapService } from './services/bootstrap.service.ts';
import { generateDemo } from './services/demo.service.ts';
import { campaignServices, type CampaignServices } from './services/campaign/index.ts';
import { EvidenceStore, defaultEvidenceRoot, evidenceLimitsFromEnv } from './services/evidence/evidence-store.ts';
import { tidyEvidence, type Tidied } from './services/evidence/housekeeping.ts';
import { Thumbnails } from './services/evidence/thumbnails.ts';
import { Uploads } from './services/evidence/uploads.ts';
import { migrateToLatest } from './store/migrate.ts';
import { mayJoinInspectionTeams } from './services/policies.ts';
import { registryServices, type RegistryServices } from './services/registry/index.ts';
import { ReportDocuments } from './services/report-documents.ts';
import { ReportService } from './services/report.service.ts';
import { UserService } from './services/user.service.ts';
import { IdempotencyService } from './services/idempotency.service.ts';
import { openStore, type Store, type StoreOptions } from './store/db.ts';
import { unitOfWork } from './store/unit-of-work.ts';

export interface Services {
  store: Store;
  users: UserService;
  /** The first start: the demo county and campaign, one user per role. */
  bootstrap: BootstrapService;
  /** The campaign side, one service per use case (see services/campaign). */
  campaigns: CampaignServices;
  /** The registry: what its pages read (`read`), and its files: imports, exports, templates (`files`). */
  registry: RegistryServices;
  /** Report files (workbooks, PDFs), cut to the reader, ID numbers masked but for the office. */
  reports: ReportDocuments;
  /** Where evidence files are kept (content-addressed). */
  evidenceStore: EvidenceStore;
  /** Evidence files uploaded in parts, by SHA-256 (offline capture). */
  uploads: Uploads;
  /** Changes sent again under their Idempotency-Key answered once (offline capture). */
  idempotency: IdempotencyService;
  clock: () => Date;
  /** Removes what a crash or a kill left in the evidence store (half-written uploads, files no row names). */
  tidyEvidence(): Promise<Tidied>;
}

export interface ComposeOptions {
  store: Store;
  /** Default: the evidence folder the environment names (KAOHE_EVIDENCE_DIR, limits from KAOHE_EVIDENCE_*). */
  evidence?: EvidenceStore;
  clock?: () => Date;
}

/** Every service over one store. */
export function compose(options: ComposeOptions): Services {
  const { store } = options;
  const clock = options.clock ?? (() => new Date());
  const evidenceStore = options.evidence ?? new EvidenceStore(defaultEvidenceRoot(), evidenceLimitsFromEnv());
  const uow = unitOfWork(store);
  const uploads = new Uploads(evidenceStore, clock);
  const { users: userRepository, throttle, areas } = uow.read;
  const users = new UserService({ users: userRepository, throttle, areas, clock });
  const campaigns = campaignServices({
    uow,
    clock,
    evidence: evidenceStore,
    inspectors: async (names) => new Set((await userRepository.list()).filter((u) => names.includes(u.username) && mayJoinInspectionTeams(u)).map((u) => u.username)),
  });
  return {
    store,
    users,
    campaigns,
    bootstrap: new BootstrapService({ users, areas, campaigns, generateDemo: () => generateDemo({ store }) }),
    registry: registryServices({ repositories: uow.read, store, clock }),
    reports: new ReportDocuments({ reports: new ReportService({ repository: uow.read.reports, campaigns, clock }), campaigns, present, thumbnails: new Thumbnails(evidenceStore) }),
    evidenceStore,
    uploads,
    idempotency: new IdempotencyService({ keys: uow.read.idempotency, clock }),
    clock,
    tidyEvidence: async () => ({ ...(await tidyEvidence(store.db, evidenceStore)), uploads: await uploads.sweep() }),
  };
}

/** Opens the store (migrated) and builds the services over it; `close()` releases both. */
export async function openServices(options: Omit<ComposeOptions, 'store'> & { store?: StoreOptions } = {}): Promise<Services & { close(): Promise<void> }> {
  return servicesOver(await openStore(options.store ?? {}), options);
}

/** Builds the services over a store already open (a read replica's: report.worker.ts); `close()` releases both. */
export function servicesOver(store: Store, options: Omit<ComposeOptions, 'store'> = {}): Services & { close(): Promise<void> } {
  const services = compose({ ...options, store });
  return {
    ...services,
    close: async () => {
      await services.registry.close();
      await store.close();
    },
  };
}

/** Brings the configured database's schema up to date; says where it is and which migrations ran. */
export async function migrateConfiguredStore(): Promise<{ location: string; applied: string[] }> {
  const store = await openStore({ migrate: false });
  try {
    const results = await migrateToLatest(store);
    return { location: store.location, applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
  } finally {
    await store.close();
  }
}
