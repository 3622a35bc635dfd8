/**
 * The campaign side's services, one per use case, built over one unit of work and sharing the
 * scheme versions they parse and the rankings they compute.
 */
import type { Repositories, UnitOfWork } from '../../store/unit-of-work.ts';
import { AppealService } from './appeals.service.ts';
import { AssessmentService } from './assessments.service.ts';
import { AuditService } from './audit.service.ts';
import { CampaignSetupService, type InspectorDirectory } from './campaign-setup.service.ts';
import { EvidenceService, type EvidenceSink } from './evidence.service.ts';
import { FindingCommentService } from './finding-comments.service.ts';
import { FindingService } from './findings.service.ts';
import { ItemCheckService } from './item-checks.service.ts';
import { RankingService } from './rankings.service.ts';
import { RescoringService } from './rescoring.service.ts';
import { SchemeVersions } from './scheme-versions.service.ts';
import { SuggestionService } from './suggestions.service.ts';
import { WorkflowService } from './workflow.service.ts';
import { WorklistService } from './worklist.service.ts';
import type { Clock } from './shared.ts';

export interface CampaignServices {
  schemes: SchemeVersions;
  setup: CampaignSetupService;
  assessments: AssessmentService;
  findings: FindingService;
  /** Reviewers' comments on one finding. */
  comments: FindingCommentService;
  /** Items marked "checked, no deduction". */
  checks: ItemCheckService;
  evidence: EvidenceService;
  suggestions: SuggestionService;
  workflow: WorkflowService;
  /** An inspector's villages with what is left in each (我的考核村). */
  worklist: WorklistService;
  appeals: AppealService;
  rankings: RankingService;
  rescoring: RescoringService;
  audit: AuditService;
}

export interface CampaignServicesDeps {
  uow: UnitOfWork<Repositories>;
  clock: Clock;
  evidence?: EvidenceSink;
  inspectors: InspectorDirectory;
}

export function campaignServices(deps: CampaignServicesDeps): CampaignServices {
  const { uow, clock } = deps;
  const schemes = new SchemeVersions({ uow, clock });
  const rankings = new RankingService({ uow, clock, schemes });
  const evidence = new EvidenceService({ uow, clock, ...(deps.evidence ? { evidence: deps.evidence } : {}) });
  return {
    schemes,
    setup: new CampaignSetupService({ uow, clock, schemes, inspectors: deps.inspectors }),
    assessments: new AssessmentService({ uow, clock, schemes, rankings }),
    findings: new FindingService({ uow, clock, schemes, evidence }),
    comments: new FindingCommentService({ uow, clock }),
    checks: new ItemCheckService({ uow, clock, schemes }),
    evidence,
    suggestions: new SuggestionService({ uow, clock, schemes }),
    workflow: new WorkflowService({ uow, clock, rankings, schemes }),
    worklist: new WorklistService({ uow, schemes }),
    appeals: new AppealService({ uow, clock, schemes, rankings, evidence }),
    rankings,
    rescoring: new RescoringService({ uow, clock, schemes, rankings }),
    audit: new AuditService({ uow, clock }),
  };
}

export type { AppealFilter } from './appeals.service.ts';
export type { AssessmentView } from './assessments.service.ts';
export { SHOWN_RECORDS } from './assessments.service.ts';
export type { EvidenceFile, EvidenceRoom, EvidenceSink, EvidenceTarget, StagedEvidenceLike, StoredEvidenceLike } from './evidence.service.ts';
export type { FindingInput } from './shared.ts';
export type { Step } from './workflow.service.ts';
export type { WorklistVillage } from './worklist.service.ts';
