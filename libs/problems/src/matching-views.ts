import type { ProblemSector } from './problem.constants';
import { ProblemSummary } from './problem-search.service';

// What matching answers: the fit of a firm and a problem, the rankings built on it, invitations and follows.
/** Why a problem and a firm fit; the score is their weighted sum, 0..1. */
export class FitReasons {
  sectorMatch: boolean;
  matchedTags: string[];
  textSimilarity: number;
  sameArea: boolean;
}

export class SuggestedEnterprise {
  enterpriseId: string;
  legalName: string;
  shortName: string | null;
  areaCode: string;
  sectors: ProblemSector[];
  tags: string[];
  invited: boolean;
  score: number;
  reasons: FitReasons;
  /** The firm's delivered orders, and those whose department answered the bottleneck was solved (or partly). */
  completedOrders: number;
  solvedOrders: number;
  /** Share of its accepted milestones accepted on or before their due date (city calendar); null with none. */
  onTimeRate: number | null;
  /** Share of the KPIs recorded in its orders' outcomes that were met; null with none. */
  kpiAchievementRate: number | null;
}

export class Subscriptions {
  sectors: ProblemSector[];
  keywords: string[];
  updatedAt: string | null;
}

/** An open problem recommended to a firm, with how well it fits. */
export class RecommendedProblem extends ProblemSummary {
  score: number;
  reasons: FitReasons;
  /** The firm's own completed orders in this problem's sector that solved (or partly solved) the bottleneck. */
  provenInSector: number;
}

export class RecommendedProblemList {
  items: RecommendedProblem[];
}

export class SuggestedEnterpriseList {
  items: SuggestedEnterprise[];
}

export class InvitationResult {
  /** Firms invited now. */
  invited: string[];
  /** Firms that had already been invited. */
  alreadyInvited: string[];
}

export class FollowView {
  problemId: string;
  following: boolean;
}
