/**
 * Score aggregation for a problem's proposals (pure; the evaluation service feeds it rows).
 * Each evaluator scores every rubric criterion 0–10; their weighted score is Σ weight × score / 10
 * (0–100, weights sum to 100). A proposal's score is the mean over its evaluators, or the chair's
 * consensus score where one was recorded. Proposals under the pass mark are not ranked; ties
 * break by lower price, then by the earlier final submission.
 */

export interface RubricCriterion {
  key: string;
  weight: number;
}

export interface EvaluatorScore {
  evaluatorId: string;
  /** criterion key → 0..10 */
  scores: Record<string, number>;
}

export interface ProposalScores {
  proposalId: string;
  price: number;
  submittedAt: Date;
  evaluations: EvaluatorScore[];
  consensus?: { score: number; reason: string } | null;
}

export interface RankedProposal {
  proposalId: string;
  price: number;
  submittedAt: Date;
  evaluatorTotals: { evaluatorId: string; total: number }[];
  average: number | null;
  consensus: { score: number; reason: string } | null;
  /** The score that counts: the consensus where recorded, else the average. */
  finalScore: number | null;
  spread: number | null;
  /** Evaluators disagree by more than the threshold: the chair should look at it. */
  disagreement: boolean;
  passed: boolean;
  rank: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function weightedTotal(criteria: RubricCriterion[], scores: Record<string, number>): number {
  let total = 0;
  for (const c of criteria) {
    const s = scores[c.key];
    if (typeof s !== 'number' || s < 0 || s > 10) throw new Error(`Missing or invalid score for criterion ${c.key}`);
    total += (c.weight * s) / 10;
  }
  return round2(total);
}

export function rankProposals(
  criteria: RubricCriterion[],
  passMark: number,
  proposals: ProposalScores[],
  disagreementThreshold: number,
): RankedProposal[] {
  const scored = proposals.map((p): RankedProposal => {
    const evaluatorTotals = p.evaluations.map((e) => ({ evaluatorId: e.evaluatorId, total: weightedTotal(criteria, e.scores) }));
    const totals = evaluatorTotals.map((t) => t.total);
    const average = totals.length ? round2(totals.reduce((a, b) => a + b, 0) / totals.length) : null;
    const spread = totals.length ? round2(Math.max(...totals) - Math.min(...totals)) : null;
    const consensus = p.consensus ?? null;
    const finalScore = consensus ? round2(consensus.score) : average;
    return {
      proposalId: p.proposalId,
      price: p.price,
      submittedAt: p.submittedAt,
      evaluatorTotals,
      average,
      consensus,
      finalScore,
      spread,
      disagreement: spread !== null && spread > disagreementThreshold,
      passed: finalScore !== null && finalScore >= passMark,
      rank: null,
    };
  });
  const ranked = scored
    .filter((p) => p.passed)
    .sort(
      (a, b) =>
        (b.finalScore ?? 0) - (a.finalScore ?? 0) || a.price - b.price || a.submittedAt.getTime() - b.submittedAt.getTime(),
    );
  ranked.forEach((p, i) => (p.rank = i + 1));
  const unranked = scored.filter((p) => !p.passed).sort((a, b) => (b.finalScore ?? -1) - (a.finalScore ?? -1));
  return [...ranked, ...unranked];
}
