/**
 * The store's repositories, bound to the database or to one transaction. Services read through
 * `read` and open a transaction with `transaction(work)`: the repositories handed to `work` all
 * run in it, and it commits when `work` resolves (rolls back when it throws). A service declares
 * the repositories it uses as a Pick of `Repositories`; the composition root hands every service
 * the same unit of work.
 */
import { AssessmentViewRepository } from './assessment-view.repository.ts';
import type { Period, VillageRecords } from '../core/derivation/types.ts';
import { AppealRepository } from './appeal.repository.ts';
import { AreaRepository } from './area.repository.ts';
import { AssessmentRepository } from './assessment.repository.ts';
import { AuditRepository } from './audit.repository.ts';
import { CampaignRepository, SchemeVersionRepository } from './campaign.repository.ts';
import type { Store } from './db.ts';
import { EvidenceRepository } from './evidence.repository.ts';
import type { Executor } from './executor.ts';
import { FindingRepository } from './finding.repository.ts';
import { FindingCommentRepository } from './finding-comment.repository.ts';
import { IdempotencyKeyTaken, IdempotencyRepository, idempotencyClaims } from './idempotency.repository.ts';
import { ItemCheckRepository } from './item-check.repository.ts';
import { RankingSnapshotRepository } from './ranking-snapshot.repository.ts';
import { loadVillageRecords } from './records.repository.ts';
import { RegistryRepository } from './registry.repository.ts';
import { SuggestionRepository } from './suggestion.repository.ts';
import { LoginThrottleRepository } from './login-throttle.repository.ts';
import { UserRepository } from './user.repository.ts';
import { ReportRepository } from './report.repository.ts';

/** One village's registry records for a period, as the derivation rules read them. */
export class VillageRecordsRepository {
  constructor(private readonly db: Executor) {}
  load(villageCode: string, period: Period): Promise<VillageRecords> {
    return loadVillageRecords(this.db, villageCode, period);
  }
}

export class Repositories {
  readonly schemeVersions: SchemeVersionRepository;
  readonly campaigns: CampaignRepository;
  readonly areas: AreaRepository;
  readonly assessments: AssessmentRepository;
  readonly findings: FindingRepository;
  readonly evidence: EvidenceRepository;
  readonly suggestions: SuggestionRepository;
  /** Items marked "checked, no deduction" (migration 0010). */
  readonly checks: ItemCheckRepository;
  /** Reviewers' comments on findings (migration 0011). */
  readonly comments: FindingCommentRepository;
  readonly appeals: AppealRepository;
  readonly snapshots: RankingSnapshotRepository;
  readonly audit: AuditRepository;
  readonly records: VillageRecordsRepository;
  readonly users: UserRepository;
  readonly throttle: LoginThrottleRepository;
  readonly reports: ReportRepository;
  /** The registry as its API reads it (areas, villages, households, work teams, helpers, records). */
  readonly registry: RegistryRepository;
  /** Keys of changes sent with an Idempotency-Key (migration 0012). */
  readonly idempotency: IdempotencyRepository;
  /** What an assessment's view reads, in one round trip on PostgreSQL. */
  readonly views: AssessmentViewRepository;

  constructor(db: Executor, store: Pick<Store, 'dialect' | 'auditKey'>) {
    this.schemeVersions = new SchemeVersionRepository(db);
    this.campaigns = new CampaignRepository(db);
    this.areas = new AreaRepository(db);
    this.assessments = new AssessmentRepository(db, store.dialect);
    this.findings = new FindingRepository(db);
    this.evidence = new EvidenceRepository(db);
    this.suggestions = new SuggestionRepository(db);
    this.checks = new ItemCheckRepository(db);
    this.comments = new FindingCommentRepository(db);
    this.appeals = new AppealRepository(db);
    this.snapshots = new RankingSnapshotRepository(db);
    this.audit = new AuditRepository(db, store);
    this.records = new VillageRecordsRepository(db);
    this.users = new UserRepository(db, store);
    this.throttle = new LoginThrottleRepository(db);
    this.reports = new ReportRepository(db);
    this.registry = new RegistryRepository(db, store.dialect);
    this.idempotency = new IdempotencyRepository(db);
    this.views = new AssessmentViewRepository(db, store.dialect, this);
  }
}

export interface UnitOfWork<R = Repositories> {
  /** The repositories outside any transaction. */
  readonly read: R;
  /** Runs `work` in one transaction, with the repositories bound to it. */
  transaction<T>(work: (tx: R) => Promise<T>): Promise<T>;
}

/**
 * The unit of work over a store. Inside a request that carries an Idempotency-Key
 * (`idempotencyClaims`), the request's first transaction also writes the key's row, first (so
 * a second send of the key waits for it, then gives way: `IdempotencyKeyTaken` rolls it back),
 * and the result of `work` on it last: the change and its key commit together.
 */
export function unitOfWork(store: Store): UnitOfWork<Repositories> {
  const plain = <T>(work: (tx: Repositories) => Promise<T>) => store.db.transaction().execute((trx) => work(new Repositories(trx, store)));
  return {
    read: new Repositories(store.db, store),
    transaction: async (work) => {
      const claim = idempotencyClaims.getStore();
      if (!claim || claim.state !== 'open') return plain(work);
      claim.state = 'taking';
      try {
        const result = await plain(async (tx) => {
          if (!(await tx.idempotency.take({ userId: claim.userId, key: claim.key, requestHash: claim.requestHash, createdAt: claim.at }))) {
            claim.state = 'lost';
            throw new IdempotencyKeyTaken(claim.key);
          }
          const result = await work(tx);
          await tx.idempotency.saveResult(claim.userId, claim.key, JSON.stringify(result ?? null));
          return result;
        });
        claim.state = 'taken';
        return result;
      } catch (e) {
        // A change refused (or rolled back) leaves the key free for the next send.
        if (claim.state === 'taking') claim.state = 'open';
        throw e;
      }
    },
  };
}
