import type { EntityManager } from 'typeorm';
import { db } from '@app/database';

/** Firms with a stake in a problem, by how they came to it. */
export type AudiencePart = 'followers' | 'bidders' | 'askers' | 'invited';

/** The distinct enterprise ids in any of the given parts of a problem's audience. */
export async function audienceOf(manager: EntityManager, problemId: string, parts: AudiencePart[]): Promise<string[]> {
  if (parts.length === 0) return [];
  const q = db(manager);
  const part = (p: AudiencePart) => {
    switch (p) {
      case 'followers':
        return q.selectFrom('problem_followers').select('enterprise_id').where('problem_id', '=', problemId);
      case 'bidders':
        // a live proposal: anything not withdrawn (a read model of libs/proposals)
        return q
          .selectFrom('proposals')
          .select('enterprise_id')
          .where('problem_id', '=', problemId)
          .where('status', '<>', 'withdrawn');
      case 'askers':
        return q.selectFrom('problem_questions').select('enterprise_id').where('problem_id', '=', problemId);
      case 'invited':
        return q.selectFrom('problem_invitations').select('enterprise_id').where('problem_id', '=', problemId);
    }
  };
  const [first, ...rest] = parts.map(part);
  if (!first) return [];
  const rows = await rest.reduce((union, next) => union.union(next), first).execute();
  return rows.map((r) => r.enterprise_id);
}
