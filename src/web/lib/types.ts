/**
 * What the pages read from the API: the API's contract (src/contract), the one definition the
 * server's presenters are typed by too. Re-exported here under the names the pages import.
 */
import type { AssessmentStatus } from '../../contract/index.ts';

export type {
  AppealListed,
  AppealsAnswer,
  AppealRow,
  Area,
  AssessmentDetail,
  AssessmentRow,
  AssessmentStatus,
  AuditEntry,
  AuditVerification,
  CampaignDetail,
  CampaignSummary,
  EvidenceRow,
  FindingRow,
  ImportProblem,
  ImportHistory,
  ImportHistoryEntry,
  ImportReport,
  LangText,
  Overview,
  OverviewPlace,
  Page,
  RankedRow,
  Ranking,
  ScoreJson,
  ScoreNodeJson,
  Session,
  SuggestionRow,
  UnrankedVillage,
  User,
} from '../../contract/index.ts';

export const STATUSES: readonly AssessmentStatus[] = ['draft', 'submitted', 'reviewed', 'published'];
