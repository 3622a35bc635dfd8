/**
 * The printable score sheet of one village (考核扣分明细表): GET /api/assessments/:id/sheet, and
 * what the PDF reports lay out (services/score-sheet.ts builds it). Points as decimals.
 */
import type { ScoreResult } from '../core/scoring/score.ts';

export interface ScoreSheetHeader {
  county: { code: string; name: string } | null;
  township: { code: string; name: string } | null;
  campaign: { id: number; name: string; year: number; period: { from: string; to: string } };
  village: { code: string; name: string };
  team: string | null;
  scheme: { id: string; version: number; title: string };
  status: string;
  publishedAt: string | null;
  /** The day the sheet was produced (YYYY-MM-DD, in the office's time zone). */
  date: string;
  /** The office's time zone (an IANA name), in which the sheet prints its times. */
  timeZone: string;
  /** The audit log's head when the sheet was produced, `N:HEX` (审计锚点): kept on paper, checked by `kaohe audit verify --anchor`. */
  auditAnchor: string | null;
}

export interface ScoreSheetNode {
  code: string;
  title: string;
  /** 0 for a section, 1 for its children, … */
  depth: number;
  kind: string;
  applicable: boolean;
  max: number;
  deducted: number;
  score: number;
  added?: number;
  rule?: string;
}

export interface ScoreSheetEvidence {
  id: number;
  filename: string;
  mime: string;
  /** Its content address in the evidence store (as GET /api/assessments/:id answers it). */
  sha256: string;
  size: number;
  /** When and where the photo was taken, from its EXIF data or the inspector (null when unknown). */
  takenAt: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface ScoreSheetDeduction {
  item: string;
  title: string;
  findingId: number;
  count: number;
  element: string | null;
  elementTitle: string | null;
  note: string | null;
  household: string | null;
  /** Points this finding takes off (or adds, for a bonus item), before any pool cap. */
  amount: number;
  bonus: boolean;
  /** A measured item's value in words (93 / 抽查户数 100; 95.5%; 12.5万元; 好); null for other findings. */
  value: string | null;
  /** A discretionary (range) rule's points picked per occurrence (the reason is `note`); null for other findings. */
  picked: number | null;
  /** The part of a several-rule item the finding is about, and its title; null for other findings. */
  part: string | null;
  partTitle: string | null;
  /** The explanation line of this finding. */
  reason: string;
  evidence: ScoreSheetEvidence[];
}

export interface ScoreSheetRank {
  /** Which results the rank is among: 'published' (a score sheet is never ranked on a preview). */
  basis: string;
  county: number;
  countyOf: number;
  township: number;
  townshipOf: number | null;
}

export interface ScoreSheet {
  header: ScoreSheetHeader;
  nodes: ScoreSheetNode[];
  deductions: ScoreSheetDeduction[];
  explanation: string[];
  /** `converted`: the base converted (按实得分÷应得分×100折算), null without; `penalty`: deductions from the total. */
  totals: { base: number; converted: number | null; bonus: number; penalty: number; total: number; max: number; bonusMax: number; percent: number | null };
  grade: { code: string; title: string } | null;
  veto: ScoreResult['veto'];
  rank: ScoreSheetRank | null;
  /**
   * Why the sheet has no rank: 'unpublished' (submitted or reviewed, not yet published: printed
   * as 未发布，暂无名次) or 'unassessed' (a draft); null when it is ranked.
   */
  unranked: 'unassessed' | 'unpublished' | null;
}
