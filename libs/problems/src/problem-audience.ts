import type { EntityManager } from 'typeorm';

/** Firms with a stake in a problem, by how they came to it. */
export type AudiencePart = 'followers' | 'bidders' | 'askers' | 'invited';

const PART_SQL: Record<AudiencePart, string> = {
  followers: `SELECT enterprise_id FROM problem_followers WHERE problem_id = $1`,
  // a live proposal: anything not withdrawn (the proposals table belongs to libs/proposals)
  bidders: `SELECT enterprise_id FROM proposals WHERE problem_id = $1 AND status <> 'withdrawn'`,
  askers: `SELECT enterprise_id FROM problem_questions WHERE problem_id = $1`,
  invited: `SELECT enterprise_id FROM problem_invitations WHERE problem_id = $1`,
};

/** The distinct enterprise ids in any of the given parts of a problem's audience. */
export async function audienceOf(manager: EntityManager, problemId: string, parts: AudiencePart[]): Promise<string[]> {
  if (parts.length === 0) return [];
  const rows = await manager.query<{ enterprise_id: string }[]>(parts.map((p) => PART_SQL[p]).join(' UNION '), [problemId]);
  return rows.map((r) => r.enterprise_id);
}
